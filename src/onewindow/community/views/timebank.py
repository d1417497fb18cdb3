"""The time bank's pages: the menu, orders and their actions, the ledger and statements, the hours reports, and
the volunteer's own page (balance, report-in, orders to take, theme days, donate and redeem)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.community import access, reports
from onewindow.community.models import Account, Member, MenuItem, Order, Team, ThemeEvent, Transfer
from onewindow.community.selectors import governance, ledger
from onewindow.community.selectors import orders as order_selectors
from onewindow.community.selectors import organisation as organisation_selectors
from onewindow.community.selectors.members import member_of
from onewindow.community.services import ledger as ledger_services
from onewindow.community.services import members as member_services
from onewindow.community.services import orders as order_services
from onewindow.community.services import theme_events
from onewindow.community.views.common import (
    READERS,
    WORKER,
    chosen,
    compound_from_post,
    compound_label,
    date_value,
    form_idempotency,
    int_value,
    my_member,
    page,
    run,
)
from onewindow.core import clock
from onewindow.core.access import Role, allow
from onewindow.core.errors import NotFound, ServiceError
from onewindow.core.masking import mask_name


@allow(*READERS)
def menu(request: HttpRequest) -> HttpResponse:
    return render(request, "community/menu.html", {"items": order_selectors.menu(active_only=False)})


# ------------------------------------------------------------------ orders


@allow(*READERS)
def orders(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    return render(request, "community/orders.html", {
        "page": page(request, order_selectors.orders(status=status)), "status": status,
        "statuses": Order.Status.choices, "counts": order_selectors.order_status_counts(),
    })


def _order_form(request: HttpRequest, *, status: int = 200, errors: dict[str, str] | None = None) -> HttpResponse:
    return render(request, "community/order_new.html", {
        "menu": order_selectors.menu(), "compounds": [compound_label(c) for c in organisation_selectors.compounds()],
        "service_date": request.POST.get("service_date") or clock.today().isoformat(),
        "requester_kinds": Order.RequesterKind.choices, "form": request.POST,
        "errors": errors or {},
    }, status=status)


@allow(WORKER, Role.CITIZEN, Role.VOLUNTEER)
def order_place(request: HttpRequest) -> HttpResponse:
    """下单: the order form (GET) with a searchable compound picker; placed (POST), back to the orders, or the
    form again with the problems named next to their fields (nothing placed)."""
    if request.method != "POST":
        return _order_form(request)
    p = request.POST
    try:
        order_services.order_place(
            menu_item=chosen(MenuItem, p.get("menu_item"), "menu_item"), compound=compound_from_post(p),
            service_date=date_value(p.get("service_date"), "service_date"),
            requester_kind=p.get("requester_kind") or Order.RequesterKind.RESIDENT,
            description=p.get("description", ""), requester_name=p.get("requester_name", ""), actor=request.user)
    except ServiceError as exc:
        return _order_form(request, status=exc.status,
                           errors={str(pr.field or "general"): str(pr.message) for pr in exc.problems})
    messages.success(request, _("已下单，等待党员接单"))
    return HttpResponseRedirect(reverse("community:orders"))


def _visible_order(request: HttpRequest, pk: int) -> tuple[Order, access.OrderView]:
    """The order if this user may see it (community/access.py); otherwise 404, as for a missing order."""
    try:
        return access.visible_order(request.user, pk)
    except NotFound:
        raise Http404 from None


@allow(*READERS, Role.VOLUNTEER, Role.CITIZEN)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found, view = _visible_order(request, pk)
    board = view is access.OrderView.BOARD
    order = found if board else order_selectors.order_detail(found.pk)
    member = member_of(request.user)
    labels = {**order_services.ORDER_ACTION_LABELS, "place": _("下单")}
    events = [] if board else [
        {"at": e.at, "action": labels.get(e.action, e.action), "to": Order.Status(e.to_status).label,
         "who": e.actor_label, "note": e.reason} for e in order.events.all()]
    is_worker = access.is_worker(request.user)
    is_requester = access.is_requester_user(order, request.user)
    is_taker = not board and access.is_taker(order, request.user)
    return render(request, "community/order_detail.html", {
        "order": order, "events": events, "member": member, "board": board,
        "requester_label": mask_name(order.requester_name) if board else order.requester_name,
        "my_teams": member.teams.all() if member else [],
        "is_worker": is_worker, "is_taker": is_taker,
        "can_confirm": (is_worker or is_requester) and not is_taker,
        "can_approve": (is_worker and not is_taker and not is_requester
                        and order.confirmed_by_id != request.user.pk),
        "service_day_reached": order.service_date <= clock.today(),
    })


@allow(WORKER, Role.VOLUNTEER, Role.CITIZEN)
@require_POST
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    order, _view = _visible_order(request, pk)
    p, user = request.POST, request.user
    actions: dict[str, tuple[Callable[[], Any], str | Callable[[Any], str]]] = {
        "take": (lambda: order_services.order_take(
            order=order, actor=user, team=chosen(Team, p["team"], "team") if p.get("team") else None), _("接单成功")),
        "done": (lambda: order_services.order_mark_done(order=order, actor=user, note=p.get("note", "")),
                 _("已标记完成，等待下单方确认")),
        "confirm": (lambda: order_services.order_confirm(
            order=order, actor=user, note=p.get("note", ""), minutes=int_value(p.get("minutes"), "minutes"),
            rating=int_value(p.get("rating"), "rating")), _settled_message),
        "approve": (lambda: order_services.order_approve(
            order=order, actor=user, note=p.get("note", ""), minutes=int_value(p.get("minutes"), "minutes")),
            _("已审核，时长已记入账户")),
        "dispute": (lambda: order_services.order_dispute(order=order, actor=user, reason=p.get("reason", "")),
                    _("已提出异议，由社区工作者处理")),
        "resolve": (lambda: order_services.order_resolve(
            order=order, actor=user, note=p.get("note", ""),
            minutes=int_value(p.get("minutes"), "minutes", default=0),
            rating=int_value(p.get("rating"), "rating", default=3)), _settled_message),
        "cancel": (lambda: order_services.order_cancel(order=order, actor=user, reason=p.get("reason", "")),
                   _("订单已取消")),
    }
    if action not in actions:
        raise Http404
    call, message = actions[action]
    return run(request, call, message, reverse("community:order_detail", args=[pk]))


def _settled_message(order: Order) -> str:
    if order.status == Order.Status.PENDING:
        return _("已确认。申报时长超过建议时长，待另一名社区工作者审核后记入账户")
    if order.status == Order.Status.REJECTED:
        return _("异议已处理，不予记时")
    return _("已确认，时长已记入账户")


# ------------------------------------------------------------------ ledger and reports (workers)


@allow(*READERS)
def ledger_page(request: HttpRequest) -> HttpResponse:
    return render(request, "community/ledger.html", {"transfers": ledger.transfers(limit=60),
                                                      "check": ledger.ledger_check()})


@allow(WORKER)
@require_POST
def transfer_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = get_object_or_404(Transfer, pk=pk)
    return run(request, lambda: ledger_services.transfer_reverse(
        transfer=transfer, reason=request.POST.get("reason", ""), operator=request.user),
        _("已冲正"), reverse("community:ledger"))


@allow(*READERS)
def account_statement(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(Account, pk=pk)
    return render(request, "community/statement.html", {"account": account, "rows": ledger.statement(account)})


@allow(*READERS)
def reports_page(request: HttpRequest) -> HttpResponse:
    return render(request, "community/reports.html", reports.report_context())


@allow(*READERS)
def reports_xlsx(request: HttpRequest) -> HttpResponse:
    return reports.report_xlsx()


# ------------------------------------------------------------------ volunteer: my page


@allow(Role.VOLUNTEER)
def me(request: HttpRequest) -> HttpResponse:
    member = member_of(request.user)
    if member is None:
        return render(request, "community/me_missing.html")
    account = ledger_services.account_for_member(member)
    today = clock.today()
    return render(request, "community/me.html", {
        "member": member, "account": account, "teams": member.teams.all(),
        "my_orders": order_selectors.orders(member=member).exclude(status__in=[Order.Status.CANCELLED])[:20],
        "open_orders": order_selectors.orders(status=Order.Status.OPEN).filter(service_date__gte=today)
        .exclude(requester_user=request.user.pk)[:20],
        "today": today,
        "statement": ledger.statement(account, limit=10),
        "events": governance.events(upcoming_only=True).filter(community=member.home_compound.community)[:5],
        "signed": set(member.signups.values_list("event_id", flat=True)),
    })


@allow(Role.VOLUNTEER)
def my_statement(request: HttpRequest) -> HttpResponse:
    member = my_member(request)
    account = ledger_services.account_for_member(member)
    return render(request, "community/statement.html", {"account": account, "member": member, "mine": True,
                                                         "rows": ledger.statement(account),
                                                         "idem": uuid.uuid4().hex})


@allow(Role.VOLUNTEER)
@require_POST
def my_action(request: HttpRequest, action: str) -> HttpResponse:
    member = my_member(request)
    p, user = request.POST, request.user
    home, statement = reverse("community:me"), reverse("community:my_statement")
    if action == "report_in":
        return run(request, lambda: member_services.member_report_in(member=member, actor=user), _("报到成功"), home)
    if action == "donate":
        return run(request, lambda: ledger_services.donation_make(
            giver=member, receiver=_receiver(p.get("receiver")), minutes=int_value(p.get("minutes"), "minutes"),
            operator=user, note=p.get("note", ""), **form_idempotency(request)), _("捐赠成功"), statement)
    if action == "redeem":
        return run(request, lambda: ledger_services.redemption_make(
            member=member, minutes=int_value(p.get("minutes"), "minutes"), purpose=p.get("purpose", ""),
            note=p.get("note", ""), operator=user, **form_idempotency(request)), _("兑换成功"), statement)
    if action == "sign_up":
        return run(request, lambda: theme_events.event_sign_up(event=chosen(ThemeEvent, p.get("event"), "event"),
                                                               member=member, actor=user), _("报名成功"), home)
    raise Http404


def _receiver(raw: str | None) -> Member:
    receiver_id = int_value(raw, "receiver")
    receiver = Member.objects.filter(pk=receiver_id).first() if 0 < receiver_id < 2**63 else None
    if receiver is None:
        raise ServiceError(_("受赠党员编号不存在"), field="receiver")
    return receiver
