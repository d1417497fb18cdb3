"""Hall statistics, only from the append-only events: waiting = first call − issue, service = finish − last
call (TicketEvent), utilisation = busy ÷ signed-in time (ClerkStateEvent: available or serving). Per day,
category, counter, clerk and hour; `period_summary` gives the same figures over a period and
`reform_comparison` sets the hall's department-window days against its comprehensive-window month.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from onewindow.core import clock
from onewindow.core.actors import actor_label
from onewindow.hall.hours import hall_day_bounds, hall_tz
from onewindow.hall.models import (
    ClerkState,
    ClerkStateEvent,
    Counter,
    Hall,
    HallCategory,
    Ticket,
    TicketAction,
    TicketEvent,
)

EVENT_COLUMNS = ("ticket_id", "action", "at", "counter_id", "actor_id", "ticket__issued_category_id")


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return s[max(math.ceil(0.9 * len(s)) - 1, 0)]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


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

    @property
    def wait(self) -> float | None:
        """Minutes from issue to the first call."""
        if self.issued is None or self.first_called is None:
            return None
        return (self.first_called - self.issued).total_seconds() / 60

    @property
    def service(self) -> float | None:
        """Minutes from the last call to finishing."""
        if self.finished is None or self.last_called is None or self.finished < self.last_called:
            return None
        return (self.finished - self.last_called).total_seconds() / 60


def _fold(ticket_id: int, events: list[dict[str, Any]]) -> TicketTimes:
    """One ticket's events (in order) → its times; the counter and clerk are those of its last call/finish."""
    seen: dict[str, list[dt.datetime]] = defaultdict(list)
    counter_id = clerk_id = None
    for e in events:
        seen[e["action"]].append(e["at"])
        if e["action"] in (TicketAction.CALLED, TicketAction.FINISHED):
            counter_id, clerk_id = e["counter_id"], e["actor_id"]
    calls, finishes, issues = seen[TicketAction.CALLED], seen[TicketAction.FINISHED], seen[TicketAction.ISSUED]
    return TicketTimes(ticket_id, events[0]["ticket__issued_category_id"], issues[-1] if issues else None,
                       calls[0] if calls else None, calls[-1] if calls else None,
                       finishes[-1] if finishes else None, counter_id, clerk_id,
                       bool(seen[TicketAction.NO_SHOW]), bool(seen[TicketAction.CANCELLED]))


def ticket_times(events: Iterable[dict[str, Any]]) -> list[TicketTimes]:
    """Fold event rows (EVENT_COLUMNS, ordered by ticket, at, id) into per-ticket times."""
    by_ticket: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        by_ticket[e["ticket_id"]].append(e)
    return [_fold(tid, evs) for tid, evs in by_ticket.items()]


def _events(**filters: Any) -> list[dict[str, Any]]:
    return list(TicketEvent.objects.filter(**filters).order_by("ticket_id", "at", "id").values(*EVENT_COLUMNS))


@dataclass
class Group:
    """The figures of one group of tickets (a category, counter, clerk, hour, or all)."""

    key: Any
    label: str
    tickets: int = 0
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)
    no_shows: int = 0
    finished: int = 0
    busy_seconds: float = 0.0
    signed_in_seconds: float = 0.0

    def add(self, t: TicketTimes, *, busy: bool = False) -> None:
        """Count ticket `t`; `busy` adds its service to this group's busy time (counters, clerks, all)."""
        self.tickets += 1
        self.no_shows += int(t.no_show)
        if t.wait is not None:
            self.waits.append(t.wait)
        if t.service is not None:
            self.services.append(t.service)
            self.finished += 1
            if busy:
                self.busy_seconds += t.service * 60

    def row(self) -> dict[str, Any]:
        return {
            "key": self.key, "label": self.label, "tickets": self.tickets, "finished": self.finished,
            "mean_wait": _round(_mean(self.waits)), "p90_wait": _round(_p90(self.waits)),
            "mean_service": _round(_mean(self.services)),
            "no_show_rate": round(100 * self.no_shows / self.tickets, 1) if self.tickets else None,
            "utilisation": (round(100 * self.busy_seconds / self.signed_in_seconds, 1)
                            if self.signed_in_seconds else None),
        }


def _session_seconds(hall: Hall, start: dt.datetime, end: dt.datetime) -> dict[tuple[int, int], float]:
    """Signed-in, not-on-break seconds per (counter, clerk) within [start, end), from ClerkStateEvents."""
    now = clock.now()
    rows = list(ClerkStateEvent.objects.filter(session__counter__hall=hall, at__lt=end)
                .filter(Q(session__ended_at__isnull=True) | Q(session__ended_at__gt=start))
                .order_by("session_id", "at", "id")
                .values_list("session_id", "session__counter_id", "session__clerk_id", "to_status", "at"))
    by_session: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for r in rows:
        by_session[r[0]].append(r)
    out: dict[tuple[int, int], float] = defaultdict(float)
    for evs in by_session.values():
        for i, (_sid, counter_id, clerk_id, state, at) in enumerate(evs):
            if state not in (ClerkState.AVAILABLE, ClerkState.SERVING):
                continue
            nxt = evs[i + 1][4] if i + 1 < len(evs) else min(end, now)
            a, b = max(at, start), min(nxt, end)
            if b > a:
                out[(counter_id, clerk_id)] += (b - a).total_seconds()
    return out


class _DayTally:
    """The groups of one hall day, filled ticket by ticket and session by session."""

    def __init__(self, hall: Hall, clerk_ids: set[int]) -> None:
        self.tz = hall_tz(hall)
        self.cats = {c.pk: c for c in HallCategory.objects.select_related("category").filter(hall=hall)}
        self.counter_rows = {c.pk: c for c in Counter.objects.filter(hall=hall)}
        users = get_user_model().objects.filter(pk__in=clerk_ids).select_related("profile")
        self.clerk_names = {u.pk: actor_label(u) for u in users}
        self.total = Group("all", "全部")
        self.categories: dict[int, Group] = {}
        self.counters: dict[int, Group] = {}
        self.clerks: dict[int, Group] = {}
        self.hours: dict[int, Group] = {}

    def _category(self, pk: int) -> Group:
        cat = self.cats.get(pk)
        return self.categories.setdefault(pk, Group(pk, f"{cat.prefix} {cat.category.name}" if cat else "?"))

    def _counter(self, pk: int) -> Group:
        c = self.counter_rows.get(pk)
        return self.counters.setdefault(pk, Group(pk, f"{c.number}号窗口" if c else "?"))

    def _clerk(self, pk: int) -> Group:
        return self.clerks.setdefault(pk, Group(pk, self.clerk_names.get(pk, str(pk))))

    def add_ticket(self, t: TicketTimes) -> None:
        if t.issued is None:
            return
        hour = t.issued.astimezone(self.tz).hour
        self.total.add(t, busy=bool(t.counter_id))
        self._category(t.category_id).add(t)
        self.hours.setdefault(hour, Group(hour, f"{hour:02d}:00")).add(t)
        if t.counter_id:
            self._counter(t.counter_id).add(t, busy=True)
        if t.clerk_id:
            self._clerk(t.clerk_id).add(t, busy=bool(t.counter_id))

    def add_session(self, counter_id: int, clerk_id: int, seconds: float) -> None:
        self._counter(counter_id).signed_in_seconds += seconds
        self._clerk(clerk_id).signed_in_seconds += seconds
        self.total.signed_in_seconds += seconds

    def _counter_number(self, g: Group) -> int:
        c = self.counter_rows.get(g.key)
        return c.number if c else 0

    def rows(self) -> dict[str, Any]:
        return {
            "total": self.total.row(),
            "categories": [g.row() for g in sorted(self.categories.values(), key=lambda g: g.label)],
            "counters": [g.row() for g in sorted(self.counters.values(), key=self._counter_number)],
            "clerks": [g.row() for g in sorted(self.clerks.values(), key=lambda g: g.label)],
            "hours": [g.row() for g in sorted(self.hours.values(), key=lambda g: g.key)],
        }


def hall_stats(hall: Hall, day: dt.date) -> dict[str, Any]:
    """Statistics for one day from events: overall, per category, counter, clerk and hour."""
    times = ticket_times(_events(ticket__hall=hall, ticket__day=day))
    sessions = _session_seconds(hall, *hall_day_bounds(hall, day))
    tally = _DayTally(hall, {t.clerk_id for t in times if t.clerk_id} | {clerk for _c, clerk in sessions})
    for t in times:
        tally.add_ticket(t)
    for (counter_id, clerk_id), seconds in sessions.items():
        tally.add_session(counter_id, clerk_id, seconds)
    return {"hall": hall, "day": day, **tally.rows()}


def period_summary(hall: Hall, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Mean waiting and service minutes over [start, end] (inclusive) — for reform before/after metrics."""
    g = Group("period", f"{start}–{end}")
    for t in ticket_times(_events(ticket__hall=hall, ticket__day__gte=start, ticket__day__lte=end)):
        if t.issued is not None:
            g.add(t)
    return g.row()


def _change(before: float | None, after: float | None) -> float | None:
    """after against before, in per cent of before."""
    if not before or after is None:
        return None
    return round(100 * (after - before) / before, 1)


def reform_comparison(hall: Hall, day: dt.date) -> dict[str, Any] | None:
    """The days before the hall's comprehensive-window reform against the 30 days up to `day` (None for a hall
    without a reform date or without tickets on either side)."""
    if not hall.reform_date:
        return None
    before = period_summary(hall, dt.date(2000, 1, 1), hall.reform_date - dt.timedelta(days=1))
    after = period_summary(hall, day - dt.timedelta(days=30), day)
    if not (before["tickets"] and after["tickets"] and before["mean_wait"] and after["mean_wait"] is not None):
        return None
    return {"before": before, "after": after, "wait_change": _change(before["mean_wait"], after["mean_wait"]),
            "service_change": _change(before["mean_service"], after["mean_service"])}


def ticket_days(hall: Hall, *, limit: int = 60) -> list[dt.date]:
    return list(Ticket.objects.filter(hall=hall).order_by("-day").values_list("day", flat=True).distinct()[:limit])
