"""The queue: issue a ticket, call the next one at a counter, recall, start, finish, no-show, transfer, cancel.

This is the product's hottest path (16 counters calling while the kiosks issue). Its rules:
- numbers come from `counter_next(scope="ticket:<hall>:<category>", day=…)`, locked per category and day;
- call-next claims the next waiting ticket with `select_for_update(skip_locked=True)` on PostgreSQL, so
  16 counters calling at once each get a different ticket without waiting on each other; on SQLite the
  project's transactions start with BEGIN IMMEDIATE (one writer at a time), so the read-then-claim inside
  the transaction is already serialized. In both cases the claim is `transition()`'s compare-and-swap on
  status, checked by row count, so a lost race can never hand one ticket to two counters;
- every move goes through `transition()` with `audit=False`: the TicketEvent table is the queue's audit
  trail (who, when, from, to, at which counter), and one more row per move would only slow the queue down.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.core.audit import audit_log
from onewindow.core.counters import counter_next
from onewindow.core.errors import Conflict, NotFound, ServiceError
from onewindow.core.events import TransitionRefused, insert_with_event, record_event, transition
from onewindow.core.validators import validate_mobile
from onewindow.hall import config, queue_line, queue_selectors, selectors
from onewindow.hall.hours import hall_is_open, hall_local, hours_text, next_opening_text
from onewindow.hall.live import board_changed
from onewindow.hall.models import (
    OPEN_STATUSES,
    ClerkAction,
    ClerkSession,
    ClerkState,
    Counter,
    Hall,
    HallCategory,
    Priority,
    PriorityReason,
    Ticket,
    TicketAction,
    TicketApplication,
    TicketEvent,
    TicketSource,
    TicketStatus,
)
from onewindow.hall.services.clerks import clerk_move, open_session
from onewindow.hall.services.lookups import (
    counter_skills,
    get_counter,
    get_hall,
    get_hall_category,
    hall_categories,
)

CURRENT = (TicketStatus.CALLED, TicketStatus.SERVING)
KIOSK_REASONS = (PriorityReason.NONE, PriorityReason.ELDERLY, PriorityReason.DISABLED, PriorityReason.PREGNANT)
ISSUE_SOURCES = (TicketSource.KIOSK, TicketSource.PHONE, TicketSource.COUNTER)


def _move(ticket: Ticket, *, to: str, allowed_from: set[str] | tuple[str, ...], action: TicketAction,
          actor: Actor, counter: Counter | None, reason: str = "", changes: dict[str, Any] | None = None,
          event_fields: dict[str, Any] | None = None) -> Ticket:
    """One ticket move: guarded update + one TicketEvent (its own audit trail, hence audit=False)."""
    board_changed(ticket.hall_id)
    before = queue_line.place_of(ticket)
    transition(ticket, to=to, allowed_from=allowed_from, action=action, action_label=action.label,
               actor=actor, event_model=TicketEvent, reason=reason, changes=changes, version_field=None,
               timestamp_field=None, audit=False, event_fields={"counter": counter, **(event_fields or {})})
    queue_line.ticket_moved(ticket, before)
    return ticket


# --------------------------------------------------------------------------- issue


@dataclass(frozen=True)
class IssuedTicket:
    ticket: Ticket
    ahead: int
    wait_minutes: int


def issued(ticket: Ticket) -> IssuedTicket:
    """The new ticket with the people ahead of it (hall.queue_line: no count over the waiting tickets) and the
    estimated wait: EWT = position × mean service ÷ counters serving, rounded up (selectors.wait_estimate_minutes)."""
    ahead = selectors.waiting_ahead(ticket)
    return IssuedTicket(ticket=ticket, ahead=ahead, wait_minutes=selectors.wait_estimate_minutes(ticket.category, ahead))


def require_open(hall: Hall, at: dt.datetime) -> None:
    if not hall_is_open(hall, at):
        raise ServiceError(
            _("%(hall)s 当前不在开放时间，不能取号。今日开放时间：%(hours)s。%(next)s")
            % {"hall": hall.name, "hours": hours_text(hall, hall_local(hall, at).date()),
               "next": next_opening_text(hall, at)},
            field="time",
        )


def create_ticket(*, hall: Hall, category: HallCategory, at: dt.datetime, priority: int, priority_reason: str,
                  source: str, effective_time: dt.datetime, bundle_code: str = "", service_label: str = "",
                  citizen: Actor = None, phone: str = "") -> Ticket:
    """A waiting ticket with the next number of its category and day, and its `issued` event. The event names
    no actor: the holder is on the ticket, and an event's actor is whoever served at the counter."""
    day = hall_local(hall, at).date()
    seq = counter_next(scope=f"ticket:{hall.pk}:{category.pk}", day=day)
    ticket = Ticket(
        hall=hall, category=category, issued_category=category, day=day, seq=seq,
        number=f"{category.prefix}{seq:03d}", token=secrets.token_urlsafe(12), priority=priority,
        priority_reason=priority_reason, source=source, issued_at=at, effective_time=effective_time,
        bundle_code=bundle_code[:60], service_label=service_label[:200], citizen=actor_user(citizen),
        phone=phone[:20],
    )
    # the ticket and its `issued` event: one statement on PostgreSQL, each INSERT written once (core.rows)
    insert_with_event(ticket, event_model=TicketEvent, action=TicketAction.ISSUED, actor=None,
                      to_status=TicketStatus.WAITING, at=at, audit=False, event_fields={"to_category": category})
    board_changed(hall.pk)
    queue_line.ticket_moved(ticket, None)
    return ticket


def _bundle_category(hall: Hall, bundle: str) -> tuple[HallCategory, str, str]:
    """A bundle chosen at the kiosk maps to its window category (bundles.Bundle when it exists)."""
    try:
        Bundle = apps.get_model("bundles", "Bundle")
    except LookupError:
        raise ServiceError(_("暂不支持按一件事取号，请选择窗口类别"), field="bundle") from None
    qs = Bundle._default_manager.all()
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


def _phone_of_holder(hall: Hall, phone: str) -> str:
    """A phone ticket needs a mobile number without another open ticket in this hall today."""
    try:
        phone = validate_mobile(phone)
    except ValidationError:
        raise ServiceError(_("请填写正确的手机号"), field="phone") from None
    if Ticket.objects.filter(hall=hall, day=hall_local(hall, clock.now()).date(), phone=phone,
                             status__in=OPEN_STATUSES).exists():
        raise Conflict(_("该手机号今日已有未办结的号，请勿重复取号"), field="phone")
    return phone


def ticket_issue(*, hall: Hall | str | int, category: str | int | HallCategory | None = None, bundle: str = "",
                 priority_reason: str = "", source: str = TicketSource.KIOSK, service_label: str = "",
                 citizen: Actor = None, phone: str = "") -> IssuedTicket:
    """Take a number at the kiosk or from a phone. Refused outside the hall's opening hours."""
    hall = get_hall(hall)
    if priority_reason not in KIOSK_REASONS:
        raise ServiceError(_("绿色通道类型无效"), field="priority_reason")
    if source not in ISSUE_SOURCES:
        raise ServiceError(_("取号来源无效"), field="source")
    bundle_code = ""
    if bundle:
        hc, bundle_code, bundle_name = _bundle_category(hall, bundle)
        service_label = service_label or bundle_name
    elif category:
        hc = get_hall_category(hall, category)
    else:
        raise ServiceError(_("请选择窗口类别或一件事"), field="category")
    if source == TicketSource.PHONE:
        phone = _phone_of_holder(hall, phone)
    at = clock.now()
    require_open(hall, at)
    with transaction.atomic():
        ticket = create_ticket(hall=hall, category=hc, at=at, priority=Priority.PRIORITY if priority_reason else
                               Priority.NORMAL, priority_reason=priority_reason, source=source, effective_time=at,
                               bundle_code=bundle_code, service_label=service_label, citizen=citizen, phone=phone)
    return issued(ticket)


def ticket_cancel(*, token: str, actor: Actor = None) -> Ticket:
    """The holder gives up a waiting ticket (from the follow page)."""
    with transaction.atomic():
        ticket = Ticket.objects.filter(token=token).first()
        if ticket is None:
            raise NotFound(_("号码不存在"), field="ticket")
        return _move(ticket, to=TicketStatus.CANCELLED, allowed_from={TicketStatus.WAITING},
                     action=TicketAction.CANCELLED, actor=actor, counter=None)


# --------------------------------------------------------------------------- call next and the counter


def _next_waiting(counter: Counter, skills: list[int], at: dt.datetime) -> Ticket | None:
    """The next ticket for this counter: highest priority, then earliest effective time, among the categories
    it serves and the tickets transferred to it. On PostgreSQL the row is locked, skipping rows other counters
    hold, so concurrent calls never wait on each other (one statement written once: hall.queue_selectors)."""
    return queue_selectors.next_waiting_ticket(counter, skills, at, hall_categories(counter.hall))


def _open_session(counter: Counter, actor: Actor) -> ClerkSession:
    """`open_session` for a signed-in clerk at their own counter, in one precompiled statement; anything else
    (nobody signed in, another clerk's counter, the system acting) is left to `open_session`, which says why."""
    user = actor_user(actor)
    found = queue_selectors.open_session_row(counter) if user is not None else None
    if found is None or user is None or found[0].clerk_id != user.pk:
        return open_session(counter, actor)
    return queue_selectors.session_with_clerk(found[0], user, found[1])


def _busy() -> Conflict:
    return Conflict(_("请先办结或过号当前的号，再叫下一位"), field="ticket")


def _session_and_next(counter: Counter, skills: list[int], actor: Actor) -> tuple[ClerkSession, Ticket | None]:
    """The clerk's open session at this counter (locked) and the next waiting ticket (locked): one statement on
    PostgreSQL when the signed-in clerk is the one at the counter (queue_selectors.open_session_and_next), else
    `_open_session`, which says why not, and `_next_waiting`."""
    user = actor_user(actor)
    if user is not None:
        found = queue_selectors.open_session_and_next(counter, skills, clock.now(), hall_categories(counter.hall))
        if found is not None and found[0].clerk_id == user.pk:
            return queue_selectors.session_with_clerk(found[0], user, found[1]), found[2]
    session = _open_session(counter, actor)
    return session, _next_waiting(counter, skills, clock.now())


def _call_next_once(counter: Counter, skills: list[int], actor: Actor) -> Ticket | None:
    session, ticket = _session_and_next(counter, skills, actor)
    if ticket is None:
        if selectors.counter_has_current_ticket(counter):
            raise _busy()
        return None
    # A counter serves one ticket at a time: the partial unique constraint on (counter) among called and serving
    # tickets refuses a second one, so the claim below needs no separate look for a current ticket first.
    _move(ticket, to=TicketStatus.CALLED, allowed_from={TicketStatus.WAITING}, action=TicketAction.CALLED,
          actor=session.clerk, counter=counter,
          changes={"counter": counter, "clerk": session.clerk, "target_counter": None})
    if session.state in (ClerkState.BREAK, ClerkState.AWAY):  # calling someone ends the clerk's break
        clerk_move(session, to=ClerkState.AVAILABLE, action=ClerkAction.RESUME)
    return ticket


def _end_serving(session: ClerkSession) -> None:
    """Sessions no longer move to `serving` on every call (the counter's current ticket says it is serving, and
    two rows per ticket only slowed the queue down); one left in that state by an older version is freed."""
    if session.state == ClerkState.SERVING:
        clerk_move(session, to=ClerkState.AVAILABLE, action=ClerkAction.FREE)


def counter_call_next(*, counter: Counter | int, actor: Actor) -> Ticket | None:
    """Call the next ticket for this counter (see `_next_waiting`). None when nobody waits."""
    counter = get_counter(counter)
    skills = counter_skills(counter)
    if not skills:
        raise ServiceError(_("该窗口未设置受理类别"), field="counter")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return _call_next_once(counter, skills, actor)
        except TransitionRefused:
            continue  # another counter got there first (only possible without row locks): try the next one
        except IntegrityError:
            raise _busy() from None  # this counter already has a current ticket
    raise Conflict(_("叫号繁忙，请重试"), field="counter")


def _current_of_my_session(counter: Counter, actor: Actor, statuses: tuple[str, ...]
                           ) -> tuple[ClerkSession, Ticket] | None:
    """The hot path of finish (and the other counter actions) in one statement: the counter's current ticket,
    locked, called by this clerk, at a counter whose open session is this clerk's. None when any of that does not
    hold; `_require_current` then looks again step by step to say which. The ticket's row lock (not the
    session's) serialises two clicks: the second finds no current ticket once the first has committed."""
    user = actor_user(actor)
    if user is None:
        return None
    return queue_selectors.current_ticket_of_session(counter, user, statuses, hall_categories(counter.hall))


def _require_current(counter: Counter, actor: Actor, *statuses: str) -> tuple[ClerkSession, Ticket]:
    """The counter's locked session and its current ticket in one of `statuses` (Conflict when none)."""
    found = _current_of_my_session(counter, actor, statuses)
    if found is not None:
        return found
    session = open_session(counter, actor)
    ticket = (Ticket.objects.select_related("category__category", "counter")
              .select_for_update(of=("self",) if connection.features.has_select_for_update_of else ())
              .filter(counter=counter, status__in=statuses).order_by("-id").first())
    if ticket is None:
        raise Conflict(_("当前窗口没有可操作的号"), field="ticket")
    return session, ticket


def ticket_recall(*, counter: Counter | int, actor: Actor) -> Ticket:
    """Call the current ticket again (the board speaks it once more). No state changes: an event only."""
    counter = get_counter(counter)
    with transaction.atomic():
        session, ticket = _require_current(counter, actor, TicketStatus.CALLED)
        board_changed(ticket.hall_id)
        record_event(ticket, event_model=TicketEvent, action=TicketAction.RECALLED, actor=session.clerk,
                     from_status=ticket.status, to_status=ticket.status, audit=False,
                     event_fields={"counter": counter})
        return ticket


def ticket_start(*, counter: Counter | int, actor: Actor) -> Ticket:
    counter = get_counter(counter)
    with transaction.atomic():
        session, ticket = _require_current(counter, actor, TicketStatus.CALLED)
        return _move(ticket, to=TicketStatus.SERVING, allowed_from={TicketStatus.CALLED},
                     action=TicketAction.STARTED, actor=session.clerk, counter=counter)


def ticket_finish(*, counter: Counter | int, actor: Actor, items_handled: str = "") -> Ticket:
    """Finish the current ticket; the counter's rating pad then shows the prompt for this service."""
    counter = get_counter(counter)
    with transaction.atomic():
        session, ticket = _require_current(counter, actor, *CURRENT)
        items = (items_handled or ticket.service_label or "").strip()[:400]
        _move(ticket, to=TicketStatus.FINISHED, allowed_from=CURRENT, action=TicketAction.FINISHED,
              actor=session.clerk, counter=counter, reason=items, changes={"items_handled": items})
        _end_serving(session)
        return ticket


def ticket_no_show(*, counter: Counter | int, actor: Actor, policy: str | None = None) -> Ticket:
    """The called person did not come. Policy ONEWINDOW["NO_SHOW_POLICY"]: "requeue_once" puts the ticket
    back at the end of its queue the first time (顺延), "close" ends it."""
    counter = get_counter(counter)
    policy = policy or config.no_show_policy()
    if policy not in ("requeue_once", "close"):
        raise ServiceError(_("过号处理方式配置无效"), field="NO_SHOW_POLICY")
    with transaction.atomic():
        session, ticket = _require_current(counter, actor, TicketStatus.CALLED)
        if policy == "requeue_once" and ticket.requeue_count < 1:
            _move(ticket, to=TicketStatus.WAITING, allowed_from={TicketStatus.CALLED}, action=TicketAction.REQUEUED,
                  actor=session.clerk, counter=counter,
                  changes={"counter": None, "clerk": None, "requeue_count": ticket.requeue_count + 1,
                           "effective_time": clock.now()})
        else:
            _move(ticket, to=TicketStatus.NO_SHOW, allowed_from={TicketStatus.CALLED}, action=TicketAction.NO_SHOW,
                  actor=session.clerk, counter=counter)
        _end_serving(session)
        return ticket


def _transfer_target(counter: Counter, to_counter: int | None) -> Counter | None:
    if not to_counter:
        return None
    target = Counter.objects.filter(pk=to_counter, hall_id=counter.hall_id, active=True).first()
    if target is None:
        raise ServiceError(_("目标窗口不存在"), field="to_counter")
    if target.pk == counter.pk:
        raise ServiceError(_("不能转给本窗口"), field="to_counter")
    return target


def ticket_transfer(*, counter: Counter | int, actor: Actor, to_category: str | int | None = None,
                    to_counter: int | None = None, note: str = "") -> Ticket:
    """Send the current ticket to another category's queue or to one counter. It keeps its number and
    its place (its effective time stays the original issue/appointment time)."""
    counter = get_counter(counter)
    with transaction.atomic():
        session, ticket = _require_current(counter, actor, *CURRENT)
        target_counter = _transfer_target(counter, to_counter)
        from_category = ticket.category
        new_category = get_hall_category(counter.hall, to_category) if to_category else from_category
        if target_counter is None and new_category.pk == from_category.pk:
            raise ServiceError(_("请选择要转入的其他类别或窗口"), field="to_category")
        _move(ticket, to=TicketStatus.WAITING, allowed_from=CURRENT, action=TicketAction.TRANSFERRED,
              actor=session.clerk, counter=counter, reason=note or (f"→ {target_counter}" if target_counter else ""),
              changes={"category": new_category, "counter": None, "clerk": None, "target_counter": target_counter},
              event_fields={"from_category": from_category, "to_category": new_category})
        _end_serving(session)
        return ticket


def ticket_link_application(*, ticket_id: int, application_id: int, actor: Actor) -> None:
    """Link a ticket to an application the clerk created from it at the counter (services.window)."""
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
                                                 linked_at=clock.now(), linked_by=actor_user(actor))
        except IntegrityError:
            return  # already linked: idempotent
        audit_log(actor=actor, action="hall.ticket_link_application", target=ticket,
                  detail={"application_id": int(application_id)})
