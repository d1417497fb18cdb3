"""Appointments: book a place in a slot, cancel it, check in at the kiosk (a ticket), expire the unused ones."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.core.errors import Conflict, NotFound, ServiceError
from onewindow.core.events import record_event, transition
from onewindow.core.validators import validate_mobile
from onewindow.hall import config
from onewindow.hall.hours import hall_local, hall_tz
from onewindow.hall.models import (
    Appointment,
    AppointmentEvent,
    AppointmentSlot,
    AppointmentStatus,
    Hall,
    Priority,
    PriorityReason,
    Ticket,
    TicketSource,
)
from onewindow.hall.services.lookups import get_hall
from onewindow.hall.services.queue import IssuedTicket, create_ticket, issued, require_open


def _slot_start(slot: AppointmentSlot) -> dt.datetime:
    return dt.datetime.combine(slot.date, slot.start, tzinfo=hall_tz(slot.hall))


def _new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(8))


def _move(appointment: Appointment, *, to: AppointmentStatus, actor: Actor, changes: dict[str, object] | None = None
          ) -> Appointment:
    """booked → `to` (the action is named after the status it reaches), with its event and audit entry."""
    return transition(appointment, to=to, allowed_from={AppointmentStatus.BOOKED}, action=to.value,
                      action_label=to.label, actor=actor, event_model=AppointmentEvent, changes=changes,
                      version_field=None, timestamp_field=None)


def _unused_code() -> str:
    for _attempt in range(5):
        code = _new_code()
        if not Appointment.objects.filter(code=code).exists():
            return code
    # five collisions in a row: refuse cleanly (nothing written) rather than fail on the UNIQUE index
    raise Conflict(_("预约繁忙，请重试"), field="slot")


def appointment_book(*, slot_id: int, citizen: Actor, phone: str, note: str = "") -> Appointment:
    """Book one place in a slot. The slot's booked count rises by a conditional update, so capacity
    is never exceeded however many people book at once."""
    try:
        phone = validate_mobile(phone)
    except ValidationError:
        raise ServiceError(_("请填写正确的手机号"), field="phone") from None
    slot = AppointmentSlot.objects.select_related("hall", "category").filter(pk=slot_id).first()
    if slot is None:
        raise ServiceError(_("预约时段不存在"), field="slot")
    now = clock.now()
    if _slot_start(slot) <= now:
        raise ServiceError(_("该时段已开始，请选择之后的时段"), field="slot")
    user = actor_user(citizen)
    with transaction.atomic():
        holder = Q(citizen=user) if user else Q(phone=phone)
        if Appointment.objects.filter(holder, slot__category=slot.category, slot__date=slot.date,
                                      status=AppointmentStatus.BOOKED).exists():
            raise Conflict(_("您当天已预约该类业务，请勿重复预约"), field="slot")
        if AppointmentSlot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1) != 1:
            raise Conflict(_("该时段已约满，请选择其他时段"), field="slot")
        appointment = Appointment.objects.create(slot=slot, citizen=user, phone=phone, code=_unused_code(),
                                                 note=note[:200], created_at=now)
        record_event(appointment, event_model=AppointmentEvent, action=AppointmentStatus.BOOKED, actor=user,
                     to_status=AppointmentStatus.BOOKED, at=now)
        return appointment


def appointment_cancel(*, appointment_id: int, actor: Actor) -> Appointment:
    """The citizen who booked gives the place back (someone else's booking is not found)."""
    user = actor_user(actor)
    with transaction.atomic():
        appointment = Appointment.objects.select_related("slot").filter(pk=appointment_id).first()
        if appointment is None or user is None or appointment.citizen_id != user.pk:
            raise NotFound(_("预约不存在"), field="appointment")
        _move(appointment, to=AppointmentStatus.CANCELLED, actor=user)
        AppointmentSlot.objects.filter(pk=appointment.slot_id, booked__gt=0).update(booked=F("booked") - 1)
        return appointment


def _checked_in_ticket(appointment: Appointment, hall: Hall, at: dt.datetime) -> Ticket:
    """On time (up to the grace period after the slot starts) → a priority ticket that joins the queue at
    the slot time; later → a normal ticket from now."""
    slot = appointment.slot
    if slot.date != hall_local(hall, at).date():
        raise ServiceError(_("预约日期为 %(date)s，请在当天签到") % {"date": slot.date.isoformat()}, field="code")
    start = _slot_start(slot)
    if at <= start + dt.timedelta(minutes=config.appointment_grace_minutes()):
        priority, reason, effective = Priority.PRIORITY, PriorityReason.APPOINTMENT, start
    else:
        priority, reason, effective = Priority.NORMAL, PriorityReason.NONE, at
    return create_ticket(hall=hall, category=slot.category, at=at, priority=priority, priority_reason=reason,
                         source=TicketSource.APPOINTMENT, effective_time=effective, service_label=appointment.note,
                         citizen=appointment.citizen, phone=appointment.phone)


def appointment_check_in(*, hall: Hall | str | int, code: str) -> IssuedTicket:
    """Check in at the kiosk with the booking code: the booking becomes a ticket (see `_checked_in_ticket`)."""
    hall = get_hall(hall)
    code = (code or "").strip()
    if not code:
        raise ServiceError(_("请输入预约码"), field="code")
    at = clock.now()
    require_open(hall, at)
    with transaction.atomic():
        appointment = (Appointment.objects.select_for_update().select_related("slot__category__category", "slot__hall")
                       .filter(code=code, slot__hall=hall).first())
        if appointment is None:
            raise ServiceError(_("预约码不正确"), field="code")
        # the status is checked before the day: a used or expired code says so, whatever its date
        _move(appointment, to=AppointmentStatus.CHECKED_IN, actor=None)
        ticket = _checked_in_ticket(appointment, hall, at)
        Appointment.objects.filter(pk=appointment.pk).update(ticket=ticket)
        appointment.ticket = ticket
    return issued(ticket)


def appointments_expire(*, day: dt.date) -> int:
    """Mark booked appointments of days before `day` as expired (run nightly). Returns how many."""
    n = 0
    with transaction.atomic():
        for appointment in Appointment.objects.select_for_update().filter(status=AppointmentStatus.BOOKED,
                                                                          slot__date__lt=day):
            _move(appointment, to=AppointmentStatus.EXPIRED, actor=None)
            n += 1
    return n
