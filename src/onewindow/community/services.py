"""Writes for the community app. One transaction each; every state change writes one append-only event row.

The hour ledger lives in `transfer_post`: every movement of minutes goes through it. It checks that the legs
sum to zero (the database re-checks on PostgreSQL at commit), locks the touched accounts in ascending id
order (no deadlocks between concurrent transfers), refuses overdrafts on member and team accounts, writes
the header and its entries, and moves the cached balances in the same transaction. It refuses a transfer that
debits and credits the same member (a database trigger refuses it too). A transfer with an idempotency key that
already exists in the same scope is returned as is, so a retried request makes one transfer; a submitter's key
is scoped to them and bound to the request body (onewindow.core.idempotency): the same key with another body
is a 409.

Orders: requester, taker and confirmer are different people (the requester cannot take, the taker cannot
confirm or settle); "done" and "confirm" wait for the service date; minutes above the menu item's suggested
time wait for the approval of a community worker who neither placed, took nor confirmed the order.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.core import clock
from onewindow.core.access import Role, has_role
from onewindow.core.audit import audit_log
from onewindow.core.counters import counter_next
from onewindow.core.errors import Conflict, FieldProblem, Forbidden, ServiceError
from onewindow.core.idempotency import FIELD as IDEMPOTENCY_FIELD
from onewindow.core.idempotency import KEY_MAX_LENGTH, idempotent_replay, request_fingerprint
from onewindow.core.validators import validate_mobile

from .models import (
    Account,
    Building,
    CoBuildingUnit,
    Community,
    Compound,
    Entry,
    EventSignup,
    Grid,
    Matter,
    MatterLog,
    Member,
    MemberEvent,
    MenuItem,
    Order,
    OrderEvent,
    PartyOrg,
    Proposal,
    ProposalEvent,
    Street,
    Team,
    ThemeEvent,
    Transfer,
)

# ============================================================== ledger


def bank_account() -> Account:
    """The time bank's own account (issuer of hours). Created on first use."""
    account = Account.objects.filter(kind=Account.Kind.BANK).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(kind=Account.Kind.BANK, name=_("荔城时间银行"), allow_negative=True,
                                          created_at=clock.now())
    except IntegrityError:
        return Account.objects.get(kind=Account.Kind.BANK)


def _open(kind: str, name: str, *, allow_negative: bool = False, **owner: Any) -> Account:
    account = Account.objects.filter(kind=kind, **owner).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(kind=kind, name=name, allow_negative=allow_negative,
                                          created_at=clock.now(), **owner)
    except IntegrityError:
        return Account.objects.get(kind=kind, **owner)


def account_for_member(member: Member) -> Account:
    return _open(Account.Kind.MEMBER, member.name, member=member)


def account_for_team(team: Team) -> Account:
    return _open(Account.Kind.TEAM, team.name, team=team)


def account_for_community(community: Community) -> Account:
    """A community organisation's account: it pays for the orders it places, so it may go below zero."""
    return _open(Account.Kind.ORGANISATION, f"{community.name}党委", allow_negative=True, community=community)


MAX_LEG_MINUTES = 10**9  # far above any real movement, far below the 64-bit columns


def _int_minutes(value: object, field: str = "minutes") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError(_("时长必须是整数分钟"), field=field)
    if abs(value) > MAX_LEG_MINUTES:
        raise ServiceError(_("时长数值过大"), field=field)
    return value


def transfer_post(*, kind: str, reason: str, legs: Sequence[tuple[Account | int, int]], idempotency_key: str,
                  operator: Any = None, order: Order | None = None, event: ThemeEvent | None = None,
                  reverses: Transfer | None = None, idempotency_scope: str = "",
                  fingerprint: str = "") -> Transfer:
    """Post one balanced transfer (two or more legs of signed integer minutes summing to zero).

    `idempotency_scope` is "" for the system's own keys (order-credit-<id>, …) and `user:<pk>` for a key a
    submitter sent; `fingerprint` (onewindow.core.idempotency.request_fingerprint) binds it to the request.
    """
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
        amount = _int_minutes(amount, "entries")
        if amount == 0:
            raise ServiceError(_("分录金额不能为零"), field="entries")
        clean.append((account.pk if isinstance(account, Account) else int(account), amount))
    if sum(a for _, a in clean) != 0:
        raise ServiceError(_("转账不平衡：各分录之和必须为零（现为 %(s)d 分钟）") % {"s": sum(a for _, a in clean)},
                           field="entries")
    same_key = Transfer.objects.filter(idempotency_scope=idempotency_scope, idempotency_key=idempotency_key)
    existing = same_key.first()
    if existing is not None:
        return _same_or_conflict(existing, kind, fingerprint)
    try:
        with transaction.atomic():
            deltas: dict[int, int] = defaultdict(int)
            for account_id, amount in clean:
                deltas[account_id] += amount
            ids = sorted(deltas)
            locked = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
            missing = [i for i in ids if i not in locked]
            if missing:
                raise ServiceError(_("账户不存在：%(ids)s") % {"ids": missing}, field="entries")
            _refuse_same_member(clean, locked)
            for account_id in ids:
                account = locked[account_id]
                if not account.allow_negative and account.balance + deltas[account_id] < 0:
                    raise ServiceError(
                        _("“%(name)s”余额不足：现有 %(have)d 分钟，需要 %(need)d 分钟")
                        % {"name": account.name, "have": account.balance, "need": -deltas[account_id]},
                        field="minutes")
            transfer = Transfer.objects.create(kind=kind, reason=reason.strip()[:200], order=order, event=event,
                                               operator=operator if getattr(operator, "pk", None) else None,
                                               created_at=clock.now(), reverses=reverses,
                                               idempotency_scope=idempotency_scope,
                                               idempotency_key=idempotency_key,
                                               idempotency_fingerprint=fingerprint)
            Entry.objects.bulk_create([Entry(transfer=transfer, account_id=a, amount=m) for a, m in clean])
            for account_id in ids:
                if deltas[account_id]:
                    Account.objects.filter(pk=account_id).update(balance=F("balance") + deltas[account_id])
            return transfer
    except IntegrityError:
        existing = same_key.first()
        if existing is not None:
            return _same_or_conflict(existing, kind, fingerprint)
        if reverses is not None:
            raise Conflict(_("该转账已被冲正"), field="transfer") from None
        if order is not None:
            raise Conflict(_("该订单已记入时长"), field="order") from None
        if event is not None:
            raise Conflict(_("该活动已记入时长"), field="event") from None
        raise


def _same_or_conflict(existing: Transfer, kind: str, fingerprint: str) -> Transfer:
    """The transfer a retried request made; a 409 when the key was used for another kind or another body."""
    if existing.idempotency_scope:  # a submitter's key: bound to the body it was first sent with
        if existing.kind != kind:
            raise Conflict(_("该幂等键已用于另一份不同内容的请求"), field=IDEMPOTENCY_FIELD)
    elif existing.kind != kind:
        raise Conflict(_("幂等键已用于另一笔不同类型的转账"), field="idempotency_key")
    return idempotent_replay(existing, fingerprint=fingerprint)  # no stored fingerprint (old rows): as is


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


def transfer_reverse(*, transfer: Transfer, reason: str, operator: Any, idempotency_key: str = "") -> Transfer:
    """Correct a transfer by posting its mirror image. A transfer is reversed at most once."""
    if transfer.kind == Transfer.Kind.REVERSAL:
        raise Conflict(_("冲正转账不能再次冲正"), field="transfer")
    if Transfer.objects.filter(reverses=transfer).exists():
        raise Conflict(_("该转账已被冲正"), field="transfer")
    legs = [(e.account_id, -e.amount) for e in transfer.entries.all()]
    result = transfer_post(kind=Transfer.Kind.REVERSAL, reason=reason or _("冲正 #%(id)d") % {"id": transfer.pk},
                           legs=legs, idempotency_key=idempotency_key or f"reverse-{transfer.pk}",
                           operator=operator, reverses=transfer, order=transfer.order)
    audit_log(actor=operator, action="community.transfer_reverse", target=transfer, detail={"reversal": result.pk})
    return result


def donation_make(*, giver: Member, receiver: Member, minutes: int, operator: Any, idempotency_key: str,
                  note: str = "", idempotency_scope: str = "") -> Transfer:
    """A member gives some of their hours to another member.

    The callers (API, page) pass the signed-in user's own member as `giver` and their `user:<pk>` scope.
    """
    minutes = _int_minutes(minutes)
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


def redemption_make(*, member: Member, minutes: int, purpose: str, note: str, operator: Any,
                    idempotency_key: str, idempotency_scope: str = "") -> Transfer:
    """A member spends hours on a service or a reward: the minutes return to the bank.

    The callers (API, page) pass the signed-in user's own member: nobody redeems from someone else's account.
    """
    minutes = _int_minutes(minutes)
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


# ============================================================== organisation tree and party organisations

TREE_COLUMNS = ("街道", "社区", "小区", "网格", "楼栋", "户数")


@dataclass
class ImportResult:
    streets: int = 0
    communities: int = 0
    compounds: int = 0
    grids: int = 0
    buildings: int = 0
    rows: int = 0


def _read_rows(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload is the same error to the user
        raise ServiceError(_("无法读取文件：请上传 .xlsx 格式的 Excel 文件"), field="file") from None
    sheet = workbook.worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def tree_import(*, data: bytes, actor: Any) -> ImportResult:
    """Import streets, communities, compounds, grids and buildings from an .xlsx sheet.

    Header row: 街道, 社区, 小区, 网格 (optional), 楼栋 (optional, several separated by 、 or ,), 户数 (optional).
    Every row is checked first; any problem rejects the whole file with every error by row and column.
    Rows already present are left as they are, so importing the same file twice changes nothing.
    """
    rows = _read_rows(data)
    if not rows:
        raise ServiceError(_("文件是空的"), field="file")
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    problems: list[FieldProblem] = []
    for required in TREE_COLUMNS[:3]:
        if required not in header:
            problems.append(FieldProblem("header", _("缺少列“%(c)s”") % {"c": required}))
    if problems:
        raise ServiceError(_("表头不正确，应包含：%(cols)s") % {"cols": "、".join(TREE_COLUMNS)}, problems=problems)
    col = {name: header.index(name) for name in TREE_COLUMNS if name in header}
    parsed: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()

    def cell(row: list[object], name: str) -> str:
        i = col.get(name)
        if i is None or i >= len(row) or row[i] is None:
            return ""
        value = row[i]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    for number, row in enumerate(rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        values = {name: cell(row, name) for name in TREE_COLUMNS}
        for name in ("街道", "社区", "小区"):
            if not values[name]:
                problems.append(FieldProblem(f"row{number}.{name}", _("第%(r)d行“%(c)s”列：不能为空")
                                             % {"r": number, "c": name}))
            elif len(values[name]) > 60:
                problems.append(FieldProblem(f"row{number}.{name}", _("第%(r)d行“%(c)s”列：不能超过60个字")
                                             % {"r": number, "c": name}))
        households = 0
        if values["户数"]:
            try:
                households = int(values["户数"])
                if households < 0:
                    raise ValueError
            except ValueError:
                problems.append(FieldProblem(f"row{number}.户数", _("第%(r)d行“户数”列：应为非负整数，而不是“%(v)s”")
                                             % {"r": number, "v": values["户数"]}))
        key = (values["街道"], values["社区"], values["小区"])
        if all(key) and key in seen:
            problems.append(FieldProblem(f"row{number}.小区", _("第%(r)d行“小区”列：“%(v)s”在文件中重复")
                                         % {"r": number, "v": values["小区"]}))
        seen.add(key)
        buildings = [b.strip() for b in values["楼栋"].replace("，", ",").replace("、", ",").split(",") if b.strip()]
        if any(len(b) > 30 for b in buildings):
            problems.append(FieldProblem(f"row{number}.楼栋", _("第%(r)d行“楼栋”列：楼栋名称不能超过30个字")
                                         % {"r": number}))
        parsed.append({**values, "households": households, "buildings": buildings})
    if problems:
        raise ServiceError(_("导入失败：共 %(n)d 处错误，整个文件未导入") % {"n": len(problems)}, problems=problems)
    if not parsed:
        raise ServiceError(_("文件中没有数据行"), field="file")
    result = ImportResult(rows=len(parsed))
    with transaction.atomic():
        for item in parsed:
            street, created = Street.objects.get_or_create(name=item["街道"])
            result.streets += created
            community, created = Community.objects.get_or_create(street=street, name=item["社区"])
            result.communities += created
            grid = None
            if item["网格"]:
                grid, created = Grid.objects.get_or_create(community=community, name=item["网格"])
                result.grids += created
            compound, created = Compound.objects.get_or_create(
                community=community, name=item["小区"], defaults={"households": item["households"], "grid": grid})
            result.compounds += created
            for name in item["buildings"]:
                _b, created = Building.objects.get_or_create(compound=compound, name=name)
                result.buildings += created
        audit_log(actor=actor, action="community.tree_import", target_type="community.compound",
                  detail=result.__dict__)
    return result


def partyorg_create(*, kind: str, name: str, actor: Any, secretary: str = "", street: Street | None = None,
                    community: Community | None = None, compounds: Iterable[Compound] = (),
                    building: Building | None = None, parent: PartyOrg | None = None) -> PartyOrg:
    """Create a party organisation at its level. A compound branch over several compounds is a joint branch."""
    if kind not in PartyOrg.Kind.values:
        raise ServiceError(_("党组织类型无效"), field="kind")
    if not name.strip():
        raise ServiceError(_("请填写党组织名称"), field="name")
    compounds = list(compounds)
    form = ""
    if kind == PartyOrg.Kind.STREET_COMMITTEE and street is None:
        raise ServiceError(_("街道大工委须指定街道"), field="street")
    if kind == PartyOrg.Kind.COMMUNITY_COMMITTEE and community is None:
        raise ServiceError(_("社区大党委须指定社区"), field="community")
    if kind == PartyOrg.Kind.BUILDING_GROUP and building is None:
        raise ServiceError(_("楼宇党小组须指定楼栋"), field="building")
    if kind == PartyOrg.Kind.COMPOUND_BRANCH:
        if not compounds:
            raise ServiceError(_("小区党支部须至少覆盖一个小区"), field="compounds")
        form = PartyOrg.Form.JOINT if len(compounds) > 1 else PartyOrg.Form.INDEPENDENT
        community = community or compounds[0].community
    with transaction.atomic():
        org = PartyOrg.objects.create(kind=kind, form=form, name=name.strip(), secretary=secretary.strip(),
                                      street=street, community=community, building=building, parent=parent)
        if compounds:
            org.compounds.set(compounds)
        audit_log(actor=actor, action="community.partyorg_create", target=org)
    return org


# ============================================================== members, teams, report-in


def _clean_mobile(phone: str, field: str = "phone") -> str:
    if not phone:
        return ""
    try:
        return validate_mobile(phone)
    except ValidationError as exc:
        raise ServiceError(" ".join(str(m) for m in exc.messages), field=field) from None


def member_create(*, name: str, category: str, home_compound: Compound, actor: Any, phone: str = "",
                  employer: CoBuildingUnit | None = None, skills: str = "", user: Any = None) -> Member:
    if not name.strip():
        raise ServiceError(_("请填写姓名"), field="name")
    if category not in Member.Category.values:
        raise ServiceError(_("党员类别无效"), field="category")
    if category == Member.Category.IN_SERVICE and employer is None:
        raise ServiceError(_("在职党员须填写工作单位"), field="employer")
    phone = _clean_mobile(phone)
    with transaction.atomic():
        member = Member.objects.create(name=name.strip(), category=category, home_compound=home_compound,
                                       phone=phone, employer=employer, skills=skills.strip(), user=user,
                                       created_at=clock.now())
        account_for_member(member)
        MemberEvent.objects.create(member=member, at=clock.now(), actor=_user(actor), action="create")
        audit_log(actor=actor, action="community.member_create", target=member)
    return member


def member_report_in(*, member: Member, actor: Any) -> Member:
    """报到: the member reports in at the community of their home compound (once)."""
    with transaction.atomic():
        community = member.home_compound.community
        now = clock.now()
        updated = Member.objects.filter(pk=member.pk, reported_at__isnull=True).update(
            reported_at=now, reported_community=community)
        if updated != 1:
            raise Conflict(_("%(name)s 已于此前向社区报到") % {"name": member.name}, field="member")
        MemberEvent.objects.create(member=member, at=now, actor=_user(actor), action="report_in",
                                   note=community.name)
    member.refresh_from_db()
    return member


def member_set_star(*, member: Member, title: str, actor: Any) -> Member:
    """Add the member to the talent pool (社区民星) with a title, or remove them (empty title)."""
    with transaction.atomic():
        member.is_star = bool(title.strip())
        member.star_title = title.strip()[:60]
        member.save(update_fields=["is_star", "star_title"])
        MemberEvent.objects.create(member=member, at=clock.now(), actor=_user(actor),
                                   action="star" if member.is_star else "unstar", note=member.star_title)
    return member


def team_join(*, team: Team, member: Member, actor: Any) -> Team:
    with transaction.atomic():
        if team.members.filter(pk=member.pk).exists():
            raise Conflict(_("%(m)s 已是“%(t)s”队员") % {"m": member.name, "t": team.name}, field="team")
        team.members.add(member)
        MemberEvent.objects.create(member=member, at=clock.now(), actor=_user(actor), action="join_team",
                                   note=team.name)
    return team


# ============================================================== orders

ORDER_ACTIONS_TO = {
    "take": (Order.Status.OPEN,),
    "done": (Order.Status.TAKEN,),
    "confirm": (Order.Status.DONE,),
    "approve": (Order.Status.PENDING,),
    "dispute": (Order.Status.DONE,),
    "resolve": (Order.Status.DISPUTED,),
    "cancel": (Order.Status.OPEN, Order.Status.TAKEN),
}


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None


def _is_worker(actor: Any) -> bool:
    return has_role(actor, Role.COMMUNITY_WORKER)


def member_of(user: Any) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user=user).select_related("home_compound__community").first()


def _order_step(order: Order, *, action: str, to: str, actor: Any, note: str = "", **fields: Any) -> Order:
    """Compare-and-swap the order from one of the allowed states to `to`, then write the event."""
    allowed = ORDER_ACTIONS_TO[action]
    current = Order.objects.filter(pk=order.pk).values_list("status", flat=True).first()
    updated = Order.objects.filter(pk=order.pk, status__in=allowed).update(status=to, **fields)
    if updated != 1:
        raise _state_conflict(order, current, action)
    OrderEvent.objects.create(order=order, at=clock.now(), actor=_user(actor), action=action,
                              from_status=current or "", to_status=to, note=note[:300])
    order.refresh_from_db()
    return order


def _state_conflict(order: Order, current: str | None, action: str) -> Conflict:
    label = Order.Status(current).label if current else "?"
    return Conflict(_("订单 %(n)s 当前状态为“%(s)s”，不能%(a)s") % {"n": order.number, "s": label,
                                                              "a": ORDER_ACTION_LABELS[action]}, field="status")


ORDER_ACTION_LABELS = {"take": gettext_lazy("接单"), "done": gettext_lazy("标记完成"), "confirm": gettext_lazy("确认"),
                       "approve": gettext_lazy("审核时长"), "dispute": gettext_lazy("提出异议"),
                       "resolve": gettext_lazy("处理异议"), "cancel": gettext_lazy("取消")}


def _display_name(actor: Any) -> str:
    profile = getattr(actor, "profile", None)
    return (getattr(profile, "display_name", "") or getattr(actor, "username", "")) if actor else ""


def order_place(*, menu_item: MenuItem, compound: Compound, service_date: dt.date, requester_kind: str,
                actor: Any, description: str = "", requester_name: str = "") -> Order:
    """下单: the community organisation (paid from its account) or a resident (paid by the bank).

    Only a community worker names the resident they place an order for; anyone else orders in their own name.
    """
    if not menu_item.active:
        raise ServiceError(_("该服务项目已下架"), field="menu_item")
    if requester_kind not in Order.RequesterKind.values:
        raise ServiceError(_("下单方须为社区党组织或居民"), field="requester_kind")
    if requester_kind == Order.RequesterKind.COMMUNITY and not _is_worker(actor):
        raise Forbidden(_("只有社区工作者可以代表社区党组织下单"), field="requester_kind")
    if service_date < clock.today():
        raise ServiceError(_("服务日期不能早于今天"), field="service_date")
    if len(description) > 300:
        raise ServiceError(_("需求说明不能超过300个字"), field="description")
    if requester_kind == Order.RequesterKind.COMMUNITY:
        requester_name = f"{compound.community.name}党委"
    elif not (_is_worker(actor) and requester_name.strip()):
        requester_name = _display_name(actor)
    payer = (account_for_community(compound.community) if requester_kind == Order.RequesterKind.COMMUNITY
             else bank_account())
    with transaction.atomic():
        today = clock.today()
        n = counter_next(scope="community.order", day=today)
        order = Order.objects.create(number=f"SJ{today:%Y%m%d}{n:04d}", menu_item=menu_item, compound=compound,
                                     service_date=service_date, description=description.strip(),
                                     requester_kind=requester_kind,
                                     requester_name=requester_name.strip()[:60] or "-",
                                     requester_user=_user(actor), payer=payer, created_at=clock.now())
        OrderEvent.objects.create(order=order, at=order.created_at, actor=_user(actor), action="place",
                                  to_status=Order.Status.OPEN)
    return order


def _is_requester_user(order: Order, actor: Any) -> bool:
    """The person who placed the order (for a community order: the worker who placed it)."""
    return bool(order.requester_user_id and getattr(actor, "pk", None) == order.requester_user_id)


def order_take(*, order: Order, actor: Any, team: Team | None = None) -> Order:
    """接单: the signed-in member takes the order, for themselves or for a team they belong to.

    The person who placed the order never takes it, neither alone nor through a team they belong to.
    """
    member = member_of(actor)
    if member is None:
        raise Forbidden(_("只有已建档的党员可以接单"), field="member")
    if team is not None and not team.members.filter(pk=member.pk).exists() and team.leader_id != member.pk:
        raise Forbidden(_("您不是“%(t)s”的队员，不能代表该队接单") % {"t": team.name}, field="team")
    if _is_requester_user(order, actor):
        raise Forbidden(_("下单人不能接自己的订单"), field="order")
    if team is not None and order.requester_user_id and (
            team.members.filter(user_id=order.requester_user_id).exists()
            or Member.objects.filter(pk=team.leader_id, user_id=order.requester_user_id).exists()):
        raise Forbidden(_("下单人是“%(t)s”的队员，该队不能接此单") % {"t": team.name}, field="team")
    with transaction.atomic():
        fields: dict[str, Any] = {"taken_at": clock.now()}
        if team is not None:
            fields["taker_team"] = team
        else:
            fields["taker_member"] = member
        return _order_step(order, action="take", to=Order.Status.TAKEN, actor=actor,
                           note=team.name if team else member.name, **fields)


def _is_taker(order: Order, actor: Any) -> bool:
    """The member who took the order, or a member or the leader of the team that took it."""
    member = member_of(actor)
    if member is None:
        return False
    if order.taker_member_id == member.pk:
        return True
    return bool(order.taker_team_id and (order.taker_team.leader_id == member.pk
                                         or order.taker_team.members.filter(pk=member.pk).exists()))


def _is_requester(order: Order, actor: Any) -> bool:
    """Who confirms on the requester's side: the person who placed it, or a community worker."""
    return _is_worker(actor) or _is_requester_user(order, actor)


def _not_before_service_date(order: Order, action: str) -> None:
    """Hours are never earned before the service happened: "done" and "confirm" wait for the service date."""
    if clock.today() < order.service_date:
        raise Conflict(_("订单 %(n)s 的服务日期是 %(d)s，当天或之后才能%(a)s")
                       % {"n": order.number, "d": order.service_date.isoformat(),
                          "a": ORDER_ACTION_LABELS[action]}, field="service_date")


def order_mark_done(*, order: Order, actor: Any, note: str = "") -> Order:
    if not (_is_taker(order, actor) or _is_worker(actor)):
        raise Forbidden(_("只有接单人可以标记完成"), field="order")
    _not_before_service_date(order, "done")
    with transaction.atomic():
        return _order_step(order, action="done", to=Order.Status.DONE, actor=actor, note=note, done_at=clock.now())


def _check_minutes_rating(minutes: object, rating: object) -> tuple[int, int]:
    minutes = _int_minutes(minutes)
    if not 1 <= minutes <= 24 * 60:
        raise ServiceError(_("确认时长应在 1 到 1440 分钟之间"), field="minutes")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ServiceError(_("评分应为 1 到 5 的整数"), field="rating")
    return minutes, rating


def _credit_order(order: Order, minutes: int, actor: Any) -> Transfer:
    taker = account_for_team(order.taker_team) if order.taker_team_id else account_for_member(order.taker_member)
    return transfer_post(kind=Transfer.Kind.ORDER_CREDIT,
                         reason=_("%(n)s %(s)s") % {"n": order.number, "s": order.menu_item.name},
                         legs=[(order.payer_id, -minutes), (taker, minutes)],
                         idempotency_key=f"order-credit-{order.pk}", operator=_user(actor), order=order)


def _settle(order: Order, *, action: str, minutes: int, rating: int, actor: Any, note: str) -> Order:
    """Credit `minutes` when they are within the menu item's suggested time; above it, record the claim and wait
    for a community worker's approval (`order_approve`). Inside the caller's transaction."""
    bound = order.menu_item.suggested_minutes
    if minutes <= bound:
        order = _order_step(order, action=action, to=Order.Status.CONFIRMED, actor=actor, note=note,
                            minutes=minutes, claimed_minutes=minutes, rating=rating, confirmed_by=_user(actor),
                            closed_at=clock.now())
        _credit_order(order, minutes, actor)
        return order
    claim = _("申报 %(m)d 分钟，超过建议时长 %(b)d 分钟，待社区工作者审核") % {"m": minutes, "b": bound}
    return _order_step(order, action=action, to=Order.Status.PENDING, actor=actor,
                       note=f"{claim}。{note}" if note.strip() else claim, claimed_minutes=minutes, rating=rating,
                       confirmed_by=_user(actor))


def order_confirm(*, order: Order, minutes: int, rating: int, actor: Any, note: str = "") -> Order:
    """The requester confirms with minutes and a rating; the minutes are credited to the taker, exactly once.

    The taker never confirms their own order; nothing is confirmed before the service date; minutes above the
    menu item's suggested time wait for a community worker's approval.
    """
    minutes, rating = _check_minutes_rating(minutes, rating)
    if not _is_requester(order, actor):
        raise Forbidden(_("只有下单方可以确认"), field="order")
    if _is_taker(order, actor):
        raise Forbidden(_("接单人不能确认自己的订单"), field="order")
    _not_before_service_date(order, "confirm")
    with transaction.atomic():
        return _settle(order, action="confirm", minutes=minutes, rating=rating, actor=actor, note=note)


def order_approve(*, order: Order, minutes: int, actor: Any, note: str = "") -> Order:
    """A community worker approves minutes above the suggested time: the claimed figure, the suggested time,
    or a figure between them. The approver is not the person who placed, took or confirmed the order."""
    if not _is_worker(actor):
        raise Forbidden(_("只有社区工作者可以审核时长"), field="order")
    minutes = _int_minutes(minutes)
    order = Order.objects.select_related("menu_item", "taker_team").get(pk=order.pk)
    if (_is_requester_user(order, actor) or _is_taker(order, actor)
            or (order.confirmed_by_id and order.confirmed_by_id == getattr(actor, "pk", None))):
        raise Forbidden(_("审核人不能是该订单的下单人、接单人或确认人"), field="order")
    if order.status != Order.Status.PENDING or not order.claimed_minutes:
        raise _state_conflict(order, order.status, "approve")
    # a pending order keeps its claim until it is approved: the compare-and-swap below cannot meet another one
    bound, claimed = order.menu_item.suggested_minutes, order.claimed_minutes
    if not min(bound, claimed) <= minutes <= claimed:
        raise ServiceError(_("审核时长应在建议时长 %(b)d 分钟与申报时长 %(c)d 分钟之间")
                           % {"b": bound, "c": claimed}, field="minutes")
    with transaction.atomic():
        order = _order_step(order, action="approve", to=Order.Status.CONFIRMED, actor=actor, note=note,
                            minutes=minutes, closed_at=clock.now())
        _credit_order(order, minutes, actor)
    return order


def order_cancel(*, order: Order, actor: Any, reason: str) -> Order:
    if not reason.strip():
        raise ServiceError(_("请填写取消原因"), field="reason")
    if not (_is_requester(order, actor) or _is_taker(order, actor)):
        raise Forbidden(_("只有下单方、接单人或社区工作者可以取消订单"), field="order")
    with transaction.atomic():
        return _order_step(order, action="cancel", to=Order.Status.CANCELLED, actor=actor, note=reason,
                           closed_at=clock.now())


def order_dispute(*, order: Order, actor: Any, reason: str) -> Order:
    if not reason.strip():
        raise ServiceError(_("请填写异议理由"), field="reason")
    if not (_is_requester(order, actor) or _is_taker(order, actor)):
        raise Forbidden(_("只有下单方或接单人可以提出异议"), field="order")
    with transaction.atomic():
        return _order_step(order, action="dispute", to=Order.Status.DISPUTED, actor=actor, note=reason)


def order_resolve(*, order: Order, actor: Any, minutes: int, note: str, rating: int = 3) -> Order:
    """A community worker settles a dispute: credit `minutes` (> 0), or 0 for no credit.

    The taker never settles their own order; minutes above the suggested time wait for another worker's
    approval, as on confirmation.
    """
    if not _is_worker(actor):
        raise Forbidden(_("只有社区工作者可以处理异议"), field="order")
    if not note.strip():
        raise ServiceError(_("请填写处理意见"), field="note")
    minutes = _int_minutes(minutes)
    if minutes != 0:
        minutes, rating = _check_minutes_rating(minutes, rating)
    if _is_taker(order, actor):
        raise Forbidden(_("接单人不能处理自己订单的异议"), field="order")
    with transaction.atomic():
        if minutes == 0:
            return _order_step(order, action="resolve", to=Order.Status.REJECTED, actor=actor, note=note,
                               closed_at=clock.now())
        return _settle(order, action="resolve", minutes=minutes, rating=rating, actor=actor, note=note)


# ============================================================== residents' matters

MATTER_STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "route": ((Matter.Status.RECEIVED, Matter.Status.ROUTED), Matter.Status.ROUTED),
    "mediate": ((Matter.Status.ROUTED, Matter.Status.MEDIATING), Matter.Status.MEDIATING),
    "resolve": ((Matter.Status.ROUTED, Matter.Status.MEDIATING), Matter.Status.RESOLVED),
    "close": ((Matter.Status.RESOLVED,), Matter.Status.CLOSED),
}
MATTER_ACTION_LABELS = {"route": gettext_lazy("分派"), "mediate": gettext_lazy("记录调解"),
                        "resolve": gettext_lazy("办结"), "close": gettext_lazy("关闭")}


def matter_intake(*, kind: str, compound: Compound, resident_name: str, subject: str, actor: Any,
                  resident_phone: str = "", description: str = "") -> Matter:
    if kind not in Matter.Kind.values:
        raise ServiceError(_("诉求类型无效"), field="kind")
    if not resident_name.strip():
        raise ServiceError(_("请填写居民姓名"), field="resident_name")
    if not subject.strip():
        raise ServiceError(_("请填写事项"), field="subject")
    phone = _clean_mobile(resident_phone, "resident_phone")
    with transaction.atomic():
        today = clock.today()
        n = counter_next(scope="community.matter", day=today)
        matter = Matter.objects.create(number=f"JM{today:%Y%m%d}{n:03d}", kind=kind, compound=compound,
                                       resident_name=resident_name.strip(), resident_phone=phone,
                                       subject=subject.strip()[:100], description=description.strip(),
                                       created_at=clock.now())
        MatterLog.objects.create(matter=matter, at=matter.created_at, actor=_user(actor), action="intake",
                                 to_status=Matter.Status.RECEIVED)
    return matter


def _matter_step(matter: Matter, action: str, actor: Any, note: str, **fields: Any) -> Matter:
    allowed, to = MATTER_STEPS[action]
    current = Matter.objects.filter(pk=matter.pk).values_list("status", flat=True).first()
    if Matter.objects.filter(pk=matter.pk, status__in=allowed).update(status=to, **fields) != 1:
        raise Conflict(_("诉求 %(n)s 当前状态为“%(s)s”，不能%(a)s")
                       % {"n": matter.number, "s": Matter.Status(current).label, "a": MATTER_ACTION_LABELS[action]},
                       field="status")
    MatterLog.objects.create(matter=matter, at=clock.now(), actor=_user(actor), action=action,
                             from_status=current, to_status=to, note=note[:500])
    matter.refresh_from_db()
    return matter


def matter_route(*, matter: Matter, route: str, actor: Any, note: str = "") -> Matter:
    if route not in Matter.Route.values:
        raise ServiceError(_("请选择分派对象：业委会、物业、社区或法律援助"), field="route")
    with transaction.atomic():
        return _matter_step(matter, "route", actor, note or Matter.Route(route).label, route=route)


def matter_mediate(*, matter: Matter, note: str, actor: Any) -> Matter:
    if not note.strip():
        raise ServiceError(_("请填写调解记录"), field="note")
    with transaction.atomic():
        return _matter_step(matter, "mediate", actor, note)


def matter_resolve(*, matter: Matter, resolution: str, actor: Any) -> Matter:
    if not resolution.strip():
        raise ServiceError(_("请填写办理结果"), field="resolution")
    with transaction.atomic():
        return _matter_step(matter, "resolve", actor, resolution, resolution=resolution.strip())


def matter_close(*, matter: Matter, feedback: str, satisfied: bool, actor: Any) -> Matter:
    """Closed only with the resident's feedback."""
    if not feedback.strip():
        raise ServiceError(_("请填写居民反馈意见"), field="feedback")
    with transaction.atomic():
        return _matter_step(matter, "close", actor, feedback, feedback=feedback.strip()[:300],
                            satisfied=bool(satisfied), closed_at=clock.now())


# ============================================================== proposals: 两议两评两公开

PROPOSAL_FLOW = {
    "deliberate": (Proposal.Status.PROPOSED, Proposal.Status.DELIBERATED),
    "decide": (Proposal.Status.DELIBERATED, Proposal.Status.DECIDED),
    "evaluate": (Proposal.Status.DECIDED, Proposal.Status.EVALUATED),
    "publish": (Proposal.Status.EVALUATED, Proposal.Status.PUBLISHED),
}


MAX_VOTES = 1_000_000


def proposal_create(*, compound: Compound, topic: str, title: str, content: str, actor: Any) -> Proposal:
    """党支部提议 (the first 议): the compound's branch brings a major matter to the tri-party council."""
    if topic not in Proposal.Topic.values:
        raise ServiceError(_("议题类别无效"), field="topic")
    if not title.strip():
        raise ServiceError(_("请填写议题"), field="title")
    if not content.strip():
        raise ServiceError(_("请填写提议内容"), field="content")
    branch = compound.branches.first()
    with transaction.atomic():
        today = clock.today()
        n = counter_next(scope="community.proposal", day=today)
        proposal = Proposal.objects.create(number=f"YS{today:%Y%m%d}{n:03d}", compound=compound, branch=branch,
                                           topic=topic, title=title.strip()[:100], content=content.strip(),
                                           created_at=clock.now())
        ProposalEvent.objects.create(proposal=proposal, at=proposal.created_at, actor=_user(actor),
                                     to_status=Proposal.Status.PROPOSED, note=proposal.title)
    return proposal


def proposal_advance(*, proposal: Proposal, step: str, text: str, actor: Any, votes_for: int = 0,
                     votes_against: int = 0, votes_abstain: int = 0, approval_rate: int | None = None) -> Proposal:
    """Move a proposal one stage on: deliberate (三方商议) → decide (决议) → evaluate (评议) → publish (公开)."""
    if step not in PROPOSAL_FLOW:
        raise ServiceError(_("步骤无效"), field="step")
    source, target = PROPOSAL_FLOW[step]
    fields: dict[str, Any] = {}
    if step != "publish" and not text.strip():
        raise ServiceError(_("请填写本阶段的意见或结论"), field="text")
    if step == "deliberate":
        fields["deliberation"] = text.strip()
    elif step == "decide":
        for name, value in (("votes_for", votes_for), ("votes_against", votes_against),
                            ("votes_abstain", votes_abstain)):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_VOTES:
                raise ServiceError(_("票数应为 0 到 %(n)d 的整数") % {"n": MAX_VOTES}, field=name)
        if votes_for + votes_against + votes_abstain == 0:
            raise ServiceError(_("请填写表决票数"), field="votes_for")
        fields.update(decision=text.strip(), votes_for=votes_for, votes_against=votes_against,
                      votes_abstain=votes_abstain)
    elif step == "evaluate":
        if isinstance(approval_rate, bool) or not isinstance(approval_rate, int) or not 0 <= approval_rate <= 100:
            raise ServiceError(_("群众满意率应为 0 到 100"), field="approval_rate")
        fields.update(evaluation=text.strip(), approval_rate=approval_rate)
    else:
        fields["published_at"] = clock.now()
    with transaction.atomic():
        current = Proposal.objects.filter(pk=proposal.pk).values_list("status", flat=True).first()
        if Proposal.objects.filter(pk=proposal.pk, status=source).update(status=target, **fields) != 1:
            raise Conflict(_("议题当前阶段为“%(s)s”，下一步应为“%(n)s”")
                           % {"s": Proposal.Status(current).label,
                              "n": _next_proposal_label(current)}, field="step")
        ProposalEvent.objects.create(proposal=proposal, at=clock.now(), actor=_user(actor), from_status=source,
                                     to_status=target, note=text.strip()[:500])
    proposal.refresh_from_db()
    return proposal


def _next_proposal_label(status: str) -> str:
    for source, target in PROPOSAL_FLOW.values():
        if source == status:
            return str(Proposal.Status(target).label)
    return str(_("无（已公开）"))


# ============================================================== theme days


def theme_day(year: int, month: int) -> dt.date:
    """主题党日: the 15th of each month."""
    return dt.date(year, month, 15)


MAX_EVENT_CAPACITY = 100_000


def event_create(*, community: Community, title: str, date: dt.date, actor: Any, place: str = "",
                 capacity: int = 50, credit_minutes: int = 0) -> ThemeEvent:
    if not title.strip():
        raise ServiceError(_("请填写活动名称"), field="title")
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= MAX_EVENT_CAPACITY:
        raise ServiceError(_("名额应为 1 到 %(n)d 的整数") % {"n": MAX_EVENT_CAPACITY}, field="capacity")
    if not isinstance(credit_minutes, int) or not 0 <= credit_minutes <= 8 * 60:
        raise ServiceError(_("记入时长应在 0 到 480 分钟之间"), field="credit_minutes")
    with transaction.atomic():
        event = ThemeEvent.objects.create(community=community, title=title.strip()[:100], date=date,
                                          place=place.strip()[:100], capacity=capacity,
                                          credit_minutes=credit_minutes, created_at=clock.now())
        audit_log(actor=actor, action="community.event_create", target=event)
    return event


def event_sign_up(*, event: ThemeEvent, member: Member, actor: Any) -> EventSignup:
    with transaction.atomic():
        event = ThemeEvent.objects.select_for_update().get(pk=event.pk)
        if event.status != ThemeEvent.Status.OPEN:
            raise Conflict(_("活动已结束，不能报名"), field="event")
        if EventSignup.objects.filter(event=event, member=member).exists():
            raise Conflict(_("%(m)s 已报名该活动") % {"m": member.name}, field="member")
        if EventSignup.objects.filter(event=event).count() >= event.capacity:
            raise Conflict(_("活动名额已满"), field="event")
        return EventSignup.objects.create(event=event, member=member, signed_at=clock.now())


def event_mark_attendance(*, event: ThemeEvent, member_ids: Iterable[int], actor: Any) -> int:
    """Record who attended. Nobody records their own attendance: the hours it earns are theirs."""
    ids = list(member_ids)
    if any(isinstance(i, bool) or not isinstance(i, int) or not 0 < i < 2**63 for i in ids):
        raise ServiceError(_("党员编号无效"), field="member_ids")
    own = member_of(actor)
    if own is not None and own.pk in ids:
        raise Forbidden(_("不能为本人登记签到，请由其他社区工作者登记"), field="member_ids")
    with transaction.atomic():
        if ThemeEvent.objects.filter(pk=event.pk).values_list("status", flat=True).first() != ThemeEvent.Status.OPEN:
            raise Conflict(_("活动已结束，不能再登记签到"), field="event")
        count = EventSignup.objects.filter(event=event, member_id__in=ids, attended=False).update(
            attended=True, attended_at=clock.now())
        audit_log(actor=actor, action="community.event_attendance", target=event, detail={"members": ids})
    return count


def event_close(*, event: ThemeEvent, actor: Any) -> ThemeEvent:
    """End the event; if it credits hours, every attendee's minutes come from the community's account."""
    with transaction.atomic():
        if ThemeEvent.objects.filter(pk=event.pk, status=ThemeEvent.Status.OPEN).update(
                status=ThemeEvent.Status.CLOSED) != 1:
            raise Conflict(_("活动已结束"), field="event")
        event.refresh_from_db()
        attendees = list(EventSignup.objects.filter(event=event, attended=True).select_related("member")
                         .order_by("member_id"))
        if event.credit_minutes and attendees:
            legs: list[tuple[Account | int, int]] = [(account_for_member(s.member), event.credit_minutes)
                                                     for s in attendees]
            legs.append((account_for_community(event.community), -event.credit_minutes * len(attendees)))
            transfer_post(kind=Transfer.Kind.EVENT_CREDIT, reason=_("主题活动：%(t)s") % {"t": event.title},
                          legs=legs, idempotency_key=f"event-credit-{event.pk}", operator=_user(actor), event=event)
            ThemeEvent.objects.filter(pk=event.pk).update(status=ThemeEvent.Status.CREDITED)
            event.refresh_from_db()
        audit_log(actor=actor, action="community.event_close", target=event, detail={"attended": len(attendees)})
    return event
