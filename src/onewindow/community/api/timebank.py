"""The time bank: the menu, orders and their actions, accounts and statements, transfers, the ledger check and
the hours report.

Transfers (donation, redemption) need an `Idempotency-Key` header: a retry with the same key and the same body
returns the first transfer (200) instead of moving minutes twice; the same key with another body is a 409. Keys
are scoped to the signed-in caller (onewindow.core.idempotency), so another person's key finds nothing.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from onewindow.community import access
from onewindow.community.api.common import READERS, WORKER, get_object, own_member, window
from onewindow.community.models import Account, Compound, Member, MenuItem, Order, Team, Transfer
from onewindow.community.selectors import hours as hour_selectors
from onewindow.community.selectors import ledger as ledger_selectors
from onewindow.community.selectors import orders as order_selectors
from onewindow.community.selectors.members import member_of
from onewindow.community.services import ledger, orders
from onewindow.core.access import PUBLIC, Role, allow, has_role
from onewindow.core.errors import Forbidden, NotFound
from onewindow.core.idempotency import clean_key, idempotency_scope

router = Router()


def order_dict(o: Order, *, events: bool = False) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": o.pk, "number": o.number, "menu_item": o.menu_item.name, "category": o.menu_item.category,
        "suggested_minutes": o.menu_item.suggested_minutes,
        "compound": o.compound.name, "compound_id": o.compound_id, "service_date": o.service_date.isoformat(),
        "description": o.description, "requester_kind": o.requester_kind, "status": o.status,
        "status_label": str(o.get_status_display()), "taker_member_id": o.taker_member_id,
        "taker_team_id": o.taker_team_id, "minutes": o.minutes, "claimed_minutes": o.claimed_minutes,
        "rating": o.rating, "created_at": o.created_at.isoformat(),
    }
    if events:
        d["events"] = [{"at": e.at.isoformat(), "action": e.action, "from": e.from_status, "to": e.to_status,
                        "note": e.reason} for e in o.events.all()]
    return d


def transfer_dict(t: Transfer) -> dict[str, Any]:
    return {"id": t.pk, "kind": t.kind, "reason": t.reason, "created_at": t.created_at.isoformat(),
            "order_id": t.order_id, "reverses": t.reverses_id,
            "entries": [{"account_id": e.account_id, "amount": e.amount} for e in t.entries.all()]}


def account_dict(a: Account) -> dict[str, Any]:
    return {"id": a.pk, "kind": a.kind, "name": a.name, "balance": a.balance}


def _statement_rows(account: Account) -> list[dict[str, Any]]:
    return [{**r, "at": r["at"].isoformat(), "kind_label": str(r["kind_label"])}
            for r in ledger_selectors.statement(account)]


# ------------------------------------------------------------------ menu and orders


@router.get("menu", summary="服务菜单")
@allow(PUBLIC)
def menu(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": i.pk, "name": i.name, "category": i.category, "category_label": str(i.get_category_display()),
             "suggested_minutes": i.suggested_minutes, "description": i.description}
            for i in order_selectors.menu()]


class OrderIn(Schema):
    menu_item_id: int
    compound_id: int
    service_date: dt.date
    requester_kind: str = "resident"
    description: str = Field("", max_length=300)
    requester_name: str = ""


class TakeIn(Schema):
    team_id: int | None = None


class NoteIn(Schema):
    note: str = ""


class ConfirmIn(Schema):
    minutes: int
    rating: int
    note: str = ""


class ApproveIn(Schema):
    minutes: int
    note: str = ""


class ReasonIn(Schema):
    reason: str


class ResolveIn(Schema):
    minutes: int
    note: str
    rating: int = 3


@router.get("orders", summary="订单（status 可用逗号分隔多个）")
@allow(*READERS, Role.VOLUNTEER)
def orders_list(request: HttpRequest, status: str = "", mine: bool = False, limit: int = 50,
                offset: int = 0) -> dict[str, Any]:
    member = own_member(request, "mine") if mine else None
    if not mine and not has_role(request.user, *READERS) and status != Order.Status.OPEN:
        status = Order.Status.OPEN  # volunteers browse the open board
    qs = order_selectors.orders(status=status, member=member)
    return {"count": qs.count(), "items": [order_dict(o) for o in qs[window(limit, offset)]]}


@router.post("orders", response={201: dict}, summary="下单")
@allow(WORKER, Role.CITIZEN, Role.VOLUNTEER)
def orders_create(request: HttpRequest, payload: OrderIn) -> Status:
    order = orders.order_place(menu_item=get_object(MenuItem, payload.menu_item_id, "menu_item_id"),
                               compound=get_object(Compound, payload.compound_id, "compound_id"),
                               service_date=payload.service_date, requester_kind=payload.requester_kind,
                               description=payload.description, requester_name=payload.requester_name,
                               actor=request.user)
    return Status(201, _full(order))


@router.get("orders/{order_id}", summary="订单详情与事件（下单人、接单人及其服务队、社区工作者、督查可见；"
                                     "待接单的订单志愿者可见概要）")
@allow(*READERS, Role.VOLUNTEER, Role.CITIZEN)
def orders_get(request: HttpRequest, order_id: int) -> dict[str, Any]:
    order, view = access.visible_order(request.user, order_id)
    if view is access.OrderView.BOARD:
        return order_dict(order)
    return _full(order)


def _order(request: HttpRequest, order_id: int) -> Order:
    return access.visible_order(request.user, order_id)[0]


def _full(order: Order) -> dict[str, Any]:
    return order_dict(order_selectors.order_detail(order.pk), events=True)


@router.post("orders/{order_id}/take", summary="接单")
@allow(Role.VOLUNTEER, WORKER)
def orders_take(request: HttpRequest, order_id: int, payload: TakeIn) -> dict[str, Any]:
    team = get_object(Team, payload.team_id, "team_id") if payload.team_id else None
    return _full(orders.order_take(order=_order(request, order_id), actor=request.user, team=team))


@router.post("orders/{order_id}/done", summary="接单人标记完成")
@allow(Role.VOLUNTEER, WORKER)
def orders_done(request: HttpRequest, order_id: int, payload: NoteIn) -> dict[str, Any]:
    return _full(orders.order_mark_done(order=_order(request, order_id), actor=request.user, note=payload.note))


@router.post("orders/{order_id}/confirm", summary="下单方确认（时长、评分）并记入时长")
@allow(WORKER, Role.CITIZEN, Role.VOLUNTEER)
def orders_confirm(request: HttpRequest, order_id: int, payload: ConfirmIn) -> dict[str, Any]:
    return _full(orders.order_confirm(order=_order(request, order_id), minutes=payload.minutes,
                                      rating=payload.rating, note=payload.note, actor=request.user))


@router.post("orders/{order_id}/approve", summary="社区工作者审核超过建议时长的申报（在建议时长与申报时长之间）")
@allow(WORKER)
def orders_approve(request: HttpRequest, order_id: int, payload: ApproveIn) -> dict[str, Any]:
    return _full(orders.order_approve(order=_order(request, order_id), minutes=payload.minutes, note=payload.note,
                                      actor=request.user))


@router.post("orders/{order_id}/dispute", summary="提出异议")
@allow(WORKER, Role.CITIZEN, Role.VOLUNTEER)
def orders_dispute(request: HttpRequest, order_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _full(orders.order_dispute(order=_order(request, order_id), reason=payload.reason, actor=request.user))


@router.post("orders/{order_id}/resolve", summary="社区工作者处理异议（minutes=0 不予记时）")
@allow(WORKER)
def orders_resolve(request: HttpRequest, order_id: int, payload: ResolveIn) -> dict[str, Any]:
    return _full(orders.order_resolve(order=_order(request, order_id), minutes=payload.minutes, note=payload.note,
                                      rating=payload.rating, actor=request.user))


@router.post("orders/{order_id}/cancel", summary="取消订单")
@allow(WORKER, Role.CITIZEN, Role.VOLUNTEER)
def orders_cancel(request: HttpRequest, order_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _full(orders.order_cancel(order=_order(request, order_id), reason=payload.reason, actor=request.user))


# ------------------------------------------------------------------ accounts, statements, transfers


def _visible_account(request: HttpRequest, account_id: int) -> Account:
    account = get_object(Account, account_id, "account_id")
    if not access.can_view_account(request.user, account):
        raise NotFound(_("%(what)s %(id)s 不存在") % {"what": Account._meta.verbose_name, "id": account.pk},
                       field="account_id")
    return account


@router.get("accounts/me", summary="我的时间账户与明细")
@allow(Role.VOLUNTEER)
def accounts_me(request: HttpRequest) -> dict[str, Any]:
    member = own_member(request)
    account = ledger.account_for_member(member)
    return {**account_dict(account), "member_id": member.pk, "statement": _statement_rows(account)}


@router.get("accounts/{account_id}", summary="账户余额")
@allow(*READERS, Role.VOLUNTEER)
def accounts_get(request: HttpRequest, account_id: int) -> dict[str, Any]:
    return account_dict(_visible_account(request, account_id))


@router.get("accounts/{account_id}/statement", summary="账户明细（含每笔后余额）")
@allow(*READERS, Role.VOLUNTEER)
def accounts_statement(request: HttpRequest, account_id: int) -> dict[str, Any]:
    account = _visible_account(request, account_id)
    return {**account_dict(account), "statement": _statement_rows(account)}


class DonationIn(Schema):
    receiver_member_id: int
    minutes: int
    note: str = ""


class RedemptionIn(Schema):
    minutes: int
    purpose: str
    note: str = ""
    member_id: int | None = None


class ReverseIn(Schema):
    reason: str = ""


def _idempotency(request: HttpRequest) -> dict[str, str]:
    """The caller's key and scope (the body it is bound to is fingerprinted by the service)."""
    return {"idempotency_key": clean_key(request.headers.get("Idempotency-Key"), required=True),
            "idempotency_scope": idempotency_scope(actor=request.user, request=request)}


@router.get("transfers", summary="最近的转账（含分录）")
@allow(*READERS)
def transfers(request: HttpRequest, limit: int = 50) -> list[dict[str, Any]]:
    return [transfer_dict(t) for t in ledger_selectors.transfers(limit=max(1, min(limit, 200)))]


@router.post("transfers/donation", summary="把本人的时长捐赠给另一名党员（需 Idempotency-Key）")
@allow(Role.VOLUNTEER)
def transfers_donation(request: HttpRequest, payload: DonationIn) -> dict[str, Any]:
    idem = _idempotency(request)
    giver = own_member(request)
    receiver = get_object(Member, payload.receiver_member_id, "receiver_member_id")
    return transfer_dict(ledger.donation_make(giver=giver, receiver=receiver, minutes=payload.minutes,
                                              note=payload.note, operator=request.user, **idem))


@router.post("transfers/redemption", summary="兑换本人账户的时长（服务或奖励；需 Idempotency-Key）")
@allow(Role.VOLUNTEER, WORKER)
def transfers_redemption(request: HttpRequest, payload: RedemptionIn) -> dict[str, Any]:
    idem = _idempotency(request)
    member = member_of(request.user)
    if payload.member_id is not None and (member is None or payload.member_id != member.pk):
        raise Forbidden(_("只能兑换本人账户的时长"), field="member_id")
    member = own_member(request)
    return transfer_dict(ledger.redemption_make(member=member, minutes=payload.minutes, purpose=payload.purpose,
                                                note=payload.note, operator=request.user, **idem))


@router.post("transfers/{transfer_id}/reverse", summary="冲正一笔转账")
@allow(WORKER)
def transfers_reverse(request: HttpRequest, transfer_id: int, payload: ReverseIn) -> dict[str, Any]:
    return transfer_dict(ledger.transfer_reverse(transfer=get_object(Transfer, transfer_id, "transfer_id"),
                                                 reason=payload.reason, operator=request.user))


@router.get("ledger/check", summary="账本校验：合计为零、每笔平衡、余额与分录一致")
@allow(*READERS)
def ledger_check(request: HttpRequest) -> dict[str, Any]:
    return ledger_selectors.ledger_check()


@router.get("reports/hours", summary="服务时长统计：按月、服务队、小区、党员")
@allow(*READERS)
def reports_hours(request: HttpRequest) -> dict[str, Any]:
    return {"by_month": hour_selectors.hours_by_month(), "by_team": hour_selectors.hours_by_team(),
            "by_compound": hour_selectors.hours_by_compound(), "top_volunteers": hour_selectors.top_volunteers()}
