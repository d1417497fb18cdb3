"""The hour ledger: accounts, transfers, reversals, donations and redemptions.

Every movement of minutes goes through `transfer_post`. It checks that the legs sum to zero (the database
re-checks on PostgreSQL at commit), locks the touched accounts in ascending id order (no deadlocks between
concurrent transfers), refuses overdrafts on member and team accounts, writes the header and its entries, and
moves the cached balances in the same transaction. It refuses a transfer that debits and credits the same member
(a database trigger refuses it too). A transfer with an idempotency key that already exists in the same scope is
returned as is, so a retried request makes one transfer; a submitter's key is scoped to them and bound to the
request body (onewindow.core.idempotency): the same key with another body is a 409.

Transfers and entries are the ledger itself, not state-change events: they are never edited or deleted (a
database trigger on PostgreSQL), and a correction is a reversing transfer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeAlias

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.community.models import Account, Community, Entry, Member, Order, Team, ThemeEvent, Transfer
from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict, ServiceError
from onewindow.core.idempotency import FIELD as IDEMPOTENCY_FIELD
from onewindow.core.idempotency import KEY_MAX_LENGTH, idempotent_replay, request_fingerprint

Leg: TypeAlias = tuple[Account | int, int]  # an account (or its id) and signed minutes

MAX_LEG_MINUTES = 10**9  # far above any real movement, far below the 64-bit columns


# ------------------------------------------------------------------ accounts


def bank_account() -> Account:
    """The time bank's own account (issuer of hours). Created on first use."""
    return _open(Account.Kind.BANK, _("荔城时间银行"), allow_negative=True)


def account_for_member(member: Member) -> Account:
    return _open(Account.Kind.MEMBER, member.name, member=member)


def account_for_team(team: Team) -> Account:
    return _open(Account.Kind.TEAM, team.name, team=team)


def account_for_community(community: Community) -> Account:
    """A community organisation's account: it pays for the orders it places, so it may go below zero."""
    return _open(Account.Kind.ORGANISATION, f"{community.name}党委", allow_negative=True, community=community)


def _open(kind: str, name: str, *, allow_negative: bool = False, **owner: Any) -> Account:
    account = Account.objects.filter(kind=kind, **owner).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(kind=kind, name=name, allow_negative=allow_negative,
                                          created_at=clock.now(), **owner)
    except IntegrityError:  # opened by a concurrent request (one account per owner, one bank)
        return Account.objects.get(kind=kind, **owner)


# ------------------------------------------------------------------ transfers


def int_minutes(value: object, field: str = "minutes") -> int:
    """A whole number of minutes within the ledger's bound, else a 400 naming `field`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError(_("时长必须是整数分钟"), field=field)
    if abs(value) > MAX_LEG_MINUTES:
        raise ServiceError(_("时长数值过大"), field=field)
    return value


def transfer_post(*, kind: str, reason: str, legs: Sequence[Leg], idempotency_key: str, operator: Actor = None,
                  order: Order | None = None, event: ThemeEvent | None = None, reverses: Transfer | None = None,
                  idempotency_scope: str = "", fingerprint: str = "") -> Transfer:
    """Post one balanced transfer (two or more legs of signed integer minutes summing to zero).

    `idempotency_scope` is "" for the system's own keys (order-credit-<id>, …) and `user:<pk>` for a key a
    submitter sent; `fingerprint` (onewindow.core.idempotency.request_fingerprint) binds it to the request.
    """
    clean = _checked_legs(kind=kind, reason=reason, legs=legs, idempotency_key=idempotency_key)
    same_key = Transfer.objects.filter(idempotency_scope=idempotency_scope, idempotency_key=idempotency_key)
    existing = same_key.first()
    if existing is not None:
        return _same_or_conflict(existing, kind, fingerprint)
    header = {"kind": kind, "reason": reason.strip()[:200], "order": order, "event": event,
              "operator": actor_user(operator), "reverses": reverses, "idempotency_scope": idempotency_scope,
              "idempotency_key": idempotency_key, "idempotency_fingerprint": fingerprint}
    try:
        with transaction.atomic():
            return _write(clean, header)
    except IntegrityError:
        existing = same_key.first()
        if existing is not None:  # the same request, posted concurrently
            return _same_or_conflict(existing, kind, fingerprint)
        duplicate = _duplicate_credit(reverses=reverses, order=order, event=event)
        if duplicate is None:
            raise
        raise duplicate from None


def _checked_legs(*, kind: str, reason: str, legs: Sequence[Leg], idempotency_key: str) -> list[tuple[int, int]]:
    """The legs as (account id, minutes), or a 400 naming what is wrong with the request."""
    if not idempotency_key or len(idempotency_key) > KEY_MAX_LENGTH:
        raise ServiceError(_("缺少幂等键（1–120个字符）"), field="idempotency_key")
    if kind not in Transfer.Kind.values:
        raise ServiceError(_("转账类型无效"), field="kind")
    if not reason.strip():
        raise ServiceError(_("请填写转账事由"), field="reason")
    if len(legs) < 2:
        raise ServiceError(_("一笔转账至少要有两条分录"), field="entries")
    clean: list[tuple[int, int]] = []
    for account, amount in legs:
        if int_minutes(amount, "entries") == 0:
            raise ServiceError(_("分录金额不能为零"), field="entries")
        clean.append((account.pk if isinstance(account, Account) else int(account), amount))
    total = sum(amount for _account, amount in clean)
    if total != 0:
        raise ServiceError(_("转账不平衡：各分录之和必须为零（现为 %(s)d 分钟）") % {"s": total}, field="entries")
    return clean


def _write(legs: list[tuple[int, int]], header: dict[str, Any]) -> Transfer:
    """Lock the accounts (ascending ids), check them, write header and entries, move the cached balances."""
    deltas: dict[int, int] = defaultdict(int)
    for account_id, amount in legs:
        deltas[account_id] += amount
    ids = sorted(deltas)
    locked = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    missing = [i for i in ids if i not in locked]
    if missing:
        raise ServiceError(_("账户不存在：%(ids)s") % {"ids": missing}, field="entries")
    _refuse_same_member(legs, locked)
    _refuse_overdraft(locked, deltas)
    transfer = Transfer.objects.create(created_at=clock.now(), **header)
    Entry.objects.bulk_create([Entry(transfer=transfer, account_id=a, amount=m) for a, m in legs])
    for account_id in ids:
        if deltas[account_id]:
            Account.objects.filter(pk=account_id).update(balance=F("balance") + deltas[account_id])
    return transfer


def _refuse_same_member(legs: Sequence[tuple[int, int]], accounts: dict[int, Account]) -> None:
    """No transfer debits and credits the same account, or two accounts of the same member."""
    sides: dict[tuple[str, int], set[bool]] = defaultdict(set)
    for account_id, amount in legs:
        sides[("account", account_id)].add(amount > 0)
        member_id = accounts[account_id].member_id
        if member_id is not None:
            sides[("member", member_id)].add(amount > 0)
    if any(len(signs) == 2 for signs in sides.values()):
        raise ServiceError(_("同一党员（账户）不能在一笔转账中既转出又转入"), field="entries")


def _refuse_overdraft(accounts: dict[int, Account], deltas: dict[int, int]) -> None:
    for account_id, account in accounts.items():
        if not account.allow_negative and account.balance + deltas[account_id] < 0:
            raise ServiceError(_("“%(name)s”余额不足：现有 %(have)d 分钟，需要 %(need)d 分钟")
                               % {"name": account.name, "have": account.balance, "need": -deltas[account_id]},
                               field="minutes")


def _same_or_conflict(existing: Transfer, kind: str, fingerprint: str) -> Transfer:
    """The transfer a retried request made; a 409 when the key was used for another kind or another body."""
    if existing.idempotency_scope:  # a submitter's key: bound to the body it was first sent with
        if existing.kind != kind:
            raise Conflict(_("该幂等键已用于另一份不同内容的请求"), field=IDEMPOTENCY_FIELD)
    elif existing.kind != kind:
        raise Conflict(_("幂等键已用于另一笔不同类型的转账"), field="idempotency_key")
    return idempotent_replay(existing, fingerprint=fingerprint)  # no stored fingerprint (old rows): as is


def _duplicate_credit(*, reverses: Transfer | None, order: Order | None, event: ThemeEvent | None) -> Conflict | None:
    """The 409 for a unique constraint that refused a second reversal or a second credit, if that was it."""
    if reverses is not None:
        return Conflict(_("该转账已被冲正"), field="transfer")
    if order is not None:
        return Conflict(_("该订单已记入时长"), field="order")
    if event is not None:
        return Conflict(_("该活动已记入时长"), field="event")
    return None


def transfer_reverse(*, transfer: Transfer, reason: str, operator: Actor, idempotency_key: str = "") -> Transfer:
    """Correct a transfer by posting its mirror image. A transfer is reversed at most once."""
    if transfer.kind == Transfer.Kind.REVERSAL:
        raise Conflict(_("冲正转账不能再次冲正"), field="transfer")
    if Transfer.objects.filter(reverses=transfer).exists():
        raise Conflict(_("该转账已被冲正"), field="transfer")
    legs: list[Leg] = [(e.account_id, -e.amount) for e in transfer.entries.all()]
    result = transfer_post(kind=Transfer.Kind.REVERSAL, reason=reason or _("冲正 #%(id)d") % {"id": transfer.pk},
                           legs=legs, idempotency_key=idempotency_key or f"reverse-{transfer.pk}",
                           operator=operator, reverses=transfer, order=transfer.order)
    audit_log(actor=operator, action="community.transfer_reverse", target=transfer, detail={"reversal": result.pk})
    return result


# ------------------------------------------------------------------ a member's own hours


def donation_make(*, giver: Member, receiver: Member, minutes: int, operator: Actor, idempotency_key: str,
                  note: str = "", idempotency_scope: str = "") -> Transfer:
    """A member gives some of their hours to another member.

    The callers (API, page) pass the signed-in user's own member as `giver` and their `user:<pk>` scope.
    """
    minutes = int_minutes(minutes)
    if minutes <= 0:
        raise ServiceError(_("捐赠时长必须大于零"), field="minutes")
    if giver.pk == receiver.pk:
        raise ServiceError(_("不能捐赠给自己"), field="receiver")
    note = note.strip()
    fingerprint = request_fingerprint({"kind": Transfer.Kind.DONATION, "giver": giver.pk, "receiver": receiver.pk,
                                       "minutes": minutes, "note": note})
    giver_account, receiver_account = account_for_member(giver), account_for_member(receiver)
    return transfer_post(kind=Transfer.Kind.DONATION,
                         reason=note or _("%(a)s 捐赠给 %(b)s") % {"a": giver.name, "b": receiver.name},
                         legs=[(giver_account, -minutes), (receiver_account, minutes)],
                         idempotency_key=idempotency_key, idempotency_scope=idempotency_scope,
                         fingerprint=fingerprint, operator=operator)


REDEMPTION_PURPOSES = {"service": gettext_lazy("兑换服务"), "reward": gettext_lazy("兑换奖励")}


def redemption_make(*, member: Member, minutes: int, purpose: str, note: str, operator: Actor,
                    idempotency_key: str, idempotency_scope: str = "") -> Transfer:
    """A member spends hours on a service or a reward: the minutes return to the bank.

    The callers (API, page) pass the signed-in user's own member: nobody redeems from someone else's account.
    """
    minutes = int_minutes(minutes)
    if minutes <= 0:
        raise ServiceError(_("兑换时长必须大于零"), field="minutes")
    if purpose not in REDEMPTION_PURPOSES:
        raise ServiceError(_("兑换用途须为“服务”或“奖励”"), field="purpose")
    note = note.strip()
    fingerprint = request_fingerprint({"kind": Transfer.Kind.REDEMPTION, "member": member.pk, "minutes": minutes,
                                       "purpose": purpose, "note": note})
    reason = f"{REDEMPTION_PURPOSES[purpose]}：{note or '-'}"
    return transfer_post(kind=Transfer.Kind.REDEMPTION, reason=reason,
                         legs=[(account_for_member(member), -minutes), (bank_account(), minutes)],
                         idempotency_key=idempotency_key, idempotency_scope=idempotency_scope,
                         fingerprint=fingerprint, operator=operator)
