"""Leader reception days (局领导在大厅接访): a manager publishes a day with time slots; a signed-in citizen books a
place (one active booking per person per day, capacity held by a conditional update checked by row count),
cancels their own; hall staff mark attended or no-show and route the issue raised as a suggestion.

    booked ──cancel──▶ cancelled          booked ──attend──▶ attended          booked ──no_show──▶ no_show
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.core.access import Role, has_role
from onewindow.core.actors import Actor, actor_user
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict, FieldProblem, Forbidden, NotFound, ServiceError, collect
from onewindow.core.events import record_event, transition
from onewindow.hall.models import Hall
from onewindow.listening.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    FindingSource,
    ListeningFinding,
    ReceptionDay,
    ReceptionSlot,
)
from onewindow.listening.services.common import Keyed, clean_text, day_start, require_manager, route_finding

HALL_STAFF = (Role.CLERK, Role.SUPERVISOR, Role.DEPARTMENT_HEAD)
MAX_SLOTS = 12


@dataclass(frozen=True)
class SlotInput:
    starts_at: dt.time
    ends_at: dt.time
    capacity: int


def _slot_problems(slots: list[SlotInput]) -> list[FieldProblem]:
    if not slots or len(slots) > MAX_SLOTS:
        return [FieldProblem("slots", _("请设置1至12个接访时段"))]
    for s in slots:
        if s.ends_at <= s.starts_at:
            return [FieldProblem("slots", _("时段结束时间应晚于开始时间"))]
        if not 1 <= s.capacity <= 100:
            return [FieldProblem("slots", _("每个时段名额应为1至100"))]
    return []


def day_publish(*, hall_id: int, held_on: dt.date | None, leader_title: str, department_id: int,
                slots: list[SlotInput], actor: Actor, idempotency_key: str | None = None,
                allow_past: bool = False) -> tuple[ReceptionDay, bool]:
    """Publish a reception day with its slots. `allow_past` is for recording days already held (demo, import)."""
    require_manager(actor)
    body = {"hall": hall_id, "held_on": held_on, "leader": leader_title, "department": department_id,
            "slots": [(s.starts_at, s.ends_at, s.capacity) for s in slots]}
    keyed = Keyed(idempotency_key, actor, body)
    found = keyed.existing(ReceptionDay)
    if found is not None:
        return found, False
    problems: list[FieldProblem] = []
    hall = Hall.objects.filter(pk=hall_id).first() if hall_id else None
    if hall is None:
        problems.append(FieldProblem("hall", _("请选择大厅")))
    department = Department.objects.filter(pk=department_id).first() if department_id else None
    if department is None:
        problems.append(FieldProblem("department", _("请选择接访领导所在单位")))
    if held_on is None:
        problems.append(FieldProblem("held_on", _("请填写接访日期")))
    elif held_on < clock.today() and not allow_past:
        problems.append(FieldProblem("held_on", _("接访日期不能早于今天")))
    try:
        leader_title = clean_text(leader_title, "leader_title", limit=100)
    except ServiceError as exc:
        problems.extend(exc.problems)
    problems.extend(_slot_problems(slots))
    collect(problems, _("接访日信息有误"))
    assert hall is not None and department is not None and held_on is not None
    try:
        with transaction.atomic():
            day = ReceptionDay.objects.create(hall=hall, held_on=held_on, leader_title=leader_title,
                                              department=department, published_by=actor_user(actor),
                                              published_at=clock.now(), **keyed.columns())
            ReceptionSlot.objects.bulk_create([ReceptionSlot(day=day, starts_at=s.starts_at, ends_at=s.ends_at,
                                                             capacity=s.capacity) for s in slots])
            audit_log(actor=actor, action="listening.reception_day_publish", target=day,
                      detail={"held_on": held_on.isoformat(), "slots": len(slots)})
    except IntegrityError:
        again = keyed.existing(ReceptionDay)
        if again is None:
            raise
        return again, False
    return day, True


def booking_create(*, slot_id: int, actor: Actor, idempotency_key: str | None = None,
                   allow_past: bool = False) -> tuple[Booking, bool]:
    """Book a place in a slot for the signed-in citizen. Refused (409) when the slot is full or the citizen already
    holds an active booking that day; a replay of the same key returns the first booking."""
    person = actor_user(actor)
    if person is None or not has_role(actor, Role.CITIZEN):
        raise Forbidden(_("请以办事群众账号登录后预约"), field="role")
    keyed = Keyed(idempotency_key, actor, {"slot": slot_id})
    found = keyed.existing(Booking)
    if found is not None:
        return found, False
    slot = ReceptionSlot.objects.select_related("day").filter(pk=slot_id).first() if slot_id else None
    if slot is None:
        raise NotFound(_("没有这个接访时段"), field="slot")
    if slot.day.held_on < clock.today() and not allow_past:
        raise Conflict(_("该接访日已过，不能预约"), field="slot")
    try:
        with transaction.atomic():
            if Booking.objects.filter(day=slot.day, citizen=person, status__in=["booked", "attended"]).exists():
                raise Conflict(_("您当天已有接访预约"), field="slot")
            # capacity: the place is taken only when the row still has one free (row count checked)
            taken = ReceptionSlot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
            if taken != 1:
                raise Conflict(_("该时段名额已满"), field="slot")
            now = clock.now()
            booking = Booking.objects.create(slot=slot, day=slot.day, citizen=person, created_at=now,
                                             updated_at=now, **keyed.columns())
            record_event(booking, event_model=BookingEvent, action="booked", actor=actor,
                         to_status=BookingStatus.BOOKED, at=now, correlation=keyed.key)
    except IntegrityError as exc:
        again = keyed.existing(Booking)
        if again is not None:
            return again, False
        raise Conflict(_("您当天已有接访预约"), field="slot") from exc
    return booking, True


def _locked(booking_id: int) -> Booking:
    booking = Booking.objects.select_for_update().filter(pk=booking_id).first()
    if booking is None:
        raise NotFound(_("没有这条预约"), field="booking")
    return booking


@transaction.atomic
def booking_cancel(*, booking_id: int, actor: Actor) -> Booking:
    """The citizen cancels their own booking; the place is freed."""
    booking = _locked(booking_id)
    person = actor_user(actor)
    if person is None or booking.citizen_id != person.pk:
        raise NotFound(_("没有这条预约"), field="booking")  # someone else's booking is not even named
    transition(booking, to=BookingStatus.CANCELLED, allowed_from={BookingStatus.BOOKED}, action="cancelled",
               action_label=_("取消预约"), actor=actor, event_model=BookingEvent, version_field=None)
    ReceptionSlot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    return booking


@transaction.atomic
def booking_mark(*, booking_id: int, attended: bool, actor: Actor) -> Booking:
    """Hall staff mark a booking attended or no-show (the place stays used)."""
    if not has_role(actor, *HALL_STAFF):
        raise Forbidden(_("须由大厅工作人员登记到场情况"), field="role")
    booking = _locked(booking_id)
    to = BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW
    return transition(booking, to=to, allowed_from={BookingStatus.BOOKED}, action=str(to),
                      action_label=_("登记已接访") if attended else _("登记未到"), actor=actor,
                      event_model=BookingEvent, version_field=None)


def booking_route_issue(*, booking_id: int, category: str, text: str, actor: Actor,
                        idempotency_key: str | None = None) -> tuple[ListeningFinding, bool]:
    """The issue raised at an attended reception, routed as a suggestion (channel 局领导接访)."""
    if not has_role(actor, *HALL_STAFF):
        raise Forbidden(_("须由大厅工作人员登记接访问题"), field="role")
    keyed = Keyed(idempotency_key, actor, {"booking": booking_id, "category": category, "text": text})
    found = keyed.existing(ListeningFinding)
    if found is not None:
        return found, False
    booking = Booking.objects.select_related("day").filter(pk=booking_id).first()
    if booking is None:
        raise NotFound(_("没有这条预约"), field="booking")
    if booking.status != BookingStatus.ATTENDED:
        raise Conflict(_("只有已接访的预约可以登记问题"), field="booking")
    with transaction.atomic():
        finding = route_finding(source=FindingSource.RECEPTION, category=category, text=text, actor=actor,
                                received_at=day_start(booking.day.held_on), origin={"booking": booking},
                                keyed=keyed)
        audit_log(actor=actor, action="listening.reception_issue", target=finding,
                  detail={"booking": booking.pk, "suggestion": finding.suggestion.number})
    return finding, True
