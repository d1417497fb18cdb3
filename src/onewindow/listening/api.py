"""Listening's JSON API (/api/v1/listening/…): forums and their routed findings, experience officers and their
sessions, leader reception days with bookings, third-party 蹲守 visits, and the figure of findings per source.

Writes take an `Idempotency-Key` header (or `idempotency_key` in the body): a retry by the same caller with the same
body answers 200 with the first record; the same key with another body is a 409."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from onewindow.core.access import PUBLIC, Role, allow, has_role
from onewindow.core.errors import NotFound
from onewindow.core.inputs import BoundedDate, Id, date_param
from onewindow.listening import selectors
from onewindow.listening.models import Booking, ExperienceSession, ListeningFinding, MysteryVisit
from onewindow.listening.services import mystery as mystery_services
from onewindow.listening.services import reception as reception_services
from onewindow.listening.services import voice

router = Router()

MANAGERS = (Role.SUPERVISOR, Role.DEPARTMENT_HEAD)
DESK = (Role.CLERK, Role.SUPERVISOR, Role.DEPARTMENT_HEAD)


def _key(request: HttpRequest, body: str = "") -> str:
    return request.headers.get("Idempotency-Key", "") or body


def _made(created: bool, body: dict[str, Any]) -> Status:
    return Status(201 if created else 200, {**body, "created": created})


class IssueIn(Schema):
    category: str
    text: str


class ForumIn(Schema):
    hall: Id
    held_on: BoundedDate
    topic: str
    host_department: Id
    participants: int
    minutes: str = ""
    idempotency_key: str = ""


class FindingIn(IssueIn):
    idempotency_key: str = ""


class OfficerIn(Schema):
    name: str
    hall: Id
    username: str = ""
    enrolled_on: BoundedDate | None = None


class SessionIn(Schema):
    hall: Id
    held_on: BoundedDate
    service: str = ""
    item: str = ""
    note: str = ""
    officer: Id | None = None
    issues: list[IssueIn] = []
    idempotency_key: str = ""


class SlotIn(Schema):
    starts_at: dt.time
    ends_at: dt.time
    capacity: int


class DayIn(Schema):
    hall: Id
    held_on: BoundedDate
    leader_title: str
    department: Id
    slots: list[SlotIn]
    idempotency_key: str = ""


class BookingIn(Schema):
    slot: Id
    idempotency_key: str = ""


class AgencyIn(Schema):
    name: str
    contract_start: BoundedDate
    contract_end: BoundedDate


class PointIn(Schema):
    code: str
    passed: bool
    note: str = ""


class VisitIn(Schema):
    agency: Id
    hall: Id
    covert_from: BoundedDate
    covert_to: BoundedDate
    results: list[PointIn] = []
    note: str = ""
    idempotency_key: str = ""


def _finding(f: ListeningFinding) -> dict[str, Any]:
    s = f.suggestion
    return {"id": f.pk, "source": f.source, "category": f.category, "text": f.text,
            "suggestion": {"number": s.number, "state": s.state, "due_on": s.due_on.isoformat(),
                           "department": s.department.name if s.department else None}}


def _session(s: ExperienceSession) -> dict[str, Any]:
    return {"id": s.pk, "officer": str(s.officer), "hall": s.hall.code, "service": s.service,
            "item": s.item.code if s.item else None, "held_on": s.held_on.isoformat(), "note": s.note,
            "findings": [_finding(f) for f in s.findings.all()]}


def _booking(b: Booking) -> dict[str, Any]:
    return {"id": b.pk, "day": b.day_id, "held_on": b.day.held_on.isoformat(), "slot": str(b.slot),
            "status": b.status}


def _visit(v: MysteryVisit) -> dict[str, Any]:
    return {"id": v.pk, "agency": v.agency.name, "hall": v.hall.code, "covert_from": v.covert_from.isoformat(),
            "covert_to": v.covert_to.isoformat(), "inspection": v.inspection.number,
            "findings": [{"id": f.pk, "message": f.message, "state": f.state}
                         for f in getattr(v, "found", [])]}


# ------------------------------------------------------------------ forums


@router.get("forums", summary="群众座谈会")
@allow(*MANAGERS)
def forums(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": f.pk, "held_on": f.held_on.isoformat(), "topic": f.topic, "hall": f.hall.code,
             "host_department": f.host_department.name, "participants": f.participants,
             "findings": f.finding_count} for f in selectors.forums()[:200]]  # type: ignore[attr-defined]


@router.post("forums", response={201: dict, 200: dict}, summary="登记座谈会")
@allow(*MANAGERS)
def forum_create(request: HttpRequest, payload: ForumIn) -> Status:
    forum, created = voice.forum_create(hall_id=payload.hall, held_on=payload.held_on, topic=payload.topic,
                                        department_id=payload.host_department, participants=payload.participants,
                                        minutes=payload.minutes, actor=request.user,
                                        idempotency_key=_key(request, payload.idempotency_key))
    return _made(created, {"id": forum.pk, "topic": forum.topic})


@router.get("forums/{forum_id}", summary="座谈会及其问题的转办情况")
@allow(*MANAGERS)
def forum_detail(request: HttpRequest, forum_id: Id) -> dict[str, Any]:
    forum = selectors.forum_detail(forum_id)
    if forum is None:
        raise NotFound(_("没有这次座谈会"), field="forum")
    return {"id": forum.pk, "held_on": forum.held_on.isoformat(), "topic": forum.topic, "hall": forum.hall.code,
            "host_department": forum.host_department.name, "participants": forum.participants,
            "minutes": forum.minutes, "findings": [_finding(f) for f in forum.findings.all()]}


@router.post("forums/{forum_id}/findings", response={201: dict, 200: dict}, summary="登记座谈问题并转办")
@allow(*MANAGERS)
def forum_finding(request: HttpRequest, forum_id: Id, payload: FindingIn) -> Status:
    finding, created = voice.forum_add_finding(forum_id=forum_id, issue=voice.IssueInput(payload.category,
                                                                                         payload.text),
                                               actor=request.user,
                                               idempotency_key=_key(request, payload.idempotency_key))
    return _made(created, _finding(finding))


# ------------------------------------------------------------------ experience officers


@router.get("officers", summary="体验官（姓名脱敏）")
@allow(*MANAGERS)
def officers(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": o.pk, "name": str(o), "hall": o.hall.code, "enrolled_on": o.enrolled_on.isoformat(),
             "has_account": o.user_id is not None, "sessions": o.session_count}  # type: ignore[attr-defined]
            for o in selectors.officers()]


@router.post("officers", response={201: dict}, summary="聘任体验官")
@allow(*MANAGERS)
def officer_enrol(request: HttpRequest, payload: OfficerIn) -> Status:
    o = voice.officer_enrol(name=payload.name, hall_id=payload.hall, username=payload.username,
                            enrolled_on=payload.enrolled_on, actor=request.user)
    return Status(201, {"id": o.pk, "name": str(o)})


@router.get("experience/sessions", summary="体验记录：体验官看本人的，管理人员看全部")
@allow(Role.CITIZEN, *MANAGERS)
def sessions(request: HttpRequest) -> list[dict[str, Any]]:
    if has_role(request.user, *MANAGERS):
        listed = selectors.sessions()
    else:
        officer = voice.officer_of(request.user)
        if officer is None:
            return []
        listed = selectors.sessions(officer=officer)
    return [_session(s) for s in listed[:200]]


@router.post("experience/sessions", response={201: dict, 200: dict}, summary="提交体验记录及发现的问题")
@allow(Role.CITIZEN, *MANAGERS)
def session_submit(request: HttpRequest, payload: SessionIn) -> Status:
    session, created = voice.session_submit(
        hall_id=payload.hall, service=payload.service, held_on=payload.held_on, note=payload.note,
        item_code=payload.item, officer_id=payload.officer,
        issues=[voice.IssueInput(i.category, i.text) for i in payload.issues], actor=request.user,
        idempotency_key=_key(request, payload.idempotency_key))
    return _made(created, _session(selectors.sessions().get(pk=session.pk)))


# ------------------------------------------------------------------ reception days


@router.get("reception/days", summary="近期局领导接访日与余位（不含预约人信息）")
@allow(PUBLIC)
def reception_days(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": d.pk, "held_on": d.held_on.isoformat(), "leader_title": d.leader_title,
             "department": d.department.name, "hall": d.hall.code,
             "slots": [{"id": s.pk, "starts_at": s.starts_at.strftime("%H:%M"), "ends_at": s.ends_at.strftime("%H:%M"),
                        "capacity": s.capacity, "free": s.free} for s in d.slots.all()]}
            for d in selectors.reception_days(upcoming=True)]


@router.post("reception/days", response={201: dict, 200: dict}, summary="发布局领导接访日")
@allow(*MANAGERS)
def reception_day_publish(request: HttpRequest, payload: DayIn) -> Status:
    day, created = reception_services.day_publish(
        hall_id=payload.hall, held_on=payload.held_on, leader_title=payload.leader_title,
        department_id=payload.department,
        slots=[reception_services.SlotInput(s.starts_at, s.ends_at, s.capacity) for s in payload.slots],
        actor=request.user, idempotency_key=_key(request, payload.idempotency_key))
    return _made(created, {"id": day.pk, "slots": [s.pk for s in day.slots.order_by("starts_at")]})


@router.get("reception/days/{day_id}/bookings", summary="接访日的预约（预约人姓名脱敏）")
@allow(*DESK)
def day_bookings(request: HttpRequest, day_id: Id) -> dict[str, Any]:
    day = selectors.day_bookings(day_id)
    if day is None:
        raise NotFound(_("没有这个接访日"), field="day")
    return {"id": day.pk, "held_on": day.held_on.isoformat(), "bookings": [
        {**_booking(b), "citizen": selectors.citizen_label(b), "findings": [_finding(f) for f in b.findings.all()]}
        for b in day.bookings.all()]}


@router.post("reception/bookings", response={201: dict, 200: dict}, summary="预约接访时段")
@allow(Role.CITIZEN)
def booking_create(request: HttpRequest, payload: BookingIn) -> Status:
    booking, created = reception_services.booking_create(slot_id=payload.slot, actor=request.user,
                                                         idempotency_key=_key(request, payload.idempotency_key))
    return _made(created, _booking(booking))


@router.get("reception/bookings/mine", summary="我的接访预约")
@allow(Role.CITIZEN)
def my_bookings(request: HttpRequest) -> list[dict[str, Any]]:
    return [_booking(b) for b in selectors.my_bookings(request.user)[:100]]


@router.post("reception/bookings/{booking_id}/cancel", summary="取消本人的预约")
@allow(Role.CITIZEN)
def booking_cancel(request: HttpRequest, booking_id: Id) -> dict[str, Any]:
    return _booking(reception_services.booking_cancel(booking_id=booking_id, actor=request.user))


@router.post("reception/bookings/{booking_id}/attended", summary="登记已接访")
@allow(*DESK)
def booking_attended(request: HttpRequest, booking_id: Id) -> dict[str, Any]:
    return _booking(reception_services.booking_mark(booking_id=booking_id, attended=True, actor=request.user))


@router.post("reception/bookings/{booking_id}/no_show", summary="登记未到")
@allow(*DESK)
def booking_no_show(request: HttpRequest, booking_id: Id) -> dict[str, Any]:
    return _booking(reception_services.booking_mark(booking_id=booking_id, attended=False, actor=request.user))


@router.post("reception/bookings/{booking_id}/issue", response={201: dict, 200: dict},
             summary="登记接访中反映的问题并转办")
@allow(*DESK)
def booking_issue(request: HttpRequest, booking_id: Id, payload: FindingIn) -> Status:
    finding, created = reception_services.booking_route_issue(
        booking_id=booking_id, category=payload.category, text=payload.text, actor=request.user,
        idempotency_key=_key(request, payload.idempotency_key))
    return _made(created, _finding(finding))


# ------------------------------------------------------------------ 蹲守


@router.get("mystery/agencies", summary="第三方机构")
@allow(*MANAGERS)
def agencies(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": a.pk, "name": a.name, "contract_start": a.contract_start.isoformat(),
             "contract_end": a.contract_end.isoformat(), "visits": a.visit_count}  # type: ignore[attr-defined]
            for a in selectors.agencies()]


@router.post("mystery/agencies", response={201: dict, 200: dict}, summary="登记第三方机构")
@allow(*MANAGERS)
def agency_save(request: HttpRequest, payload: AgencyIn) -> Status:
    agency, created = mystery_services.agency_save(name=payload.name, contract_start=payload.contract_start,
                                                   contract_end=payload.contract_end, actor=request.user)
    return _made(created, {"id": agency.pk, "name": agency.name})


@router.get("mystery/visits", summary="蹲守记录及其发现的问题")
@allow(*MANAGERS)
def visits(request: HttpRequest) -> list[dict[str, Any]]:
    return [_visit(v) for v in selectors.visits()]


@router.post("mystery/visits", response={201: dict, 200: dict}, summary="登记一次蹲守（记为现场检查）")
@allow(*MANAGERS)
def visit_record(request: HttpRequest, payload: VisitIn) -> Status:
    visit, created = mystery_services.visit_record(
        agency_id=payload.agency, hall_id=payload.hall, covert_from=payload.covert_from,
        covert_to=payload.covert_to, note=payload.note, actor=request.user,
        results=[mystery_services.PointResult(r.code, r.passed, r.note) for r in payload.results],
        idempotency_key=_key(request, payload.idempotency_key))
    listed = {v.pk: v for v in selectors.visits()}
    return _made(created, _visit(listed[visit.pk]))


# ------------------------------------------------------------------ figures


@router.get("figures", summary="听民声问题按来源与办理状态统计（含公式）")
@allow(*MANAGERS)
def figures(request: HttpRequest, since: str = "", until: str = "") -> dict[str, Any]:
    return selectors.findings_figures(since=date_param(since, "since"), until=date_param(until, "until"))
