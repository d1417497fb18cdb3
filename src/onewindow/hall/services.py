"""Writes for the hall. One transaction each, one append-only event per state change.

Concurrency:
- numbers come from `counter_next(scope="ticket:<hall>:<category>", day=…)`, locked per category and day;
- call-next claims the next waiting ticket with `select_for_update(skip_locked=True)` on PostgreSQL, so
  16 counters calling at once each get a different ticket without waiting on each other; on SQLite the
  project's transactions start with BEGIN IMMEDIATE (one writer at a time), so the read-then-claim inside
  the transaction is already serialized. In both cases the claim is a compare-and-swap on status, checked
  by row count, so a lost race can never hand one ticket to two counters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.audit import audit_log
from onewindow.core.counters import counter_next
from onewindow.core.errors import Conflict, Forbidden, NotFound, ServiceError
from onewindow.hall.models import (
    OPEN_STATUSES,
    Appointment,
    AppointmentEvent,
    AppointmentSlot,
    AppointmentStatus,
    ClerkSession,
    ClerkState,
    ClerkStateEvent,
    Counter,
    Hall,
    HallCategory,
    PadDevice,
    Priority,
    PriorityReason,
    Ticket,
    TicketApplication,
    TicketEvent,
    TicketEventKind,
    TicketSource,
    TicketStatus,
)


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, "ONEWINDOW", {}).get(name, default)


# --------------------------------------------------------------------------- opening hours


def hall_local(hall: Hall, at: dt.datetime) -> dt.datetime:
    return at.astimezone(ZoneInfo(hall.timezone or "Asia/Shanghai"))


def hall_open_periods(hall: Hall, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    """The opening periods of `day` (empty when closed): weekday hours minus the lunch break.

    Statutory holidays close the hall; a make-up working day (调休) on a weekend opens with Monday's hours.
    """
    weekday = day.weekday()
    try:
        from onewindow.core.calendar import is_workday

        workday = is_workday(day)
    except Exception:  # noqa: BLE001 - the calendar is optional for opening hours
        workday = weekday < 5
    if weekday < 5 and not workday:
        return []
    if weekday >= 5 and workday:
        weekday = 0
    hours = {h.weekday: h for h in hall.opening_hours.all()}
    row = hours.get(weekday)
    if row is None:
        return []
    if hall.no_lunch_break or not hall.lunch_start or not hall.lunch_end:
        return [(row.opens, row.closes)]
    periods = []
    if row.opens < hall.lunch_start:
        periods.append((row.opens, min(row.closes, hall.lunch_start)))
    if row.closes > hall.lunch_end:
        periods.append((max(row.opens, hall.lunch_end), row.closes))
    return periods


def hall_is_open(hall: Hall, at: dt.datetime) -> bool:
    local = hall_local(hall, at)
    t = local.time()
    return any(a <= t < b for a, b in hall_open_periods(hall, local.date()))


def hours_text(hall: Hall, day: dt.date) -> str:
    periods = hall_open_periods(hall, day)
    if not periods:
        return _("今日不开放")
    return "、".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in periods)


def _require_open(hall: Hall, at: dt.datetime) -> None:
    if not hall_is_open(hall, at):
        local = hall_local(hall, at)
        raise ServiceError(
            _("%(hall)s 当前不在开放时间，不能取号。今日开放时间：%(hours)s")
            % {"hall": hall.name, "hours": hours_text(hall, local.date())},
            field="time",
        )


# --------------------------------------------------------------------------- lookups


def _hall(hall: Hall | str | int) -> Hall:
    if isinstance(hall, Hall):
        return hall
    qs = Hall.objects.filter(active=True)
    found = qs.filter(pk=hall).first() if isinstance(hall, int) or str(hall).isdigit() else qs.filter(code=hall).first()
    if found is None:
        raise NotFound(_("大厅不存在"), field="hall")
    return found


def _hall_category(hall: Hall, category: str | int | HallCategory) -> HallCategory:
    if isinstance(category, HallCategory):
        if category.hall_id != hall.pk:
            raise ServiceError(_("该大厅没有此窗口类别"), field="category")
        return category
    qs = HallCategory.objects.select_related("category").filter(hall=hall, active=True)
    text = str(category)
    found = (qs.filter(category__code=text).first() or qs.filter(prefix=text.upper()).first()
             or (qs.filter(pk=int(text)).first() if text.isdigit() else None))
    if found is None:
        raise ServiceError(_("请选择本大厅的窗口类别"), field="category")
    return found


def _open_session(counter: Counter, actor: Any) -> ClerkSession:
    # locked: two clicks on "call next" at one counter run one after the other (other counters are not held up)
    session = ClerkSession.objects.select_for_update().filter(counter=counter, ended_at__isnull=True).first()
    if session is None:
        raise Conflict(_("%(counter)s 尚未签入，请先在窗口签入") % {"counter": counter}, field="counter")
    if actor is not None and session.clerk_id != getattr(actor, "pk", None):
        raise Forbidden(_("该窗口由其他受理人员签入"), field="counter")
    return session


def _counter(counter: Counter | int) -> Counter:
    if isinstance(counter, Counter):
        return counter
    found = Counter.objects.select_related("hall").filter(pk=counter, active=True).first()
    if found is None:
        raise NotFound(_("窗口不存在"), field="counter")
    return found


def _event(ticket: Ticket, kind: str, at: dt.datetime, *, counter: Counter | None = None, clerk_id: int | None = None,
           from_category: HallCategory | None = None, to_category: HallCategory | None = None,
           note: str = "") -> TicketEvent:
    return TicketEvent.objects.create(ticket=ticket, kind=kind, at=at, counter=counter, clerk_id=clerk_id,
                                      from_category=from_category, to_category=to_category, note=note[:200])


def _set_clerk_state(session: ClerkSession, state: str, at: dt.datetime) -> None:
    if session.state == state:
        return
    updated = ClerkSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(state=state)
    if updated:
        session.state = state
        ClerkStateEvent.objects.create(session=session, state=state, at=at)


# --------------------------------------------------------------------------- issue


@dataclass(frozen=True)
class IssuedTicket:
    ticket: Ticket
    ahead: int
    wait_minutes: int


def _new_token() -> str:
    return secrets.token_urlsafe(12)


def _create_ticket(*, hall: Hall, category: HallCategory, at: dt.datetime, priority: int, priority_reason: str,
                   source: str, effective_time: dt.datetime, bundle_code: str = "", service_label: str = "",
                   citizen: Any = None, phone: str = "") -> Ticket:
    day = hall_local(hall, at).date()
    seq = counter_next(scope=f"ticket:{hall.pk}:{category.pk}", day=day)
    ticket = Ticket.objects.create(
        hall=hall, category=category, issued_category=category, day=day, seq=seq,
        number=f"{category.prefix}{seq:03d}", token=_new_token(), priority=priority,
        priority_reason=priority_reason, source=source, issued_at=at, effective_time=effective_time,
        bundle_code=bundle_code[:60], service_label=service_label[:200],
        citizen=citizen if getattr(citizen, "is_authenticated", False) else None, phone=phone[:20],
    )
    _event(ticket, TicketEventKind.ISSUED, at, to_category=category)
    return ticket


def _bundle_category(hall: Hall, bundle: str) -> tuple[HallCategory, str, str]:
    """A bundle chosen at the kiosk maps to its window category (bundles.Bundle when it exists)."""
    try:
        from django.apps import apps

        Bundle = apps.get_model("bundles", "Bundle")
    except LookupError:
        raise ServiceError(_("暂不支持按一件事取号，请选择窗口类别"), field="bundle") from None
    qs = Bundle.objects.all()
    found = qs.filter(code=bundle).first() if hasattr(Bundle, "code") else None
    if found is None and str(bundle).isdigit():
        found = qs.filter(pk=int(bundle)).first()
    if found is None:
        raise ServiceError(_("一件事不存在"), field="bundle")
    category_id = getattr(found, "window_category_id", None)
    if category_id is None:
        raise ServiceError(_("该一件事未设置受理窗口类别，请选择窗口类别"), field="bundle")
    hc = HallCategory.objects.select_related("category").filter(hall=hall, category_id=category_id, active=True).first()
    if hc is None:
        raise ServiceError(_("本大厅不受理该一件事"), field="bundle")
    return hc, getattr(found, "code", str(found.pk)), getattr(found, "name", str(found))


def ticket_issue(*, hall: Hall | str | int, category: str | int | HallCategory | None = None, bundle: str = "",
                 priority_reason: str = "", source: str = TicketSource.KIOSK, service_label: str = "",
                 citizen: Any = None, phone: str = "") -> IssuedTicket:
    """Take a number at the kiosk or from a phone. Refused outside the hall's opening hours."""
    hall = _hall(hall)
    if priority_reason not in (PriorityReason.NONE, PriorityReason.ELDERLY, PriorityReason.DISABLED,
                               PriorityReason.PREGNANT):
        raise ServiceError(_("绿色通道类型无效"), field="priority_reason")
    if source not in (TicketSource.KIOSK, TicketSource.PHONE, TicketSource.COUNTER):
        raise ServiceError(_("取号来源无效"), field="source")
    bundle_code = ""
    if bundle:
        hc, bundle_code, bundle_name = _bundle_category(hall, bundle)
        service_label = service_label or bundle_name
    elif category:
        hc = _hall_category(hall, category)
    else:
        raise ServiceError(_("请选择窗口类别或一件事"), field="category")
    if source == TicketSource.PHONE:
        from onewindow.core.validators import validate_mobile

        try:
            phone = validate_mobile(phone)
        except Exception:  # noqa: BLE001
            raise ServiceError(_("请填写正确的手机号"), field="phone") from None
        if Ticket.objects.filter(hall=hall, day=hall_local(hall, clock.now()).date(), phone=phone,
                                 status__in=OPEN_STATUSES).exists():
            raise Conflict(_("该手机号今日已有未办结的号，请勿重复取号"), field="phone")
    at = clock.now()
    _require_open(hall, at)
    priority = Priority.PRIORITY if priority_reason else Priority.NORMAL
    with transaction.atomic():
        ticket = _create_ticket(hall=hall, category=hc, at=at, priority=priority, priority_reason=priority_reason,
                                source=source, effective_time=at, bundle_code=bundle_code,
                                service_label=service_label, citizen=citizen, phone=phone)
    from onewindow.hall.selectors import ticket_position

    pos = ticket_position(ticket)
    return IssuedTicket(ticket=ticket, ahead=pos.ahead, wait_minutes=pos.wait_minutes)


def ticket_cancel(*, token: str, actor: Any = None) -> Ticket:
    """The holder gives up a waiting ticket (from the follow page)."""
    with transaction.atomic():
        ticket = Ticket.objects.filter(token=token).first()
        if ticket is None:
            raise NotFound(_("号码不存在"), field="ticket")
        at = clock.now()
        if Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING).update(status=TicketStatus.CANCELLED) != 1:
            raise Conflict(_("该号已叫号或已结束，不能取消"), field="ticket")
        ticket.status = TicketStatus.CANCELLED
        _event(ticket, TicketEventKind.CANCELLED, at,
               clerk_id=actor.pk if getattr(actor, "is_authenticated", False) else None)
        return ticket


# --------------------------------------------------------------------------- call next and the counter


def _current_ticket(counter: Counter) -> Ticket | None:
    return (Ticket.objects.select_related("category__category")
            .filter(counter=counter, status__in=(TicketStatus.CALLED, TicketStatus.SERVING))
            .order_by("-id").first())


def counter_call_next(*, counter: Counter | int, actor: Any) -> Ticket | None:
    """Call the next ticket for this counter: highest priority, then earliest effective time, among the
    categories the counter serves (and tickets transferred to this counter). None when nobody waits."""
    counter = _counter(counter)
    skills = list(counter.categories.values_list("pk", flat=True))
    if not skills:
        raise ServiceError(_("该窗口未设置受理类别"), field="counter")
    postgres = connection.vendor == "postgresql"
    for _attempt in range(5):
        with transaction.atomic():
            session = _open_session(counter, actor)
            if _current_ticket(counter) is not None:
                raise Conflict(_("请先办结或过号当前的号，再叫下一位"), field="ticket")
            at = clock.now()
            queue = (Ticket.objects
                     .filter(hall_id=counter.hall_id, status=TicketStatus.WAITING, effective_time__lte=at)
                     .filter(Q(category_id__in=skills, target_counter__isnull=True) | Q(target_counter=counter))
                     .order_by("-priority", "effective_time", "id"))
            if postgres:
                queue = queue.select_for_update(skip_locked=True, of=("self",))
            ticket = queue.only("pk").first()
            if ticket is None:
                return None
            claimed = Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING).update(
                status=TicketStatus.CALLED, counter=counter, clerk_id=session.clerk_id, target_counter=None)
            if claimed != 1:
                continue  # another counter got there first (only possible without row locks): try the next one
            ticket = Ticket.objects.select_related("category__category", "counter").get(pk=ticket.pk)
            _event(ticket, TicketEventKind.CALLED, at, counter=counter, clerk_id=session.clerk_id)
            _set_clerk_state(session, ClerkState.SERVING, at)
            return ticket
    raise Conflict(_("叫号繁忙，请重试"), field="counter")


def _require_current(counter: Counter, actor: Any, *statuses: str) -> tuple[ClerkSession, Ticket]:
    session = _open_session(counter, actor)
    ticket = (Ticket.objects.select_related("category__category", "counter")
              .select_for_update(of=("self",) if connection.features.has_select_for_update_of else ())
              .filter(counter=counter, status__in=statuses).order_by("-id").first())
    if ticket is None:
        raise Conflict(_("当前窗口没有可操作的号"), field="ticket")
    return session, ticket


def ticket_recall(*, counter: Counter | int, actor: Any) -> Ticket:
    """Call the current ticket again (the board speaks it once more)."""
    counter = _counter(counter)
    with transaction.atomic():
        session, ticket = _require_current(counter, actor, TicketStatus.CALLED)
        _event(ticket, TicketEventKind.RECALLED, clock.now(), counter=counter, clerk_id=session.clerk_id)
        return ticket


def ticket_start(*, counter: Counter | int, actor: Any) -> Ticket:
    counter = _counter(counter)
    with transaction.atomic():
        session, ticket = _require_current(counter, actor, TicketStatus.CALLED)
        at = clock.now()
        Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.SERVING)
        ticket.status = TicketStatus.SERVING
        _event(ticket, TicketEventKind.STARTED, at, counter=counter, clerk_id=session.clerk_id)
        return ticket


def ticket_finish(*, counter: Counter | int, actor: Any, items_handled: str = "") -> Ticket:
    """Finish the current ticket; the counter's rating pad then shows the prompt for this service."""
    counter = _counter(counter)
    with transaction.atomic():
        session, ticket = _require_current(counter, actor, TicketStatus.CALLED, TicketStatus.SERVING)
        at = clock.now()
        items = (items_handled or ticket.service_label or "").strip()[:400]
        Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.FINISHED, items_handled=items)
        ticket.status = TicketStatus.FINISHED
        ticket.items_handled = items
        _event(ticket, TicketEventKind.FINISHED, at, counter=counter, clerk_id=session.clerk_id, note=items)
        _set_clerk_state(session, ClerkState.AVAILABLE, at)
        return ticket


def ticket_no_show(*, counter: Counter | int, actor: Any, policy: str | None = None) -> Ticket:
    """The called person did not come. Policy ONEWINDOW["NO_SHOW_POLICY"]: "requeue_once" puts the ticket
    back at the end of its queue the first time (顺延), "close" ends it."""
    counter = _counter(counter)
    policy = policy or _setting("NO_SHOW_POLICY", "requeue_once")
    if policy not in ("requeue_once", "close"):
        raise ServiceError(_("过号处理方式配置无效"), field="NO_SHOW_POLICY")
    with transaction.atomic():
        session, ticket = _require_current(counter, actor, TicketStatus.CALLED)
        at = clock.now()
        if policy == "requeue_once" and ticket.requeue_count < 1:
            Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.WAITING, counter=None, clerk=None,
                                                       requeue_count=F("requeue_count") + 1, effective_time=at)
            ticket.refresh_from_db()
            _event(ticket, TicketEventKind.REQUEUED, at, counter=counter, clerk_id=session.clerk_id)
        else:
            Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.NO_SHOW)
            ticket.status = TicketStatus.NO_SHOW
            _event(ticket, TicketEventKind.NO_SHOW, at, counter=counter, clerk_id=session.clerk_id)
        _set_clerk_state(session, ClerkState.AVAILABLE, at)
        return ticket


def ticket_transfer(*, counter: Counter | int, actor: Any, to_category: str | int | None = None,
                    to_counter: int | None = None, note: str = "") -> Ticket:
    """Send the current ticket to another category's queue or to one counter. It keeps its number and
    its place (its effective time stays the original issue/appointment time)."""
    counter = _counter(counter)
    with transaction.atomic():
        session, ticket = _require_current(counter, actor, TicketStatus.CALLED, TicketStatus.SERVING)
        hall = counter.hall
        target_counter = None
        new_category = ticket.category
        if to_counter:
            target_counter = Counter.objects.filter(pk=to_counter, hall=hall, active=True).first()
            if target_counter is None:
                raise ServiceError(_("目标窗口不存在"), field="to_counter")
            if target_counter.pk == counter.pk:
                raise ServiceError(_("不能转给本窗口"), field="to_counter")
        if to_category:
            new_category = _hall_category(hall, to_category)
        if target_counter is None and new_category.pk == ticket.category_id:
            raise ServiceError(_("请选择要转入的其他类别或窗口"), field="to_category")
        at = clock.now()
        from_category = ticket.category
        Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.WAITING, category=new_category, counter=None,
                                                   clerk=None, target_counter=target_counter)
        ticket.refresh_from_db()
        label = f"→ {target_counter}" if target_counter else ""
        _event(ticket, TicketEventKind.TRANSFERRED, at, counter=counter, clerk_id=session.clerk_id,
               from_category=from_category, to_category=new_category, note=(note or label))
        _set_clerk_state(session, ClerkState.AVAILABLE, at)
        return ticket


def ticket_link_application(*, ticket_id: int, application_id: int, actor: Any) -> None:
    """Link a ticket to an application the clerk created from it at the counter (called by cases)."""
    from onewindow.cases.models import Application

    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound(_("号码不存在"), field="ticket")
    if not Application.objects.filter(pk=application_id).exists():
        raise NotFound(_("申请不存在"), field="application")
    with transaction.atomic():
        try:
            with transaction.atomic():
                TicketApplication.objects.create(ticket=ticket, application_id=int(application_id),
                                                 linked_at=clock.now(),
                                                 linked_by=actor if getattr(actor, "is_authenticated", False) else None)
        except IntegrityError:
            return  # already linked: idempotent
        audit_log(actor=actor, action="hall.ticket_link_application", target=ticket,
                  detail={"application_id": int(application_id)})


# --------------------------------------------------------------------------- clerk sessions


def clerk_session_start(*, counter: Counter | int, clerk: Any) -> ClerkSession:
    counter = _counter(counter)
    if not getattr(clerk, "is_authenticated", False):
        raise Forbidden(_("请先登录"))
    with transaction.atomic():
        mine = ClerkSession.objects.filter(clerk=clerk, ended_at__isnull=True).first()
        if mine is not None:
            if mine.counter_id == counter.pk:
                return mine
            raise Conflict(_("您已在 %(counter)s 签入，请先签出") % {"counter": mine.counter}, field="counter")
        if ClerkSession.objects.filter(counter=counter, ended_at__isnull=True).exists():
            raise Conflict(_("%(counter)s 已有人员签入") % {"counter": counter}, field="counter")
        at = clock.now()
        try:
            with transaction.atomic():
                session = ClerkSession.objects.create(counter=counter, clerk=clerk, state=ClerkState.AVAILABLE,
                                                      started_at=at)
        except IntegrityError:
            raise Conflict(_("%(counter)s 已有人员签入") % {"counter": counter}, field="counter") from None
        ClerkStateEvent.objects.create(session=session, state=ClerkState.AVAILABLE, at=at)
        return session


def clerk_session_set_state(*, clerk: Any, state: str) -> ClerkSession:
    if state not in (ClerkState.AVAILABLE, ClerkState.BREAK, ClerkState.AWAY):
        raise ServiceError(_("状态无效"), field="state")
    with transaction.atomic():
        session = ClerkSession.objects.select_for_update().filter(clerk=clerk, ended_at__isnull=True).first()
        if session is None:
            raise Conflict(_("您尚未在窗口签入"), field="counter")
        if state != ClerkState.AVAILABLE and _current_ticket(session.counter) is not None:
            raise Conflict(_("请先办结当前的号"), field="state")
        _set_clerk_state(session, state, clock.now())
        return session


def clerk_session_end(*, clerk: Any) -> ClerkSession:
    with transaction.atomic():
        session = ClerkSession.objects.select_for_update().filter(clerk=clerk, ended_at__isnull=True).first()
        if session is None:
            raise Conflict(_("您尚未在窗口签入"), field="counter")
        if _current_ticket(session.counter) is not None:
            raise Conflict(_("请先办结、转移或过号当前的号，再签出"), field="ticket")
        at = clock.now()
        ClerkSession.objects.filter(pk=session.pk).update(ended_at=at)
        session.ended_at = at
        ClerkStateEvent.objects.create(session=session, state="signed_out", at=at)
        return session


# --------------------------------------------------------------------------- appointments


def _slot_start(slot: AppointmentSlot) -> dt.datetime:
    return dt.datetime.combine(slot.date, slot.start, tzinfo=ZoneInfo(slot.hall.timezone or "Asia/Shanghai"))


def _new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(8))


def appointment_book(*, slot_id: int, citizen: Any, phone: str, note: str = "") -> Appointment:
    """Book one place in a slot. The slot's booked count rises by a conditional update, so capacity
    is never exceeded however many people book at once."""
    from onewindow.core.validators import validate_mobile

    try:
        phone = validate_mobile(phone)
    except Exception:  # noqa: BLE001
        raise ServiceError(_("请填写正确的手机号"), field="phone") from None
    slot = AppointmentSlot.objects.select_related("hall", "category").filter(pk=slot_id).first()
    if slot is None:
        raise ServiceError(_("预约时段不存在"), field="slot")
    now = clock.now()
    if _slot_start(slot) <= now:
        raise ServiceError(_("该时段已开始，请选择之后的时段"), field="slot")
    with transaction.atomic():
        holder = Q(citizen=citizen) if getattr(citizen, "is_authenticated", False) else Q(phone=phone)
        if Appointment.objects.filter(holder, slot__category=slot.category, slot__date=slot.date,
                                      status=AppointmentStatus.BOOKED).exists():
            raise Conflict(_("您当天已预约该类业务，请勿重复预约"), field="slot")
        if AppointmentSlot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1) != 1:
            raise Conflict(_("该时段已约满，请选择其他时段"), field="slot")
        for _attempt in range(5):
            code = _new_code()
            if not Appointment.objects.filter(code=code).exists():
                break
        else:  # five collisions in a row: refuse cleanly (nothing written) rather than fail on the UNIQUE index
            raise Conflict(_("预约繁忙，请重试"), field="slot")
        appointment = Appointment.objects.create(
            slot=slot, citizen=citizen if getattr(citizen, "is_authenticated", False) else None,
            phone=phone, code=code, note=note[:200], created_at=now)
        AppointmentEvent.objects.create(appointment=appointment, kind="booked", at=now,
                                        actor=citizen if getattr(citizen, "is_authenticated", False) else None)
        return appointment


def appointment_cancel(*, appointment_id: int, actor: Any) -> Appointment:
    with transaction.atomic():
        appointment = Appointment.objects.select_related("slot").filter(pk=appointment_id).first()
        if appointment is None or appointment.citizen_id != getattr(actor, "pk", None):
            raise NotFound(_("预约不存在"), field="appointment")
        if Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.BOOKED).update(
                status=AppointmentStatus.CANCELLED) != 1:
            raise Conflict(_("该预约已签到、取消或过期，不能取消"), field="appointment")
        AppointmentSlot.objects.filter(pk=appointment.slot_id, booked__gt=0).update(booked=F("booked") - 1)
        appointment.status = AppointmentStatus.CANCELLED
        AppointmentEvent.objects.create(appointment=appointment, kind="cancelled", at=clock.now(), actor=actor)
        return appointment


def appointment_check_in(*, hall: Hall | str | int, code: str) -> IssuedTicket:
    """Check in at the kiosk with the booking code. On time (up to the grace period after the slot starts)
    → a priority ticket that joins the queue at the slot time; later → a normal ticket from now."""
    hall = _hall(hall)
    code = (code or "").strip()
    if not code:
        raise ServiceError(_("请输入预约码"), field="code")
    at = clock.now()
    _require_open(hall, at)
    with transaction.atomic():
        appointment = (Appointment.objects.select_for_update().select_related("slot__category__category", "slot__hall")
                       .filter(code=code, slot__hall=hall).first())
        if appointment is None:
            raise ServiceError(_("预约码不正确"), field="code")
        if appointment.status != AppointmentStatus.BOOKED:
            raise Conflict(_("该预约%(status)s，不能签到") % {"status": appointment.get_status_display()}, field="code")
        slot = appointment.slot
        local_day = hall_local(hall, at).date()
        if slot.date != local_day:
            raise ServiceError(_("预约日期为 %(date)s，请在当天签到") % {"date": slot.date.isoformat()}, field="code")
        start = _slot_start(slot)
        grace = dt.timedelta(minutes=int(_setting("APPOINTMENT_GRACE_MINUTES", 15)))
        if at <= start + grace:
            priority, reason, effective = Priority.PRIORITY, PriorityReason.APPOINTMENT, start
        else:
            priority, reason, effective = Priority.NORMAL, PriorityReason.NONE, at
        ticket = _create_ticket(hall=hall, category=slot.category, at=at, priority=priority, priority_reason=reason,
                                source=TicketSource.APPOINTMENT, effective_time=effective,
                                service_label=appointment.note, citizen=appointment.citizen, phone=appointment.phone)
        Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.CHECKED_IN, ticket=ticket)
        AppointmentEvent.objects.create(appointment=appointment, kind="checked_in", at=at)
    from onewindow.hall.selectors import ticket_position

    pos = ticket_position(ticket)
    return IssuedTicket(ticket=ticket, ahead=pos.ahead, wait_minutes=pos.wait_minutes)


def appointments_expire(*, day: dt.date) -> int:
    """Mark booked appointments of days before `day` as expired (run nightly). Returns how many."""
    n = 0
    with transaction.atomic():
        for appointment in Appointment.objects.select_for_update().filter(status=AppointmentStatus.BOOKED,
                                                                          slot__date__lt=day):
            Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.EXPIRED)
            AppointmentEvent.objects.create(appointment=appointment, kind="expired", at=clock.now())
            n += 1
    return n


# --------------------------------------------------------------------------- rating pads (paired devices)

PAD_COOKIE = "ow_pad"
PAD_PAIRING_SALT = "onewindow.hall.pad-pairing.v1"


def pad_device_days() -> int:
    """ONEWINDOW["PAD_DEVICE_DAYS"] (90): how long a pairing lasts before the pad must be paired again."""
    return int(_setting("PAD_DEVICE_DAYS", 90))


def pad_pairing_minutes() -> int:
    """ONEWINDOW["PAD_PAIRING_MINUTES"] (10): how long a pairing address (link / QR code) can be used."""
    return int(_setting("PAD_PAIRING_MINUTES", 10))


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(f"{PAD_PAIRING_SALT}:{secret}".encode()).hexdigest()


def can_pair_pad(user: Any, counter: Counter) -> bool:
    """The clerk signed in at this very counter, or a hall administrator (supervisor, catalog admin)."""
    from onewindow.core.access import Role, has_role

    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, Role.SUPERVISOR, Role.CATALOG_ADMIN):
        return True
    return has_role(user, Role.CLERK) and ClerkSession.objects.filter(
        counter=counter, clerk=user, ended_at__isnull=True).exists()


def pad_pairing_code(*, counter: Counter | int, actor: Any) -> str:
    """A one-time pairing code for `counter`, signed, naming who issued it; valid PAD_PAIRING_MINUTES."""
    counter = _counter(counter)
    if not can_pair_pad(actor, counter):
        raise Forbidden(_("只有在该窗口签入的受理人员或大厅管理员可以配对评价器"), field="counter")
    payload = [counter.pk, actor.pk, secrets.token_urlsafe(12), int(clock.now().timestamp())]
    return signing.Signer(salt=PAD_PAIRING_SALT).sign_object(payload)


@dataclass(frozen=True)
class PairingCode:
    counter: Counter
    issued_by: Any
    nonce: str


def pad_pairing_read(code: str) -> PairingCode:
    """The counter and issuer of a valid, unexpired, unused pairing code; ServiceError otherwise."""
    from django.contrib.auth import get_user_model

    invalid = NotFound(_("配对地址无效或已过期，请在窗口工作台重新打开配对二维码"), field="code")
    try:
        counter_id, user_id, nonce, issued = signing.Signer(salt=PAD_PAIRING_SALT).unsign_object(str(code))
    except (signing.BadSignature, ValueError, TypeError):
        raise invalid from None
    if not all(isinstance(v, int) for v in (counter_id, user_id, issued)) or not isinstance(nonce, str):
        raise invalid
    age = clock.now().timestamp() - issued
    if age < -60 or age > pad_pairing_minutes() * 60:
        raise invalid
    if PadDevice.objects.filter(pairing_nonce=nonce[:32]).exists():
        raise Conflict(_("该配对地址已经使用过，请在窗口工作台重新打开配对二维码"), field="code")
    counter = Counter.objects.select_related("hall").filter(pk=counter_id, active=True).first()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if counter is None or user is None or not can_pair_pad(user, counter):
        raise invalid  # the clerk has signed out (or lost the role) since: the code dies with the session
    return PairingCode(counter=counter, issued_by=user, nonce=nonce[:32])


def pad_pair(*, code: str, user: Any = None, label: str = "") -> tuple[PadDevice, str]:
    """Pair the browser that opened the pairing address: returns the device and the secret for its cookie.
    A browser signed in as staff is refused: a pad is a device of its own, facing the citizen."""
    from onewindow.core.access import STAFF_ROLES, user_roles

    if user_roles(user) & STAFF_ROLES:
        raise Forbidden(_("请在评价器设备上打开配对地址（不要在已登录工作人员账号的浏览器上配对）"), field="code")
    pairing = pad_pairing_read(code)
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    try:
        with transaction.atomic():
            device = PadDevice.objects.create(
                counter=pairing.counter, secret_hash=_secret_hash(secret), pairing_nonce=pairing.nonce,
                label=" ".join(str(label or "").split())[:120], paired_by=pairing.issued_by, paired_at=now,
                expires_at=now + dt.timedelta(days=pad_device_days()), last_seen_at=now)
            audit_log(actor=pairing.issued_by, action="hall.pad_paired", target=device,
                      detail={"counter": pairing.counter.pk, "label": device.label})
    except IntegrityError:
        raise Conflict(_("该配对地址已经使用过，请在窗口工作台重新打开配对二维码"), field="code") from None
    return device, secret


def pad_device_for(*, counter: Counter, secret: str | None) -> PadDevice | None:
    """The active pairing of this counter that the cookie's secret belongs to (None: not a paired pad)."""
    if not secret or len(secret) > 100:
        return None
    now = clock.now()
    device = PadDevice.objects.filter(secret_hash=_secret_hash(secret), counter=counter, revoked_at__isnull=True,
                                      expires_at__gt=now).first()
    if device is not None and (device.last_seen_at is None or now - device.last_seen_at > dt.timedelta(minutes=5)):
        PadDevice.objects.filter(pk=device.pk).update(last_seen_at=now)  # at most one write per 5 minutes
    return device


def pad_revoke(*, device_id: int, actor: Any) -> PadDevice:
    with transaction.atomic():
        device = PadDevice.objects.select_for_update().select_related("counter").filter(pk=device_id).first()
        if device is None:
            raise NotFound(_("评价器设备不存在"), field="device")
        if not can_pair_pad(actor, device.counter):
            raise Forbidden(_("只有在该窗口签入的受理人员或大厅管理员可以撤销评价器"), field="device")
        if device.revoked_at is not None:
            raise Conflict(_("该评价器已撤销"), field="device")
        now = clock.now()
        PadDevice.objects.filter(pk=device.pk).update(revoked_at=now, revoked_by=actor)
        device.revoked_at, device.revoked_by = now, actor
        audit_log(actor=actor, action="hall.pad_revoked", target=device, detail={"counter": device.counter_id})
        return device
