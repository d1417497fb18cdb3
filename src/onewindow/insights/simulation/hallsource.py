"""Demand and recorded days from a hall's append-only ticket events (the only place that touches hall tables).

Waiting = first call − issue, service = finish − first call; both come from TicketEvent rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils import timezone

from onewindow.insights.simulation.distributions import ServiceTime, fit_service_time, quantile
from onewindow.insights.simulation.model import CategoryDemand, Demand, Layout, Pool
from onewindow.insights.simulation.replay import RecordedTicket, handover_minutes


@dataclass(frozen=True)
class HallPeriod:
    """Recorded days of a hall with the same set of ticket categories (e.g. before and after a reform)."""

    hall_code: str
    hall_name: str
    days: tuple[dt.date, ...]  # newest first
    categories: frozenset[str]

    @property
    def key(self) -> str:
        return f"{self.hall_code}@{self.days[0].isoformat()}"

    @property
    def label(self) -> str:
        first, last = self.days[-1], self.days[0]
        span = first.isoformat() if first == last else f"{first.isoformat()}–{last.isoformat()}"
        return f"{self.hall_name}（{span}，{len(self.days)} 天）"


_periods_cache: dict[tuple, list[HallPeriod]] = {}


def hall_periods(limit_days: int = 60) -> list[HallPeriod]:
    """Each hall's recorded days, split where the set of categories changes; newest period first per hall.
    Kept per process while the tickets (their count and latest id) and the halls are unchanged: reading every
    ticket's day and category is most of a simulation page's database time."""
    from django.db.models import Count, Max, Min

    from onewindow.hall.models import Hall, HallCategory, Ticket

    stamp = Ticket.objects.aggregate(n=Count("id"), last=Max("id"), first=Min("day"), latest=Max("day"))
    key = (limit_days, *stamp.values(), tuple(Hall.objects.values_list("id", "name", "sort_order")),
           tuple(HallCategory.objects.values_list("id", "category__code")))
    cached = _periods_cache.get(key)
    if cached is None:  # another server process may have read them: the shared cache
        import hashlib

        from django.core.cache import cache

        shared = "insights:sim-periods:" + hashlib.sha256(repr(key).encode()).hexdigest()[:40]
        cached = cache.get(shared)
        if cached is None:
            cached = _read_periods(limit_days)
            cache.set(shared, cached, 24 * 3600)
        if len(_periods_cache) >= 4:
            _periods_cache.pop(next(iter(_periods_cache)))
        _periods_cache[key] = cached
    return list(cached)


def _read_periods(limit_days: int) -> list[HallPeriod]:
    from onewindow.hall.models import Hall, HallCategory, Ticket

    per_day: dict[tuple[int, dt.date], set[str]] = defaultdict(set)
    codes = dict(HallCategory.objects.values_list("id", "category__code"))
    for hall_id, day, cat_id in (Ticket.objects.exclude(counter=None)
                                 .values_list("hall_id", "day", "category_id").distinct()):
        per_day[(hall_id, day)].add(codes.get(cat_id, str(cat_id)))
    halls = {h.id: h for h in Hall.objects.filter(id__in={k[0] for k in per_day})}
    out: list[HallPeriod] = []
    for hall in sorted(halls.values(), key=lambda h: (h.sort_order, h.code)):
        days = sorted((d for (hid, d) in per_day if hid == hall.id), reverse=True)
        groups: list[tuple[frozenset[str], list[dt.date]]] = []
        for day in days:
            cats = frozenset(per_day[(hall.id, day)])
            # a day joins a period when it shares most categories with it (a quiet category may be missing)
            for group_cats, group_days in groups:
                if len(cats & group_cats) * 2 > len(cats | group_cats) and len(group_days) < limit_days:
                    group_days.append(day)
                    break
            else:
                groups.append((cats, [day]))
        for cats, group_days in groups:
            out.append(HallPeriod(hall.code, hall.name, tuple(group_days), cats))
    return out


def find_period(key: str) -> HallPeriod | None:
    for period in hall_periods():
        if period.key == key or period.hall_code == key:
            return period
    return None


def _local(t: dt.datetime, tz: dt.tzinfo | None = None) -> dt.datetime:
    if t.tzinfo is None:
        return t
    return t.astimezone(tz or timezone.get_current_timezone())


_records_cache: dict[tuple, list[tuple[RecordedTicket, dt.date]]] = {}


def events_stamp(hall_code: str, days: list[dt.date]) -> tuple[int, int | None]:
    """The count and latest id of the hall's ticket events on those days: what changes when they change."""
    from django.db.models import Count, Max

    from onewindow.hall.models import TicketEvent

    stamp = TicketEvent.objects.filter(ticket__hall__code=hall_code, ticket__day__in=days).aggregate(
        n=Count("id"), last=Max("id"))
    return stamp["n"], stamp["last"]


def recorded_tickets(hall_code: str, days: list[dt.date]) -> list[tuple[RecordedTicket, dt.date]]:
    """Every ticket of the hall on those days as (category code, issued, first called, finished, counter).
    Two flat queries (tickets, then their call/finish/no-show events), no joins per row. Kept per process
    while the days' events are unchanged (their count and latest id), so page reloads skip the reading."""
    key = (hall_code, tuple(sorted(days)), *events_stamp(hall_code, days))
    cached = _records_cache.get(key)
    if cached is None:
        cached = _read_tickets(hall_code, days)
        if len(_records_cache) >= 8:
            _records_cache.pop(next(iter(_records_cache)))
        _records_cache[key] = cached
    return cached


def _read_tickets(hall_code: str, days: list[dt.date]) -> list[tuple[RecordedTicket, dt.date]]:
    from onewindow.hall.models import Counter as HallCounter
    from onewindow.hall.models import HallCategory, Ticket, TicketEvent

    tz = timezone.get_current_timezone()
    codes = dict(HallCategory.objects.filter(hall__code=hall_code).values_list("id", "category__code"))
    numbers = dict(HallCounter.objects.filter(hall__code=hall_code).values_list("id", "number"))
    tickets: dict[int, dict] = {}
    for tid, cat_id, priority, day, issued_at in (Ticket.objects.filter(hall__code=hall_code, day__in=days)
                                                  .values_list("id", "category_id", "priority", "day", "issued_at")):
        tickets[tid] = {"category": codes.get(cat_id, str(cat_id)), "issued": _local(issued_at, tz), "called": None,
                        "finished": None, "counter": None, "priority": bool(priority), "day": day, "no_show_at": None}
    rows = (TicketEvent.objects.filter(ticket__hall__code=hall_code, ticket__day__in=days,
                                       action__in=("called", "finished", "no_show"))
            .values_list("ticket_id", "action", "at", "counter_id").order_by("at", "id"))
    for ticket_id, kind, at, counter_id in rows:
        t = tickets.get(ticket_id)
        if t is None:
            continue
        if kind == "called" and t["called"] is None:
            t["called"] = _local(at, tz)
            t["counter"] = str(numbers.get(counter_id, counter_id)) if counter_id is not None else None
        elif kind == "finished":
            t["finished"] = _local(at, tz)
        elif kind == "no_show" and t["called"] is not None and t["no_show_at"] is None:
            t["no_show_at"] = _local(at, tz)
    return [(RecordedTicket(category=t["category"], issued=t["issued"], called=t["called"], finished=t["finished"],
                            counter=t["counter"], priority=t["priority"], no_show_at=t["no_show_at"]), t["day"])
            for t in tickets.values()]


def recorded_day(hall_code: str, day: dt.date, within: list[dt.date] | None = None) -> list[RecordedTicket]:
    """The day's tickets; read with the days `within` (the period the page already read) when it is one of them."""
    days = within if within and day in within else [day]
    return [t for t, d in recorded_tickets(hall_code, days) if d == day]


def category_names(hall_code: str) -> dict[str, str]:
    from django.utils.translation import get_language

    from onewindow.hall.models import HallCategory

    english = (get_language() or "").startswith("en")  # the English name on English pages, where there is one
    return {code: name_en if english and name_en else name for code, name, name_en in HallCategory.objects
            .filter(hall__code=hall_code).values_list("category__code", "category__name", "category__name_en")}


def fit_demand(hall_code: str, days: list[dt.date], *, service_kind: str = "empirical",
               records: list[tuple[RecordedTicket, dt.date]] | None = None) -> Demand:
    """Hourly arrival rates per category (tickets per hour averaged over the days) and the recorded service
    times; priority and no-show shares from the same tickets."""
    records = records if records is not None else recorded_tickets(hall_code, days)
    if not records:
        raise ValueError("no recorded tickets for this hall and these days")
    n_days = len({d for _t, d in records})
    open_hour = min(t.issued.hour for t, _d in records)
    close_hour = max(t.issued.hour for t, _d in records) + 1
    hours = close_hour - open_hour
    names = category_names(hall_code)
    counts: dict[str, list[float]] = defaultdict(lambda: [0.0] * hours)
    services: dict[str, list[float]] = defaultdict(list)
    priority = no_show = 0
    for t, _d in records:
        counts[t.category][t.issued.hour - open_hour] += 1.0
        if t.priority:
            priority += 1
        if t.called is not None and t.finished is not None:
            services[t.category].append((t.finished - t.called).total_seconds() / 60.0)
        elif t.called is not None:
            no_show += 1
    all_services = [s for v in services.values() for s in v]
    cats = []
    for code in sorted(counts):
        samples = services.get(code) or all_services or [8.0]
        service = fit_service_time(samples, service_kind) if len(samples) >= 5 else ServiceTime(
            "exponential", mean=sum(samples) / len(samples))
        cats.append(CategoryDemand(code, names.get(code, code), tuple(c / n_days for c in counts[code]), service))
    total = len(records)
    no_show_waits = sorted((t.no_show_at - t.called).total_seconds() / 60.0 for t, _d in records
                           if t.no_show_at is not None and t.called is not None)
    return Demand(categories=tuple(cats), open_hour=open_hour, priority_share=priority / total,
                  no_show_share=no_show / total,
                  no_show_minutes=quantile(no_show_waits, 0.5) if no_show_waits else 1.0,
                  handover_minutes=handover_minutes([t for t, _d in records]))


def recorded_staffing(hall_code: str, days: list[dt.date],
                      records: list[tuple[RecordedTicket, dt.date]] | None = None) -> dict[str, int]:
    """Windows per category as recorded: each counter counts for the category it called most that day;
    the busiest day's figure per category."""
    per_day: dict[dt.date, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for t, day in (records if records is not None else recorded_tickets(hall_code, days)):
        if t.counter is not None and t.called is not None:
            per_day[day][t.counter][t.category] += 1
    best: dict[str, int] = defaultdict(int)
    for counters in per_day.values():
        day_counts: Counter[str] = Counter(c.most_common(1)[0][0] for c in counters.values())
        for cat, n in day_counts.items():
            best[cat] = max(best[cat], n)
    return dict(best)


def configured_layout(hall_code: str, demand: Demand) -> Layout:
    """The hall's counters as configured: counters with the same skills form one pool, open all day."""
    from onewindow.hall.models import Counter as HallCounter

    groups: dict[frozenset[str], int] = defaultdict(int)
    for counter in HallCounter.objects.filter(hall__code=hall_code, active=True).prefetch_related("categories__category"):
        skills = frozenset(hc.category.code for hc in counter.categories.all())
        if skills:
            groups[skills] += 1
    pools = tuple(Pool("+".join(sorted(skills)), skills, (n,) * demand.hours)
                  for skills, n in sorted(groups.items(), key=lambda kv: sorted(kv[0])))
    return Layout("configured", "现有窗口配置", pools)
