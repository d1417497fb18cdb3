"""Community pages: thin views over services and selectors. Phone-first templates, no inline script."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.core import clock
from onewindow.core.access import PUBLIC, Role, allow
from onewindow.core.audit import audit_log
from onewindow.core.errors import NotFound, ServiceError
from onewindow.core.idempotency import clean_key, idempotency_scope
from onewindow.core.inputs import MAX_ID, date_param, int_param
from onewindow.core.masking import mask_name
from onewindow.core.paging import paginate

from . import access, reports, selectors, services
from .models import (
    CoBuildingUnit,
    Community,
    Compound,
    Matter,
    Member,
    MenuItem,
    Order,
    PartyOrg,
    Proposal,
    Team,
    ThemeEvent,
    Transfer,
)

WORKER = Role.COMMUNITY_WORKER
READERS = (Role.COMMUNITY_WORKER, Role.SUPERVISOR)


# ------------------------------------------------------------------ helpers


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _do(request: HttpRequest, action: Callable[[], Any], success: str | Callable[[Any], str],
        default: str) -> HttpResponse:
    """Run a service call; on ServiceError show every problem and change nothing. `success` is the message, or a
    function of the call's result that returns it."""
    try:
        result = action()
    except ServiceError as exc:
        details = [p.message for p in exc.problems if p.message and p.message != exc.message]
        messages.error(request, exc.message + (("：" + "；".join(details[:20])) if details else ""))
    else:
        messages.success(request, success(result) if callable(success) else success)
    return HttpResponseRedirect(_back(request, default))


def _int(value: str | None, field: str, *, default: int | None = None) -> int:
    if value in (None, ""):
        if default is not None:
            return default
        raise ServiceError(_("请填写此项"), field=field)
    text = str(value).strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ServiceError(_("“%(v)s”不是整数") % {"v": value}, field=field)
    return int_param(text, field, lo=-MAX_ID) or 0  # beyond ±2**53 → 400 naming the field


def _date(value: str | None, field: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ServiceError(_("请填写有效日期（年-月-日）"), field=field) from None
    return date_param(day.isoformat(), field) or day  # 1900-01-01 … 2999-12-31, else 400 naming the field


def _get(model: Any, pk: object, field: str) -> Any:
    try:
        value = int(str(pk))
        if not 0 < value < 2**63:
            raise ValueError(value)
        return model.objects.get(pk=value)
    except (ValueError, TypeError, model.DoesNotExist):
        raise ServiceError(_("请选择有效的%(f)s") % {"f": model._meta.verbose_name}, field=field) from None


def _page(request: HttpRequest, qs: Any, per_page: int = 30) -> Any:
    return paginate(qs, page=request.GET.get("page"), per_page=per_page)


def _compounds() -> Any:
    return Compound.objects.select_related("community").order_by("community_id", "id")


# ------------------------------------------------------------------ worker: dashboard and organisation


@allow(*READERS)
def home(request: HttpRequest) -> HttpResponse:
    cov = selectors.coverage()
    return render(request, "community/home.html", {
        "coverage": cov, "counts": selectors.member_counts(), "order_counts": selectors.order_status_counts(),
        "teams": selectors.teams().count(), "top": selectors.top_volunteers(limit=5),
        "hours_total": sum(r["minutes"] for r in selectors.hours_by_month(months=120)) // 60,
    })


@allow(*READERS)
def organisation(request: HttpRequest) -> HttpResponse:
    return render(request, "community/organisation.html", {
        "coverage": selectors.coverage(), "streets": selectors.tree(),
        "committees": selectors.party_orgs().exclude(kind=PartyOrg.Kind.COMPOUND_BRANCH)
        .exclude(kind=PartyOrg.Kind.BUILDING_GROUP),
        "joint_branches": selectors.party_orgs(kind=PartyOrg.Kind.COMPOUND_BRANCH).filter(form=PartyOrg.Form.JOINT),
        "units": selectors.cobuilding_units(),
    })


@allow(WORKER)
def tree_import(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"columns": services.TREE_COLUMNS}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ServiceError(_("请选择要导入的 Excel 文件"), field="file")
            result = services.tree_import(data=upload.read(), actor=request.user)
        except ServiceError as exc:
            context["error"] = exc
        else:
            context["result"] = result
    return render(request, "community/tree_import.html", context)


# ------------------------------------------------------------------ members and teams


@allow(*READERS)
def members(request: HttpRequest) -> HttpResponse:
    qs = selectors.members(q=request.GET.get("q", "").strip(), category=request.GET.get("category", ""),
                           star=request.GET.get("star") == "1",
                           community_id=_int(request.GET.get("community"), "community", default=0) or None,
                           team_id=_int(request.GET.get("team"), "team", default=0) or None)
    page = _page(request, qs)
    return render(request, "community/members.html", {
        "page": page, "rows": [selectors.member_row(m) for m in page.object_list],
        "categories": Member.Category.choices, "communities": Community.objects.order_by("id"),
        "counts": selectors.member_counts(), "employers": CoBuildingUnit.objects.order_by("id"),
        "compounds": _compounds(), "is_worker": services._is_worker(request.user),
    })


@allow(WORKER)
@require_POST
def member_create(request: HttpRequest) -> HttpResponse:
    def run() -> None:
        p = request.POST
        services.member_create(
            name=p.get("name", ""), category=p.get("category", ""), phone=p.get("phone", ""),
            home_compound=_get(Compound, p.get("home_compound"), "home_compound"),
            employer=_get(CoBuildingUnit, p.get("employer"), "employer") if p.get("employer") else None,
            skills=p.get("skills", ""), actor=request.user)

    return _do(request, run, _("党员档案已建立"), reverse("community:members"))


@allow(*READERS)
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Member.objects.select_related("home_compound__community", "employer", "account",
                                                             "reported_community"), pk=pk)
    audit_log(actor=request.user, action="community.member_view_full", target=member)
    return render(request, "community/member_detail.html", {
        "member": member, "teams": member.teams.all(), "events": member.events.all()[:50],
        "all_teams": Team.objects.order_by("id").only("id", "name"),
        "statement": selectors.statement(services.account_for_member(member), limit=50),
        "orders": selectors.orders(member=member)[:20],
    })


@allow(WORKER)
@require_POST
def member_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    member = get_object_or_404(Member, pk=pk)
    default = reverse("community:member_detail", args=[pk])
    if action == "report_in":
        return _do(request, lambda: services.member_report_in(member=member, actor=request.user), _("已报到"), default)
    if action == "star":
        return _do(request, lambda: services.member_set_star(member=member, title=request.POST.get("title", ""),
                                                             actor=request.user), _("已更新社区民星"), default)
    if action == "join":
        return _do(request, lambda: services.team_join(team=_get(Team, request.POST.get("team"), "team"),
                                                       member=member, actor=request.user), _("已加入服务队"), default)
    raise Http404


@allow(*READERS)
def teams(request: HttpRequest) -> HttpResponse:
    return render(request, "community/teams.html", {"teams": selectors.teams(), "hours": {
        r["team"]: r["hours"] for r in selectors.hours_by_team()}})


@allow(*READERS)
def menu(request: HttpRequest) -> HttpResponse:
    return render(request, "community/menu.html", {"items": selectors.menu(active_only=False)})


# ------------------------------------------------------------------ orders


@allow(*READERS)
def orders(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    page = _page(request, selectors.orders(status=status))
    return render(request, "community/orders.html", {
        "page": page, "status": status, "statuses": Order.Status.choices, "counts": selectors.order_status_counts(),
        "menu": selectors.menu(), "compounds": _compounds(), "today": clock.today(),
        "requester_kinds": Order.RequesterKind.choices,
    })


@allow(WORKER, Role.CITIZEN, Role.VOLUNTEER)
@require_POST
def order_place(request: HttpRequest) -> HttpResponse:
    def run() -> None:
        p = request.POST
        kind = p.get("requester_kind") or Order.RequesterKind.RESIDENT
        services.order_place(menu_item=_get(MenuItem, p.get("menu_item"), "menu_item"),
                             compound=_get(Compound, p.get("compound"), "compound"),
                             service_date=_date(p.get("service_date"), "service_date"), requester_kind=kind,
                             description=p.get("description", ""), requester_name=p.get("requester_name", ""),
                             actor=request.user)

    return _do(request, run, _("已下单，等待党员接单"), reverse("community:orders"))


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
    order = found if board else selectors.order_detail(found.pk)
    member = services.member_of(request.user)
    labels = {**services.ORDER_ACTION_LABELS, "place": _("下单")}
    events = [] if board else [
        {"at": e.at, "action": labels.get(e.action, e.action), "to": Order.Status(e.to_status).label,
         "who": getattr(getattr(e.actor, "profile", None), "display_name", "") or (e.actor.username if e.actor else ""),
         "note": e.note} for e in order.events.all()]
    is_worker = services._is_worker(request.user)
    is_requester = bool(order.requester_user_id and order.requester_user_id == request.user.pk)
    is_taker = not board and services._is_taker(order, request.user)
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
    default = reverse("community:order_detail", args=[pk])
    actions: dict[str, tuple[Callable[[], Any], str | Callable[[Any], str]]] = {
        "take": (lambda: services.order_take(order=order, actor=user, team=_get(Team, p["team"], "team")
                                             if p.get("team") else None), _("接单成功")),
        "done": (lambda: services.order_mark_done(order=order, actor=user, note=p.get("note", "")),
                 _("已标记完成，等待下单方确认")),
        "confirm": (lambda: services.order_confirm(order=order, actor=user, note=p.get("note", ""),
                                                   minutes=_int(p.get("minutes"), "minutes"),
                                                   rating=_int(p.get("rating"), "rating")), _settled_message),
        "approve": (lambda: services.order_approve(order=order, actor=user, note=p.get("note", ""),
                                                   minutes=_int(p.get("minutes"), "minutes")),
                    _("已审核，时长已记入账户")),
        "dispute": (lambda: services.order_dispute(order=order, actor=user, reason=p.get("reason", "")),
                    _("已提出异议，由社区工作者处理")),
        "resolve": (lambda: services.order_resolve(order=order, actor=user, note=p.get("note", ""),
                                                   minutes=_int(p.get("minutes"), "minutes", default=0),
                                                   rating=_int(p.get("rating"), "rating", default=3)),
                    _settled_message),
        "cancel": (lambda: services.order_cancel(order=order, actor=user, reason=p.get("reason", "")),
                   _("订单已取消")),
    }
    if action not in actions:
        raise Http404
    run, message = actions[action]
    return _do(request, run, message, default)


def _settled_message(order: Order) -> str:
    if order.status == Order.Status.PENDING:
        return _("已确认。申报时长超过建议时长，待另一名社区工作者审核后记入账户")
    if order.status == Order.Status.REJECTED:
        return _("异议已处理，不予记时")
    return _("已确认，时长已记入账户")


# ------------------------------------------------------------------ ledger (worker)


@allow(*READERS)
def ledger(request: HttpRequest) -> HttpResponse:
    return render(request, "community/ledger.html", {"transfers": selectors.transfers(limit=60),
                                                      "check": selectors.ledger_check()})


@allow(WORKER)
@require_POST
def transfer_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = get_object_or_404(Transfer, pk=pk)
    return _do(request, lambda: services.transfer_reverse(transfer=transfer, reason=request.POST.get("reason", ""),
                                                          operator=request.user),
               _("已冲正"), reverse("community:ledger"))


@allow(*READERS)
def account_statement(request: HttpRequest, pk: int) -> HttpResponse:
    from .models import Account

    account = get_object_or_404(Account, pk=pk)
    return render(request, "community/statement.html", {"account": account,
                                                         "rows": selectors.statement(account)})


# ------------------------------------------------------------------ volunteer: my page


def _my_member(request: HttpRequest) -> Member:
    member = services.member_of(request.user)
    if member is None:
        raise Http404(_("您还没有党员电子档案，请联系社区工作者建档"))
    return member


@allow(Role.VOLUNTEER)
def me(request: HttpRequest) -> HttpResponse:
    member = services.member_of(request.user)
    if member is None:
        return render(request, "community/me_missing.html")
    account = services.account_for_member(member)
    return render(request, "community/me.html", {
        "member": member, "account": account, "teams": member.teams.all(),
        "my_orders": selectors.orders(member=member).exclude(status__in=[Order.Status.CANCELLED])[:20],
        "open_orders": selectors.orders(status=Order.Status.OPEN).filter(service_date__gte=clock.today())
        .exclude(requester_user=request.user)[:20],
        "today": clock.today(),
        "statement": selectors.statement(account, limit=10),
        "events": selectors.events(upcoming_only=True).filter(community=member.home_compound.community)[:5],
        "signed": set(member.signups.values_list("event_id", flat=True)),
    })


@allow(Role.VOLUNTEER)
def my_statement(request: HttpRequest) -> HttpResponse:
    member = _my_member(request)
    account = services.account_for_member(member)
    return render(request, "community/statement.html", {"account": account, "member": member, "mine": True,
                                                         "rows": selectors.statement(account),
                                                         "idem": uuid.uuid4().hex})


def _form_idempotency(request: HttpRequest) -> dict[str, str]:
    """The form's hidden key, scoped to the signed-in submitter (the service binds it to what was submitted)."""
    key = clean_key(request.POST.get("idem"), field="idem")
    if not key:
        raise ServiceError(_("表单已过期，请刷新页面后重新提交"), field="idem")
    return {"idempotency_key": key, "idempotency_scope": idempotency_scope(actor=request.user, request=request)}


@allow(Role.VOLUNTEER)
@require_POST
def my_action(request: HttpRequest, action: str) -> HttpResponse:
    member = _my_member(request)
    p, user = request.POST, request.user
    default = reverse("community:me")
    if action == "report_in":
        return _do(request, lambda: services.member_report_in(member=member, actor=user), _("报到成功"), default)
    if action == "donate":
        def donate() -> None:
            idem = _form_idempotency(request)
            receiver_id = _int(p.get("receiver"), "receiver")
            receiver = Member.objects.filter(pk=receiver_id).first() if 0 < receiver_id < 2**63 else None
            if receiver is None:
                raise ServiceError(_("受赠党员编号不存在"), field="receiver")
            services.donation_make(giver=member, receiver=receiver, minutes=_int(p.get("minutes"), "minutes"),
                                   operator=user, note=p.get("note", ""), **idem)
        return _do(request, donate, _("捐赠成功"), reverse("community:my_statement"))
    if action == "redeem":
        return _do(request, lambda: services.redemption_make(
            member=member, minutes=_int(p.get("minutes"), "minutes"), purpose=p.get("purpose", ""),
            note=p.get("note", ""), operator=user, **_form_idempotency(request)),
            _("兑换成功"), reverse("community:my_statement"))
    if action == "sign_up":
        return _do(request, lambda: services.event_sign_up(event=_get(ThemeEvent, p.get("event"), "event"),
                                                           member=member, actor=user), _("报名成功"), default)
    raise Http404


# ------------------------------------------------------------------ matters


@allow(*READERS)
def matters(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.matters(status=request.GET.get("status", ""), kind=request.GET.get("kind", "")))
    return render(request, "community/matters.html", {
        "page": page, "kinds": Matter.Kind.choices, "statuses": Matter.Status.choices, "compounds": _compounds()})


@allow(WORKER)
@require_POST
def matter_intake(request: HttpRequest) -> HttpResponse:
    p = request.POST
    return _do(request, lambda: services.matter_intake(
        kind=p.get("kind", ""), compound=_get(Compound, p.get("compound"), "compound"),
        resident_name=p.get("resident_name", ""), resident_phone=p.get("resident_phone", ""),
        subject=p.get("subject", ""), description=p.get("description", ""), actor=request.user),
        _("诉求已受理"), reverse("community:matters"))


@allow(*READERS)
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    matter = get_object_or_404(Matter.objects.select_related("compound__community"), pk=pk)
    audit_log(actor=request.user, action="community.matter_view_full", target=matter)
    labels = {**services.MATTER_ACTION_LABELS, "intake": _("受理")}
    logs = [{"at": log.at, "action": labels.get(log.action, log.action), "to": Matter.Status(log.to_status).label,
             "note": log.note} for log in matter.logs.all()]
    return render(request, "community/matter_detail.html", {"matter": matter, "logs": logs,
                                                            "routes": Matter.Route.choices})


@allow(WORKER)
@require_POST
def matter_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    matter = get_object_or_404(Matter, pk=pk)
    p, user = request.POST, request.user
    calls: dict[str, Callable[[], Any]] = {
        "route": lambda: services.matter_route(matter=matter, route=p.get("route", ""), note=p.get("note", ""),
                                               actor=user),
        "mediate": lambda: services.matter_mediate(matter=matter, note=p.get("note", ""), actor=user),
        "resolve": lambda: services.matter_resolve(matter=matter, resolution=p.get("resolution", ""), actor=user),
        "close": lambda: services.matter_close(matter=matter, feedback=p.get("feedback", ""),
                                               satisfied=p.get("satisfied") == "1", actor=user),
    }
    if action not in calls:
        raise Http404
    return _do(request, calls[action], _("已保存"), reverse("community:matter_detail", args=[pk]))


# ------------------------------------------------------------------ proposals


@allow(*READERS)
def proposals(request: HttpRequest) -> HttpResponse:
    return render(request, "community/proposals.html", {
        "proposals": selectors.proposals(), "topics": Proposal.Topic.choices, "compounds": _compounds()})


@allow(WORKER)
@require_POST
def proposal_create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    return _do(request, lambda: services.proposal_create(
        compound=_get(Compound, p.get("compound"), "compound"), topic=p.get("topic", ""), title=p.get("title", ""),
        content=p.get("content", ""), actor=request.user), _("已提议"), reverse("community:proposals"))


@allow(*READERS)
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.select_related("compound__community", "branch"), pk=pk)
    next_step = next((step for step, (src, _t) in services.PROPOSAL_FLOW.items() if src == proposal.status), None)
    return render(request, "community/proposal_detail.html", {"proposal": proposal, "events": proposal.events.all(),
                                                              "next_step": next_step})


@allow(WORKER)
@require_POST
def proposal_advance(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    p = request.POST
    return _do(request, lambda: services.proposal_advance(
        proposal=proposal, step=p.get("step", ""), text=p.get("text", ""), actor=request.user,
        votes_for=_int(p.get("votes_for"), "votes_for", default=0),
        votes_against=_int(p.get("votes_against"), "votes_against", default=0),
        votes_abstain=_int(p.get("votes_abstain"), "votes_abstain", default=0),
        approval_rate=_int(p.get("approval_rate"), "approval_rate") if p.get("approval_rate") else None),
        _("已进入下一阶段"), reverse("community:proposal_detail", args=[pk]))


# ------------------------------------------------------------------ events


@allow(*READERS)
def events(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    nxt = services.theme_day(today.year, today.month) if today.day <= 15 else services.theme_day(
        today.year + (today.month == 12), today.month % 12 + 1)
    return render(request, "community/events.html", {"events": selectors.events(),
                                                     "communities": Community.objects.order_by("id"),
                                                     "next_theme_day": nxt})


@allow(WORKER)
@require_POST
def event_create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    return _do(request, lambda: services.event_create(
        community=_get(Community, p.get("community"), "community"), title=p.get("title", ""),
        date=_date(p.get("date"), "date"), place=p.get("place", ""),
        capacity=_int(p.get("capacity"), "capacity", default=50),
        credit_minutes=_int(p.get("credit_minutes"), "credit_minutes", default=0), actor=request.user),
        _("活动已发布"), reverse("community:events"))


@allow(*READERS)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(ThemeEvent.objects.select_related("community"), pk=pk)
    signups = event.signups.select_related("member__home_compound")
    from onewindow.core.masking import mask_name

    return render(request, "community/event_detail.html", {
        "event": event, "signups": [{"s": s, "name": mask_name(s.member.name)} for s in signups]})


@allow(WORKER)
@require_POST
def event_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    event = get_object_or_404(ThemeEvent, pk=pk)
    default = reverse("community:event_detail", args=[pk])
    if action == "attendance":
        ids = [int(x) for x in request.POST.getlist("member") if x.isdigit()]
        return _do(request, lambda: services.event_mark_attendance(event=event, member_ids=ids, actor=request.user),
                   _("已登记签到"), default)
    if action == "close":
        return _do(request, lambda: services.event_close(event=event, actor=request.user), _("活动已结束"), default)
    if action == "sign_up":
        return _do(request, lambda: services.event_sign_up(
            event=event, member=_get(Member, request.POST.get("member"), "member"), actor=request.user),
            _("报名成功"), default)
    raise Http404


# ------------------------------------------------------------------ reports and two-way feedback


@allow(*READERS)
def reports_page(request: HttpRequest) -> HttpResponse:
    return render(request, "community/reports.html", reports.report_context())


@allow(*READERS)
def reports_xlsx(request: HttpRequest) -> HttpResponse:
    return reports.report_xlsx()


def _month(request: HttpRequest, month: str | None) -> str:
    value = month or request.GET.get("month") or (clock.today().replace(day=1) - dt.timedelta(days=1)).strftime(
        "%Y-%m")
    try:
        selectors.month_bounds(value)
    except ValueError:
        raise Http404 from None
    return value


@allow(*READERS)
def feedback_index(request: HttpRequest) -> HttpResponse:
    month = _month(request, None)
    return render(request, "community/feedback_index.html", {"employers": selectors.employers(), "month": month})


@allow(*READERS)
def feedback_report(request: HttpRequest, employer_id: int, month: str, fmt: str = "html") -> HttpResponse:
    employer = get_object_or_404(CoBuildingUnit, pk=employer_id)
    month = _month(request, month)
    data = selectors.feedback_report(employer=employer, month=month)
    audit_log(actor=request.user, action="community.feedback_report", target=employer, detail={"month": month,
                                                                                               "format": fmt})
    if fmt == "pdf":
        return reports.feedback_pdf(data)
    if fmt == "xlsx":
        return reports.feedback_xlsx(data)
    return render(request, "community/feedback_report.html", {"data": data, "month": month})


# ------------------------------------------------------------------ public


@allow(PUBLIC)
def public_coverage(request: HttpRequest) -> HttpResponse:
    return render(request, "community/public_coverage.html", {"coverage": selectors.coverage()})


@allow(PUBLIC)
def public_proposals(request: HttpRequest) -> HttpResponse:
    return render(request, "community/public_proposals.html", {"proposals": selectors.proposals(published_only=True)})


@allow(PUBLIC)
def public_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(selectors.proposals(published_only=True), pk=pk)
    return render(request, "community/public_proposal.html", {"proposal": proposal,
                                                              "events": proposal.events.all()})
