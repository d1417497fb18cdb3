"""Listening pages (thin: one service or selector each). Forms post back to the page they are on; a refused write
shows the message naming the field, with the status the API would answer."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.core.access import PUBLIC, Role, allow, has_role
from onewindow.core.errors import ServiceError
from onewindow.core.inputs import date_param
from onewindow.listening import selectors
from onewindow.listening.services import mystery as mystery_services
from onewindow.listening.services import reception as reception_services
from onewindow.listening.services import voice
from onewindow.listening.services.voice import officer_of

MANAGERS = (Role.SUPERVISOR, Role.DEPARTMENT_HEAD)
DESK = (Role.CLERK, Role.SUPERVISOR, Role.DEPARTMENT_HEAD)


def _int(raw: object) -> int:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else 0


def _time(raw: object, field: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(raw or "").strip())
    except ValueError as exc:
        raise ServiceError(_("时间格式应为 HH:MM"), field=field) from exc


def _page(request: HttpRequest, template: str, context: dict[str, Any], *, error: ServiceError | None = None) -> HttpResponse:
    context = {**context, "choices": selectors.form_choices(), "form_key": uuid.uuid4().hex,
               "errors": [f"{p.field}: {p.message}" if p.field else p.message for p in error.problems] if error
               else [], "form": request.POST if error else {}}
    return render(request, template, context, status=error.status if error else 200)


def _issues(request: HttpRequest) -> list[voice.IssueInput]:
    cats, texts = request.POST.getlist("issue_category"), request.POST.getlist("issue_text")
    return [voice.IssueInput(category=c, text=t) for c, t in zip(cats, texts, strict=False) if t.strip()]


@allow(*MANAGERS)
def figures(request: HttpRequest) -> HttpResponse:
    since = date_param(request.GET.get("since"), "since", lenient=True)
    until = date_param(request.GET.get("until"), "until", lenient=True)
    return render(request, "listening/figures.html",
                  {"figures": selectors.findings_figures(since=since, until=until), "since": since, "until": until})


@allow(*MANAGERS)
def forums(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            forum, _created = voice.forum_create(
                hall_id=_int(request.POST.get("hall")), topic=request.POST.get("topic", ""),
                held_on=date_param(request.POST.get("held_on"), "held_on"),
                department_id=_int(request.POST.get("host_department")),
                participants=_int(request.POST.get("participants")), minutes=request.POST.get("minutes", ""),
                actor=request.user, idempotency_key=request.POST.get("idempotency_key"))
        except ServiceError as exc:
            return _page(request, "listening/forums.html", {"forums": selectors.forums()}, error=exc)
        return HttpResponseRedirect(reverse("listening:forum", args=[forum.pk]))
    return _page(request, "listening/forums.html", {"forums": selectors.forums()})


@allow(*MANAGERS)
def forum_detail(request: HttpRequest, forum_id: int) -> HttpResponse:
    forum = selectors.forum_detail(forum_id)
    if forum is None:
        raise Http404("forum")
    if request.method == "POST":
        try:
            voice.forum_add_finding(forum_id=forum.pk, issue=voice.IssueInput(
                category=request.POST.get("category", ""), text=request.POST.get("text", "")),
                actor=request.user, idempotency_key=request.POST.get("idempotency_key"))
        except ServiceError as exc:
            return _page(request, "listening/forum.html", {"forum": forum}, error=exc)
        messages.success(request, _("问题已转办为意见建议。"))
        return HttpResponseRedirect(reverse("listening:forum", args=[forum.pk]))
    return _page(request, "listening/forum.html", {"forum": forum})


@allow(*MANAGERS)
def officers(request: HttpRequest) -> HttpResponse:
    context = {"officers": selectors.officers(), "sessions": selectors.sessions()[:100]}
    if request.method == "POST":
        try:
            voice.officer_enrol(name=request.POST.get("name", ""), hall_id=_int(request.POST.get("hall")),
                                username=request.POST.get("username", "").strip(), actor=request.user)
        except ServiceError as exc:
            return _page(request, "listening/officers.html", context, error=exc)
        messages.success(request, _("体验官已登记。"))
        return HttpResponseRedirect(reverse("listening:officers"))
    return _page(request, "listening/officers.html", context)


@allow(Role.CITIZEN)
def experience(request: HttpRequest) -> HttpResponse:
    officer = officer_of(request.user)
    context = {"officer": officer, "sessions": selectors.sessions(officer=officer) if officer else []}
    if request.method == "POST":
        try:
            voice.session_submit(hall_id=_int(request.POST.get("hall")), service=request.POST.get("service", ""),
                                 held_on=date_param(request.POST.get("held_on"), "held_on"),
                                 note=request.POST.get("note", ""), issues=_issues(request),
                                 item_code=request.POST.get("item", "").strip(), actor=request.user,
                                 idempotency_key=request.POST.get("idempotency_key"))
        except ServiceError as exc:
            return _page(request, "listening/experience.html", context, error=exc)
        messages.success(request, _("体验记录已提交，发现的问题已转办。"))
        return HttpResponseRedirect(reverse("listening:experience"))
    return _page(request, "listening/experience.html", context)


def _reception_context(request: HttpRequest) -> dict[str, Any]:
    citizen = has_role(request.user, Role.CITIZEN)
    return {"days": selectors.reception_days(upcoming=True), "citizen": citizen,
            "bookings": selectors.my_bookings(request.user) if citizen else []}


@allow(PUBLIC)
def reception(request: HttpRequest) -> HttpResponse:
    return _page(request, "listening/reception.html", _reception_context(request))


@allow(Role.CITIZEN)
@require_POST
def reception_book(request: HttpRequest) -> HttpResponse:
    try:
        reception_services.booking_create(slot_id=_int(request.POST.get("slot")), actor=request.user,
                                          idempotency_key=request.POST.get("idempotency_key"))
    except ServiceError as exc:
        return _page(request, "listening/reception.html", _reception_context(request), error=exc)
    messages.success(request, _("预约成功，请按时到大厅接访室。"))
    return HttpResponseRedirect(reverse("listening:reception"))


@allow(Role.CITIZEN)
@require_POST
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    try:
        reception_services.booking_cancel(booking_id=booking_id, actor=request.user)
    except ServiceError as exc:
        return _page(request, "listening/reception.html", _reception_context(request), error=exc)
    messages.success(request, _("预约已取消。"))
    return HttpResponseRedirect(reverse("listening:reception"))


def _desk_context() -> dict[str, Any]:
    return {"upcoming": selectors.reception_days(upcoming=True), "past": selectors.reception_days(upcoming=False,
                                                                                                  limit=20)}


@allow(*DESK)
def reception_desk(request: HttpRequest) -> HttpResponse:
    context = {**_desk_context(), "can_publish": has_role(request.user, *MANAGERS)}
    if request.method == "POST":
        try:
            starts, ends = request.POST.getlist("slot_start"), request.POST.getlist("slot_end")
            caps = request.POST.getlist("slot_capacity")
            slots = [reception_services.SlotInput(_time(s, "slots"), _time(e, "slots"), _int(c))
                     for s, e, c in zip(starts, ends, caps, strict=False) if s.strip()]
            day, _created = reception_services.day_publish(
                hall_id=_int(request.POST.get("hall")), held_on=date_param(request.POST.get("held_on"), "held_on"),
                leader_title=request.POST.get("leader_title", ""),
                department_id=_int(request.POST.get("department")), slots=slots, actor=request.user,
                idempotency_key=request.POST.get("idempotency_key"))
        except ServiceError as exc:
            return _page(request, "listening/desk.html", context, error=exc)
        return HttpResponseRedirect(reverse("listening:reception_day", args=[day.pk]))
    return _page(request, "listening/desk.html", context)


def _day_page(request: HttpRequest, day_id: int, error: ServiceError | None = None) -> HttpResponse:
    day = selectors.day_bookings(day_id)
    if day is None:
        raise Http404("day")
    bookings = list(day.bookings.all())
    for b in bookings:
        b.who = selectors.citizen_label(b)  # type: ignore[attr-defined]
    return _page(request, "listening/day.html", {"day": day, "bookings": bookings}, error=error)


@allow(*DESK)
def reception_day(request: HttpRequest, day_id: int) -> HttpResponse:
    return _day_page(request, day_id)


@allow(*DESK)
@require_POST
def booking_action(request: HttpRequest, booking_id: int, action: str) -> HttpResponse:
    day_id = _int(request.POST.get("day"))
    try:
        if action in ("attend", "no_show"):
            booking = reception_services.booking_mark(booking_id=booking_id, attended=action == "attend",
                                                      actor=request.user)
        elif action == "issue":
            finding, _created = reception_services.booking_route_issue(
                booking_id=booking_id, category=request.POST.get("category", ""), text=request.POST.get("text", ""),
                actor=request.user, idempotency_key=request.POST.get("idempotency_key"))
            booking = finding.booking  # type: ignore[assignment]
        else:
            raise Http404("action")
    except ServiceError as exc:
        return _day_page(request, day_id, error=exc)
    return HttpResponseRedirect(reverse("listening:reception_day", args=[booking.day_id]))


@allow(*MANAGERS)
def mystery(request: HttpRequest) -> HttpResponse:
    context = {"agencies": selectors.agencies(), "visits": selectors.visits(), "points": mystery_services.POINTS}
    if request.method == "POST":
        try:
            if request.POST.get("form") == "agency":
                mystery_services.agency_save(
                    name=request.POST.get("name", ""),
                    contract_start=date_param(request.POST.get("contract_start"), "contract_start"),
                    contract_end=date_param(request.POST.get("contract_end"), "contract_end"), actor=request.user)
            else:
                failed = set(request.POST.getlist("failed"))
                results = [mystery_services.PointResult(code=code, passed=code not in failed,
                                                        note=request.POST.get(f"note_{code}", ""))
                           for _g, code, _t in mystery_services.POINTS]
                mystery_services.visit_record(
                    agency_id=_int(request.POST.get("agency")), hall_id=_int(request.POST.get("hall")),
                    covert_from=date_param(request.POST.get("covert_from"), "covert_from"),
                    covert_to=date_param(request.POST.get("covert_to"), "covert_to"), results=results,
                    note=request.POST.get("note", ""), actor=request.user,
                    idempotency_key=request.POST.get("idempotency_key"))
        except ServiceError as exc:
            return _page(request, "listening/mystery.html", context, error=exc)
        messages.success(request, _("已保存。"))
        return HttpResponseRedirect(reverse("listening:mystery"))
    return _page(request, "listening/mystery.html", context)
