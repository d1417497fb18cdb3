"""The time bank's orders: 下单 → 接单 → 完成 → 确认（记入时长）; or cancelled; or disputed → resolved.

Requester, taker and confirmer are different people (the requester cannot take, the taker cannot confirm or
settle; see community/access.py); "done" and "confirm" wait for the service date; minutes above the menu item's
suggested time wait (`pending`) for the approval of a community worker who neither placed, took nor confirmed
the order. Each step is one `transition()` (a conditional update checked by row count, one OrderEvent, the
audit entry); the credit is one ledger transfer, at most once per order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.community.access import is_requester, is_requester_user, is_taker, is_worker
from onewindow.community.models import Compound, Member, MenuItem, Order, OrderEvent, Team, Transfer
from onewindow.community.selectors.members import member_of
from onewindow.community.services.ledger import (
    account_for_community,
    account_for_member,
    account_for_team,
    bank_account,
    int_minutes,
    transfer_post,
)
from onewindow.core import clock
from onewindow.core.actors import Actor, actor_label, actor_user
from onewindow.core.counters import counter_next
from onewindow.core.errors import Conflict, Forbidden, ServiceError
from onewindow.core.events import record_event, transition

S = Order.Status
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "take": (S.OPEN,), "done": (S.TAKEN,), "confirm": (S.DONE,), "approve": (S.PENDING,), "dispute": (S.DONE,),
    "resolve": (S.DISPUTED,), "cancel": (S.OPEN, S.TAKEN),
}
ORDER_ACTION_LABELS = {"take": gettext_lazy("接单"), "done": gettext_lazy("标记完成"), "confirm": gettext_lazy("确认"),
                       "approve": gettext_lazy("审核时长"), "dispute": gettext_lazy("提出异议"),
                       "resolve": gettext_lazy("处理异议"), "cancel": gettext_lazy("取消")}
MAX_CONFIRM_MINUTES = 24 * 60


def _step(order: Order, *, action: str, to: str, actor: Actor, note: str = "", **changes: Any) -> Order:
    """One step of the order's life cycle: from the states `action` starts from to `to`, with one OrderEvent."""
    return transition(order, to=to, allowed_from=ALLOWED_FROM[action], action=action,
                      action_label=ORDER_ACTION_LABELS[action], actor=actor, event_model=OrderEvent, reason=note,
                      correlation=order.number, changes=changes, version_field=None, timestamp_field=None)


def order_place(*, menu_item: MenuItem, compound: Compound, service_date: dt.date, requester_kind: str,
                actor: Actor, description: str = "", requester_name: str = "") -> Order:
    """下单: the community organisation (paid from its account) or a resident (paid by the bank).

    Only a community worker names the resident they place an order for; anyone else orders in their own name.
    """
    if not menu_item.active:
        raise ServiceError(_("该服务项目已下架"), field="menu_item")
    if requester_kind not in Order.RequesterKind.values:
        raise ServiceError(_("下单方须为社区党组织或居民"), field="requester_kind")
    community_order = requester_kind == Order.RequesterKind.COMMUNITY
    if community_order and not is_worker(actor):
        raise Forbidden(_("只有社区工作者可以代表社区党组织下单"), field="requester_kind")
    if service_date < clock.today():
        raise ServiceError(_("服务日期不能早于今天"), field="service_date")
    if len(description) > 300:
        raise ServiceError(_("需求说明不能超过300个字"), field="description")
    if community_order:
        requester_name = f"{compound.community.name}党委"
    elif not (is_worker(actor) and requester_name.strip()):
        requester_name = actor_label(actor)
    payer = account_for_community(compound.community) if community_order else bank_account()
    with transaction.atomic():
        today = clock.today()
        n = counter_next(scope="community.order", day=today)
        order = Order.objects.create(number=f"SJ{today:%Y%m%d}{n:04d}", menu_item=menu_item, compound=compound,
                                     service_date=service_date, description=description.strip(),
                                     requester_kind=requester_kind,
                                     requester_name=requester_name.strip()[:60] or "-",
                                     requester_user=actor_user(actor), payer=payer, created_at=clock.now())
        record_event(order, event_model=OrderEvent, action="place", actor=actor, to_status=Order.Status.OPEN,
                     correlation=order.number, at=order.created_at)
    return order


def order_take(*, order: Order, actor: Actor, team: Team | None = None) -> Order:
    """接单: the signed-in member takes the order, for themselves or for a team they belong to.

    The person who placed the order never takes it, neither alone nor through a team they belong to.
    """
    member = member_of(actor)
    if member is None:
        raise Forbidden(_("只有已建档的党员可以接单"), field="member")
    if team is not None and not team.members.filter(pk=member.pk).exists() and team.leader_id != member.pk:
        raise Forbidden(_("您不是“%(t)s”的队员，不能代表该队接单") % {"t": team.name}, field="team")
    if is_requester_user(order, actor):
        raise Forbidden(_("下单人不能接自己的订单"), field="order")
    if team is not None and order.requester_user_id and (
            team.members.filter(user_id=order.requester_user_id).exists()
            or Member.objects.filter(led_teams=team, user_id=order.requester_user_id).exists()):
        raise Forbidden(_("下单人是“%(t)s”的队员，该队不能接此单") % {"t": team.name}, field="team")
    taker: dict[str, Any] = {"taker_team": team} if team is not None else {"taker_member": member}
    with transaction.atomic():
        return _step(order, action="take", to=S.TAKEN, actor=actor, note=team.name if team else member.name,
                     taken_at=clock.now(), **taker)


def _not_before_service_date(order: Order, action: str) -> None:
    """Hours are never earned before the service happened: "done" and "confirm" wait for the service date."""
    if clock.today() < order.service_date:
        raise Conflict(_("订单 %(n)s 的服务日期是 %(d)s，当天或之后才能%(a)s")
                       % {"n": order.number, "d": order.service_date.isoformat(),
                          "a": ORDER_ACTION_LABELS[action]}, field="service_date")


def order_mark_done(*, order: Order, actor: Actor, note: str = "") -> Order:
    if not (is_taker(order, actor) or is_worker(actor)):
        raise Forbidden(_("只有接单人可以标记完成"), field="order")
    _not_before_service_date(order, "done")
    with transaction.atomic():
        return _step(order, action="done", to=S.DONE, actor=actor, note=note, done_at=clock.now())


def _check_minutes_rating(minutes: object, rating: object) -> tuple[int, int]:
    checked = int_minutes(minutes)
    if not 1 <= checked <= MAX_CONFIRM_MINUTES:
        raise ServiceError(_("确认时长应在 1 到 1440 分钟之间"), field="minutes")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ServiceError(_("评分应为 1 到 5 的整数"), field="rating")
    return checked, rating


def _credit(order: Order, minutes: int, actor: Actor) -> Transfer:
    """Pay the taker (member or team) from the payer's account, once per order (key and unique constraint)."""
    if order.taker_team is not None:
        taker = account_for_team(order.taker_team)
    elif order.taker_member is not None:
        taker = account_for_member(order.taker_member)
    else:
        raise Conflict(_("订单 %(n)s 没有接单人") % {"n": order.number}, field="order")
    return transfer_post(kind=Transfer.Kind.ORDER_CREDIT,
                         reason=_("%(n)s %(s)s") % {"n": order.number, "s": order.menu_item.name},
                         legs=[(order.payer_id, -minutes), (taker, minutes)],
                         idempotency_key=f"order-credit-{order.pk}", operator=actor, order=order)


def _settle(order: Order, *, action: str, minutes: int, rating: int, actor: Actor, note: str) -> Order:
    """Credit `minutes` when they are within the menu item's suggested time; above it, record the claim and wait
    for a community worker's approval (`order_approve`). Inside the caller's transaction."""
    bound = order.menu_item.suggested_minutes
    confirmed_by = actor_user(actor)
    if minutes <= bound:
        order = _step(order, action=action, to=S.CONFIRMED, actor=actor, note=note, minutes=minutes,
                      claimed_minutes=minutes, rating=rating, confirmed_by=confirmed_by, closed_at=clock.now())
        _credit(order, minutes, actor)
        return order
    claim = _("申报 %(m)d 分钟，超过建议时长 %(b)d 分钟，待社区工作者审核") % {"m": minutes, "b": bound}
    return _step(order, action=action, to=S.PENDING, actor=actor, note=f"{claim}。{note}" if note.strip() else claim,
                 claimed_minutes=minutes, rating=rating, confirmed_by=confirmed_by)


def order_confirm(*, order: Order, minutes: int, rating: int, actor: Actor, note: str = "") -> Order:
    """The requester confirms with minutes and a rating; the minutes are credited to the taker, exactly once.

    The taker never confirms their own order; nothing is confirmed before the service date; minutes above the
    menu item's suggested time wait for a community worker's approval.
    """
    minutes, rating = _check_minutes_rating(minutes, rating)
    if not is_requester(order, actor):
        raise Forbidden(_("只有下单方可以确认"), field="order")
    if is_taker(order, actor):
        raise Forbidden(_("接单人不能确认自己的订单"), field="order")
    _not_before_service_date(order, "confirm")
    with transaction.atomic():
        return _settle(order, action="confirm", minutes=minutes, rating=rating, actor=actor, note=note)


def order_approve(*, order: Order, minutes: int, actor: Actor, note: str = "") -> Order:
    """A community worker approves minutes above the suggested time: the claimed figure, the suggested time,
    or a figure between them. The approver is not the person who placed, took or confirmed the order."""
    if not is_worker(actor):
        raise Forbidden(_("只有社区工作者可以审核时长"), field="order")
    minutes = int_minutes(minutes)
    order = Order.objects.select_related("menu_item", "taker_team", "taker_member").get(pk=order.pk)
    user = actor_user(actor)
    if (is_requester_user(order, actor) or is_taker(order, actor)
            or (order.confirmed_by_id and user is not None and order.confirmed_by_id == user.pk)):
        raise Forbidden(_("审核人不能是该订单的下单人、接单人或确认人"), field="order")
    # a pending order keeps its claim until it is approved: the conditional update below cannot meet another one
    bound, claimed = order.menu_item.suggested_minutes, order.claimed_minutes or 0
    if order.status == S.PENDING and not min(bound, claimed) <= minutes <= claimed:
        raise ServiceError(_("审核时长应在建议时长 %(b)d 分钟与申报时长 %(c)d 分钟之间")
                           % {"b": bound, "c": claimed}, field="minutes")
    with transaction.atomic():
        order = _step(order, action="approve", to=S.CONFIRMED, actor=actor, note=note, minutes=minutes,
                      closed_at=clock.now())
        _credit(order, minutes, actor)
    return order


def order_cancel(*, order: Order, actor: Actor, reason: str) -> Order:
    if not reason.strip():
        raise ServiceError(_("请填写取消原因"), field="reason")
    if not (is_requester(order, actor) or is_taker(order, actor)):
        raise Forbidden(_("只有下单方、接单人或社区工作者可以取消订单"), field="order")
    with transaction.atomic():
        return _step(order, action="cancel", to=S.CANCELLED, actor=actor, note=reason, closed_at=clock.now())


def order_dispute(*, order: Order, actor: Actor, reason: str) -> Order:
    if not reason.strip():
        raise ServiceError(_("请填写异议理由"), field="reason")
    if not (is_requester(order, actor) or is_taker(order, actor)):
        raise Forbidden(_("只有下单方或接单人可以提出异议"), field="order")
    with transaction.atomic():
        return _step(order, action="dispute", to=S.DISPUTED, actor=actor, note=reason)


def order_resolve(*, order: Order, actor: Actor, minutes: int, note: str, rating: int = 3) -> Order:
    """A community worker settles a dispute: credit `minutes` (> 0), or 0 for no credit.

    The taker never settles their own order; minutes above the suggested time wait for another worker's
    approval, as on confirmation.
    """
    if not is_worker(actor):
        raise Forbidden(_("只有社区工作者可以处理异议"), field="order")
    if not note.strip():
        raise ServiceError(_("请填写处理意见"), field="note")
    minutes = int_minutes(minutes)
    if minutes != 0:
        minutes, rating = _check_minutes_rating(minutes, rating)
    if is_taker(order, actor):
        raise Forbidden(_("接单人不能处理自己订单的异议"), field="order")
    with transaction.atomic():
        if minutes == 0:
            return _step(order, action="resolve", to=S.REJECTED, actor=actor, note=note, closed_at=clock.now())
        return _settle(order, action="resolve", minutes=minutes, rating=rating, actor=actor, note=note)

