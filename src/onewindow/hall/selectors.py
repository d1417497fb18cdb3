"""Reads for the hall's pages: halls, a ticket's position and wait estimate, the board, the clerk console, the
rating pad and appointment slots. (Statistics: `hall.stats`.)

Every figure of time is computed from TicketEvent rows (service = finish − last call) and the sessions signed
in, not from mutable columns. Query counts are fixed whatever the hall's size.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from onewindow.core import clock
from onewindow.core.actors import Actor, actor_label, actor_user
from onewindow.hall import config
from onewindow.hall.hours import hall_local, hall_tz
from onewindow.hall.models import (
    Appointment,
    AppointmentSlot,
    ClerkSession,
    ClerkState,
    Counter,
    Hall,
    HallCategory,
    Ticket,
    TicketAction,
    TicketEvent,
    TicketStatus,
)
from onewindow.hall.queue_line import people_ahead
from onewindow.hall.services.lookups import cached, setup_key

CURRENT = (TicketStatus.CALLED, TicketStatus.SERVING)
RECENT_SERVICES = 20  # finished services used for the estimate
PRIOR_WEIGHT = 3  # the configured default counts as this many observations (smoothing)
HISTORY_DAYS = 14


def hall_by_code(code: str) -> Hall | None:
    return Hall.objects.filter(code=code, active=True).prefetch_related("opening_hours").first()


def halls() -> list[Hall]:
    return list(Hall.objects.filter(active=True))


def queue_halls() -> list[Hall]:
    """The halls that run a queue (have counters), as offered to citizens for tickets and appointments. The
    street and community stations that are only monitored (the seed's 64 halls) are not."""
    return list(Hall.objects.filter(active=True, counters__isnull=False).distinct())


def hall_categories(hall: Hall) -> list[HallCategory]:
    return list(HallCategory.objects.select_related("category").filter(hall=hall, active=True))


# --------------------------------------------------------------------------- wait estimate


def mean_service_minutes(category: HallCategory, *, now: dt.datetime | None = None) -> float:
    """Mean of the last RECENT_SERVICES service times of the category, smoothed towards the configured
    default: (n·observed + k·default) / (n + k). With no history the default itself."""
    now = now or clock.now()
    default = float(category.default_service_minutes or config.default_service_minutes())
    finished = list(TicketEvent.objects.filter(action=TicketAction.FINISHED, ticket__category=category,
                                               at__gte=now - dt.timedelta(days=HISTORY_DAYS), at__lte=now)
                    .order_by("-at").values_list("ticket_id", "at")[:RECENT_SERVICES])
    if not finished:
        return default
    called: dict[int, dt.datetime] = {}
    for ticket_id, at in (TicketEvent.objects.filter(ticket_id__in=[f[0] for f in finished], action=TicketAction.CALLED)
                          .order_by("at").values_list("ticket_id", "at")):
        called[ticket_id] = at  # the last call before finishing
    minutes = [(at - called[tid]).total_seconds() / 60 for tid, at in finished if tid in called and at >= called[tid]]
    if not minutes:
        return default
    n = len(minutes)
    return (sum(minutes) + PRIOR_WEIGHT * default) / (n + PRIOR_WEIGHT)


def active_counters(category: HallCategory) -> int:
    """Counters serving the category that have a clerk signed in and not on break."""
    return (ClerkSession.objects.filter(ended_at__isnull=True, counter__categories=category, counter__active=True)
            .exclude(state__in=(ClerkState.BREAK, ClerkState.AWAY)).values("counter").distinct().count())


def service_rate(category: HallCategory) -> tuple[float, int]:
    """(mean service minutes, counters serving, at least one) of a category: three queries, so kept for
    lookups.CONFIG_SECONDS; a clerk signing in or out drops it at once (lookups.setup_changed)."""
    return cached(setup_key("wait", category.pk),
                  lambda: (mean_service_minutes(category), max(active_counters(category), 1)))


def wait_estimate_minutes(category: HallCategory, ahead: int) -> int:
    """EWT = position × mean service ÷ active counters (at least one), rounded up to whole minutes."""
    if ahead <= 0:
        return 0
    mean, servers = service_rate(category)
    return math.ceil(ahead * mean / servers)


@dataclass(frozen=True)
class Position:
    ahead: int
    wait_minutes: int


def waiting_ahead(ticket: Ticket) -> int:
    """Waiting tickets of the same category that will be called before this one (0 unless it waits): read from
    the category's line kept in process memory (hall.queue_line), not counted on every request."""
    return people_ahead(ticket)


def ticket_position(ticket: Ticket) -> Position:
    if ticket.status != TicketStatus.WAITING:
        return Position(0, 0)
    ahead = waiting_ahead(ticket)
    return Position(ahead, wait_estimate_minutes(ticket.category, ahead))


def ticket_by_token(token: str) -> Ticket | None:
    return Ticket.objects.select_related("hall", "category__category", "counter").filter(token=token).first()


# --------------------------------------------------------------------------- board


def board(hall: Hall, *, recent: int = 8) -> dict[str, Any]:
    """Now calling, recent calls (each with the event id so the board speaks a call once) and waiting per
    category. Four queries whatever the hall's size."""
    now = clock.now()
    today = hall_local(hall, now).date()
    calls = list(TicketEvent.objects.filter(ticket__hall=hall, ticket__day=today,
                                            action__in=(TicketAction.CALLED, TicketAction.RECALLED))
                 .select_related("ticket", "counter").order_by("-at", "-id")[:recent])
    cats = hall_categories(hall)
    waiting = dict(Ticket.objects.filter(hall=hall, status=TicketStatus.WAITING).values_list("category")
                   .annotate(n=Count("id")).values_list("category", "n"))
    serving = dict(Counter.objects.filter(hall=hall, sessions__ended_at__isnull=True)
                   .values_list("categories").annotate(n=Count("id", distinct=True)).values_list("categories", "n"))
    items = []
    for e in calls:
        items.append({
            "event_id": e.pk, "number": e.ticket.number, "counter": e.counter.number if e.counter else None,
            "counter_name": e.counter.name if e.counter else "", "at": e.at.isoformat(),
            "time": hall_local(hall, e.at).strftime("%H:%M"), "recall": e.action == TicketAction.RECALLED,
            "current": e.ticket.status in CURRENT and e.ticket.counter_id == e.counter_id,
        })
    return {
        "hall": {"code": hall.code, "name": hall.name},
        "now": hall_local(hall, now).strftime("%H:%M"),
        "calls": items,
        "categories": [{"code": c.category.code, "name": c.category.name, "name_en": c.category.name_en,
                        "prefix": c.prefix, "waiting": waiting.get(c.pk, 0), "counters": serving.get(c.pk, 0)} for c in cats],
    }


# --------------------------------------------------------------------------- console and pad


def clerk_open_session(user: Actor) -> ClerkSession | None:
    clerk = actor_user(user)
    if clerk is None:
        return None
    return ClerkSession.objects.select_related("counter__hall").filter(clerk=clerk, ended_at__isnull=True).first()


def counter_current_ticket(counter: Counter) -> Ticket | None:
    return (Ticket.objects.select_related("category__category").prefetch_related("application_links__application")
            .filter(counter=counter, status__in=CURRENT).order_by("-id").first())


def counter_has_current_ticket(counter: Counter) -> bool:
    """A counter serves one ticket at a time: is one called or being served there?"""
    return Ticket.objects.filter(counter=counter, status__in=CURRENT).exists()


def other_counters(counter: Counter) -> list[Counter]:
    """The hall's other active counters (to transfer a ticket to)."""
    return list(Counter.objects.filter(hall_id=counter.hall_id, active=True).exclude(pk=counter.pk))


def counter_queue(counter: Counter, *, limit: int = 10) -> list[dict[str, Any]]:
    """Waiting tickets per category this counter serves (with the first few numbers)."""
    skills = list(counter.categories.select_related("category"))
    rows = list(Ticket.objects.filter(hall_id=counter.hall_id, status=TicketStatus.WAITING)
                .filter(Q(category__in=skills, target_counter__isnull=True) | Q(target_counter=counter))
                .order_by("-priority", "effective_time", "id")
                .values("number", "category_id", "priority", "priority_reason", "target_counter_id", "effective_time"))
    out = []
    for c in skills:
        mine = [r for r in rows if r["category_id"] == c.pk and r["target_counter_id"] is None]
        out.append({"category": c, "count": len(mine), "next": mine[:limit]})
    direct = [r for r in rows if r["target_counter_id"] == counter.pk]
    return out + ([{"category": None, "count": len(direct), "next": direct[:limit]}] if direct else [])


def available_counters(hall: Hall) -> list[dict[str, Any]]:
    counters = list(Counter.objects.filter(hall=hall, active=True).prefetch_related("categories__category"))
    busy = dict(ClerkSession.objects.filter(counter__hall=hall, ended_at__isnull=True)
                .values_list("counter_id", "clerk__username"))
    return [{"counter": c, "taken_by": busy.get(c.pk), "skills": [hc.prefix for hc in c.categories.all()]}
            for c in counters]


def pad_prompt(counter: Counter, *, within_minutes: int = 15) -> dict[str, Any] | None:
    """What the counter's rating pad shows: the ticket finished last at this counter, until the counter
    calls again or `within_minutes` pass."""
    now = clock.now()
    last = (TicketEvent.objects.filter(counter=counter, at__gte=now - dt.timedelta(minutes=within_minutes),
                                       action__in=(TicketAction.CALLED, TicketAction.FINISHED))
            .select_related("ticket", "actor__profile").order_by("-at", "-id").first())
    if last is None or last.action != TicketAction.FINISHED:
        return None
    t = last.ticket
    # the clerk's name as it is now (a renamed clerk shows the new name), else as the event recorded it
    name = actor_label(last.actor) or last.actor_label
    return {"ticket_id": t.pk, "number": t.number, "items": t.items_handled or t.service_label or "",
            "clerk": name, "counter": counter.number, "counter_name": counter.name, "finished_at": last.at,
            "event_id": last.pk}


# --------------------------------------------------------------------------- appointments


def open_slots(hall: Hall, *, category: HallCategory | None = None, day: dt.date | None = None,
               days: int = 7) -> list[AppointmentSlot]:
    now = clock.now()
    first = day or hall_local(hall, now).date()
    last = day or first + dt.timedelta(days=days)
    qs = AppointmentSlot.objects.select_related("category__category", "hall").filter(hall=hall, date__gte=first,
                                                                                      date__lte=last)
    if category is not None:
        qs = qs.filter(category=category)
    tz = hall_tz(hall)
    return [s for s in qs if dt.datetime.combine(s.date, s.start, tzinfo=tz) > now]


def my_appointments(user: Actor, *, limit: int = 20) -> list[Appointment]:
    """The citizen's own bookings, latest slot first."""
    citizen = actor_user(user)
    if citizen is None:
        return []
    return list(Appointment.objects.filter(citizen=citizen).select_related("slot__hall", "slot__category__category")
                .order_by("-slot__date", "-slot__start")[:limit])
