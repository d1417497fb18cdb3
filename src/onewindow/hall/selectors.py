"""Reads for the hall: queue position and wait estimate, board, console, rating pad and statistics.

Every figure of time is computed from TicketEvent rows (waiting = first call − issue, service = finish −
last call) and ClerkStateEvent rows (signed-in time), not from mutable columns. Query counts are fixed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q

from onewindow.core import clock
from onewindow.hall.models import (
    OPEN_STATUSES,
    AppointmentSlot,
    ClerkSession,
    ClerkState,
    Counter,
    Hall,
    HallCategory,
    Ticket,
    TicketEvent,
    TicketEventKind,
    TicketStatus,
)
from onewindow.hall.services import hall_local

RECENT_SERVICES = 20  # finished services used for the estimate
PRIOR_WEIGHT = 3  # the configured default counts as this many observations (smoothing)
HISTORY_DAYS = 14


def hall_by_code(code: str) -> Hall | None:
    return Hall.objects.filter(code=code, active=True).prefetch_related("opening_hours").first()


def halls() -> list[Hall]:
    return list(Hall.objects.filter(active=True))


def hall_categories(hall: Hall) -> list[HallCategory]:
    return list(HallCategory.objects.select_related("category").filter(hall=hall, active=True))


# --------------------------------------------------------------------------- wait estimate


def mean_service_minutes(category: HallCategory, *, now: dt.datetime | None = None) -> float:
    """Mean of the last RECENT_SERVICES service times of the category, smoothed towards the configured
    default: (n·observed + k·default) / (n + k). With no history the default itself."""
    now = now or clock.now()
    default = float(category.default_service_minutes or settings.ONEWINDOW.get("DEFAULT_SERVICE_MINUTES", 8))
    finished = list(TicketEvent.objects.filter(kind=TicketEventKind.FINISHED, ticket__category=category,
                                               at__gte=now - dt.timedelta(days=HISTORY_DAYS), at__lte=now)
                    .order_by("-at").values_list("ticket_id", "at")[:RECENT_SERVICES])
    if not finished:
        return default
    called: dict[int, dt.datetime] = {}
    for ticket_id, at in (TicketEvent.objects.filter(ticket_id__in=[f[0] for f in finished], kind=TicketEventKind.CALLED)
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


def wait_estimate_minutes(category: HallCategory, ahead: int) -> int:
    """EWT = position × mean service ÷ active counters (at least one), rounded up to whole minutes."""
    if ahead <= 0:
        return 0
    servers = max(active_counters(category), 1)
    return math.ceil(ahead * mean_service_minutes(category) / servers)


@dataclass(frozen=True)
class Position:
    ahead: int
    wait_minutes: int


def ticket_position(ticket: Ticket) -> Position:
    if ticket.status != TicketStatus.WAITING:
        return Position(0, 0)
    before = Q(priority__gt=ticket.priority) | Q(priority=ticket.priority, effective_time__lt=ticket.effective_time) | Q(
        priority=ticket.priority, effective_time=ticket.effective_time, id__lt=ticket.pk)
    ahead = Ticket.objects.filter(before, hall_id=ticket.hall_id, category_id=ticket.category_id,
                                  status=TicketStatus.WAITING).count()
    return Position(ahead, wait_estimate_minutes(ticket.category, ahead))


def ticket_by_token(token: str) -> Ticket | None:
    return (Ticket.objects.select_related("hall", "category__category", "counter").filter(token=token).first())


# --------------------------------------------------------------------------- board


def board(hall: Hall, *, recent: int = 8) -> dict[str, Any]:
    """Now calling, recent calls (each with the event id so the board speaks a call once) and waiting per
    category. Four queries whatever the hall's size."""
    now = clock.now()
    today = hall_local(hall, now).date()
    calls = list(TicketEvent.objects.filter(ticket__hall=hall, ticket__day=today,
                                            kind__in=(TicketEventKind.CALLED, TicketEventKind.RECALLED))
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
            "time": hall_local(hall, e.at).strftime("%H:%M"), "recall": e.kind == TicketEventKind.RECALLED,
            "current": e.ticket.status in (TicketStatus.CALLED, TicketStatus.SERVING)
            and e.ticket.counter_id == e.counter_id,
        })
    return {
        "hall": {"code": hall.code, "name": hall.name},
        "now": hall_local(hall, now).strftime("%H:%M"),
        "calls": items,
        "categories": [{"code": c.category.code, "name": c.category.name, "prefix": c.prefix,
                        "waiting": waiting.get(c.pk, 0), "counters": serving.get(c.pk, 0)} for c in cats],
    }


# --------------------------------------------------------------------------- console and pad


def clerk_open_session(user: Any) -> ClerkSession | None:
    return (ClerkSession.objects.select_related("counter__hall").filter(clerk=user, ended_at__isnull=True).first())


def counter_current_ticket(counter: Counter) -> Ticket | None:
    return (Ticket.objects.select_related("category__category").prefetch_related("application_links")
            .filter(counter=counter, status__in=(TicketStatus.CALLED, TicketStatus.SERVING)).order_by("-id").first())


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
                                       kind__in=(TicketEventKind.CALLED, TicketEventKind.FINISHED))
            .select_related("ticket", "clerk__profile").order_by("-at", "-id").first())
    if last is None or last.kind != TicketEventKind.FINISHED:
        return None
    clerk = last.clerk
    name = ""
    if clerk is not None:
        profile = getattr(clerk, "profile", None)
        name = (profile.display_name if profile else "") or clerk.get_username()
    t = last.ticket
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
    tz = ZoneInfo(hall.timezone or "Asia/Shanghai")
    return [s for s in qs if dt.datetime.combine(s.date, s.start, tzinfo=tz) > now]


# --------------------------------------------------------------------------- statistics


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    s = sorted(values)
    k = max(math.ceil(0.9 * len(s)) - 1, 0)
    return s[k]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass
class Group:
    key: Any
    label: str
    tickets: int = 0
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)
    no_shows: int = 0
    finished: int = 0
    busy_seconds: float = 0.0
    signed_in_seconds: float = 0.0

    def row(self) -> dict[str, Any]:
        mean_wait, p90_wait, mean_service = _mean(self.waits), _p90(self.waits), _mean(self.services)
        return {
            "key": self.key, "label": self.label, "tickets": self.tickets, "finished": self.finished,
            "mean_wait": round(mean_wait, 1) if mean_wait is not None else None,
            "p90_wait": round(p90_wait, 1) if p90_wait is not None else None,
            "mean_service": round(mean_service, 1) if mean_service is not None else None,
            "no_show_rate": round(100 * self.no_shows / self.tickets, 1) if self.tickets else None,
            "utilisation": (round(100 * self.busy_seconds / self.signed_in_seconds, 1)
                            if self.signed_in_seconds else None),
        }


@dataclass(frozen=True)
class TicketTimes:
    ticket_id: int
    category_id: int
    issued: dt.datetime | None
    first_called: dt.datetime | None
    last_called: dt.datetime | None
    finished: dt.datetime | None
    counter_id: int | None
    clerk_id: int | None
    no_show: bool
    cancelled: bool


def ticket_times(events: list[dict[str, Any]]) -> list[TicketTimes]:
    """Fold event rows (ordered by ticket, at, id) into per-ticket times."""
    out: list[TicketTimes] = []
    by_ticket: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        by_ticket[e["ticket_id"]].append(e)
    for tid, evs in by_ticket.items():
        issued = first_called = last_called = finished = None
        counter_id = clerk_id = None
        no_show = cancelled = False
        category_id = evs[0]["ticket__issued_category_id"]
        for e in evs:
            kind = e["kind"]
            if kind == TicketEventKind.ISSUED:
                issued = e["at"]
            elif kind == TicketEventKind.CALLED:
                first_called = first_called or e["at"]
                last_called = e["at"]
                counter_id, clerk_id = e["counter_id"], e["clerk_id"]
            elif kind == TicketEventKind.FINISHED:
                finished = e["at"]
                counter_id, clerk_id = e["counter_id"], e["clerk_id"]
            elif kind == TicketEventKind.NO_SHOW:
                no_show = True
            elif kind == TicketEventKind.CANCELLED:
                cancelled = True
        out.append(TicketTimes(tid, category_id, issued, first_called, last_called, finished, counter_id, clerk_id,
                               no_show, cancelled))
    return out


def _day_bounds(hall: Hall, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = ZoneInfo(hall.timezone or "Asia/Shanghai")
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def _session_seconds(hall: Hall, start: dt.datetime, end: dt.datetime) -> dict[tuple[int, int], float]:
    """Signed-in, not-on-break seconds per (counter, clerk) within [start, end), from ClerkStateEvents."""
    from onewindow.hall.models import ClerkStateEvent

    now = clock.now()
    rows = list(ClerkStateEvent.objects.filter(session__counter__hall=hall, at__lt=end)
                .filter(Q(session__ended_at__isnull=True) | Q(session__ended_at__gt=start))
                .order_by("session_id", "at", "id")
                .values_list("session_id", "session__counter_id", "session__clerk_id", "state", "at"))
    out: dict[tuple[int, int], float] = defaultdict(float)
    by_session: dict[int, list[tuple]] = defaultdict(list)
    for r in rows:
        by_session[r[0]].append(r)
    for evs in by_session.values():
        for i, (_sid, counter_id, clerk_id, state, at) in enumerate(evs):
            if state not in (ClerkState.AVAILABLE, ClerkState.SERVING):
                continue
            nxt = evs[i + 1][4] if i + 1 < len(evs) else min(end, now)
            a, b = max(at, start), min(nxt, end)
            if b > a:
                out[(counter_id, clerk_id)] += (b - a).total_seconds()
    return out


def hall_stats(hall: Hall, day: dt.date) -> dict[str, Any]:
    """Statistics for one day from events: overall, per category, counter, clerk and hour."""
    from django.contrib.auth import get_user_model

    events = list(TicketEvent.objects.filter(ticket__hall=hall, ticket__day=day)
                  .order_by("ticket_id", "at", "id")
                  .values("ticket_id", "kind", "at", "counter_id", "clerk_id", "ticket__issued_category_id"))
    times = ticket_times(events)
    cats = {c.pk: c for c in HallCategory.objects.select_related("category").filter(hall=hall)}
    counters = {c.pk: c for c in Counter.objects.filter(hall=hall)}
    start, end = _day_bounds(hall, day)
    sessions = _session_seconds(hall, start, end)
    clerk_ids = {t.clerk_id for t in times if t.clerk_id} | {k[1] for k in sessions}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=clerk_ids).select_related("profile")}

    def clerk_label(uid: int) -> str:
        u = users.get(uid)
        if u is None:
            return str(uid)
        profile = getattr(u, "profile", None)
        return (profile.display_name if profile else "") or u.get_username()

    total = Group("all", "全部")
    by_cat: dict[int, Group] = {}
    by_counter: dict[int, Group] = {}
    by_clerk: dict[int, Group] = {}
    hours: dict[int, Group] = {}
    tz = ZoneInfo(hall.timezone or "Asia/Shanghai")
    for t in times:
        if t.issued is None:
            continue
        hour = t.issued.astimezone(tz).hour
        cat = cats.get(t.category_id)
        groups = [total,
                  by_cat.setdefault(t.category_id, Group(t.category_id, f"{cat.prefix} {cat.category.name}" if cat else "?")),
                  hours.setdefault(hour, Group(hour, f"{hour:02d}:00"))]
        if t.counter_id:
            c = counters.get(t.counter_id)
            groups.append(by_counter.setdefault(t.counter_id, Group(t.counter_id, f"{c.number}号窗口" if c else "?")))
        if t.clerk_id:
            groups.append(by_clerk.setdefault(t.clerk_id, Group(t.clerk_id, clerk_label(t.clerk_id))))
        wait = (t.first_called - t.issued).total_seconds() / 60 if t.first_called else None
        service = ((t.finished - t.last_called).total_seconds() / 60
                   if t.finished and t.last_called and t.finished >= t.last_called else None)
        for g in groups:
            g.tickets += 1
            if wait is not None:
                g.waits.append(wait)
            if service is not None:
                g.services.append(service)
                g.finished += 1
            if t.no_show:
                g.no_shows += 1
        if service is not None and t.counter_id:
            by_counter[t.counter_id].busy_seconds += service * 60
            if t.clerk_id:
                by_clerk[t.clerk_id].busy_seconds += service * 60
            total.busy_seconds += service * 60
    for (counter_id, clerk_id), seconds in sessions.items():
        c = counters.get(counter_id)
        by_counter.setdefault(counter_id, Group(counter_id, f"{c.number}号窗口" if c else "?")).signed_in_seconds += seconds
        by_clerk.setdefault(clerk_id, Group(clerk_id, clerk_label(clerk_id))).signed_in_seconds += seconds
        total.signed_in_seconds += seconds
    return {
        "hall": hall, "day": day, "total": total.row(),
        "categories": [g.row() for g in sorted(by_cat.values(), key=lambda g: g.label)],
        "counters": [g.row() for g in sorted(by_counter.values(), key=lambda g: counters[g.key].number
                                             if g.key in counters else 0)],
        "clerks": [g.row() for g in sorted(by_clerk.values(), key=lambda g: g.label)],
        "hours": [g.row() for g in sorted(hours.values(), key=lambda g: g.key)],
    }


def period_summary(hall: Hall, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Mean waiting and service minutes over [start, end] (inclusive) — for reform before/after metrics."""
    events = list(TicketEvent.objects.filter(ticket__hall=hall, ticket__day__gte=start, ticket__day__lte=end)
                  .order_by("ticket_id", "at", "id")
                  .values("ticket_id", "kind", "at", "counter_id", "clerk_id", "ticket__issued_category_id"))
    g = Group("period", f"{start}–{end}")
    for t in ticket_times(events):
        if t.issued is None:
            continue
        g.tickets += 1
        if t.first_called:
            g.waits.append((t.first_called - t.issued).total_seconds() / 60)
        if t.finished and t.last_called:
            g.services.append((t.finished - t.last_called).total_seconds() / 60)
            g.finished += 1
        g.no_shows += int(t.no_show)
    return g.row()


def ticket_days(hall: Hall, *, limit: int = 60) -> list[dt.date]:
    return list(Ticket.objects.filter(hall=hall).order_by("-day").values_list("day", flat=True).distinct()[:limit])


def open_ticket_for_phone(hall: Hall, phone: str) -> Ticket | None:
    return Ticket.objects.filter(hall=hall, phone=phone, status__in=OPEN_STATUSES).order_by("-id").first()
