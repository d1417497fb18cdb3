"""Replay a recorded day: the real arrivals and service times through a layout, compared with the real waits.

Input is a plain list of recorded tickets (category, issued, called, finished, counter), which
`hallsource.recorded_day` builds from the hall's append-only ticket events. Tickets never called in
reality (left, cancelled) are counted but not replayed: their service time is unknown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from onewindow.insights.simulation.distributions import ServiceTime, quantile, share_above
from onewindow.insights.simulation.model import CategoryDemand, Customer, Demand, Layout, Pool, simulate_once

NO_SHOW_MINUTES = 1.0  # a call answered by nobody, when the record does not say how long the window waited


def handover_minutes(tickets: list[RecordedTicket]) -> float:
    """The median gap between a window finishing one customer and calling the next, over gaps shorter than
    two minutes (longer gaps are idle time, not handover)."""
    by_counter: dict[str, list[RecordedTicket]] = {}
    for t in tickets:
        if t.counter and t.called is not None:
            by_counter.setdefault(t.counter, []).append(t)
    gaps = []
    for done in by_counter.values():
        done.sort(key=lambda t: t.called)  # type: ignore[arg-type, return-value]
        for a, b in zip(done, done[1:], strict=False):
            end = a.finished or a.no_show_at
            if end is not None:
                gap = (b.called - end).total_seconds() / 60.0  # type: ignore[operator]
                if 0 <= gap < 2:
                    gaps.append(gap)
    return quantile(sorted(gaps), 0.5) if gaps else 0.0


@dataclass(frozen=True)
class RecordedTicket:
    category: str
    issued: dt.datetime
    called: dt.datetime | None
    finished: dt.datetime | None
    counter: str | None = None
    priority: bool = False
    no_show_at: dt.datetime | None = None  # called, nobody came


@dataclass
class Comparison:
    label: str
    n: int
    real_mean: float
    sim_mean: float
    real_p90: float
    sim_p90: float
    real_over_15: float
    sim_over_15: float

    def as_dict(self) -> dict:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


@dataclass
class ReplayResult:
    day: dt.date
    open_hour: int
    hours: int
    layout: Layout
    replayed: int
    not_called: int
    overall: Comparison
    by_category: list[Comparison] = field(default_factory=list)
    by_hour: list[Comparison] = field(default_factory=list)
    sim_waits: list[float] = field(default_factory=list)
    real_waits: list[float] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "day": self.day.isoformat(), "open_hour": self.open_hour, "hours": self.hours,
            "layout": {"code": self.layout.code, "name": self.layout.name,
                       "pools": [{"name": p.name, "categories": sorted(p.categories), "staffing": list(p.staffing)}
                                 for p in self.layout.pools]},
            "replayed": self.replayed, "not_called": self.not_called, "overall": self.overall.as_dict(),
            "by_category": [c.as_dict() for c in self.by_category], "by_hour": [c.as_dict() for c in self.by_hour],
        }


def _minutes(t: dt.datetime, origin: dt.datetime) -> float:
    return (t - origin).total_seconds() / 60.0


def _origin(tickets: list[RecordedTicket]) -> dt.datetime:
    first = min(t.issued for t in tickets)
    return first.replace(minute=0, second=0, microsecond=0)


def recorded_layout(tickets: list[RecordedTicket]) -> Layout:
    """The day as it was staffed: each counter a pool of one, serving the categories it called that day,
    open in the hours from its first call to its last finish."""
    origin = _origin(tickets)
    by_counter: dict[str, list[RecordedTicket]] = {}
    for t in tickets:
        if t.called is not None and t.counter:
            by_counter.setdefault(t.counter, []).append(t)
    hours = _hours(tickets, origin)
    pools = []
    for name, done in sorted(by_counter.items()):
        first = min(_minutes(t.called, origin) for t in done)  # type: ignore[arg-type]
        last = max(_minutes(t.finished or t.called, origin) for t in done)  # type: ignore[arg-type]
        staffing = tuple(1 if int(first // 60) <= h <= int(last // 60) else 0 for h in range(hours))
        pools.append(Pool(name, frozenset(t.category for t in done), staffing))
    return Layout("recorded", "实际窗口", tuple(pools))


def _hours(tickets: list[RecordedTicket], origin: dt.datetime) -> int:
    last = max(_minutes(t.issued, origin) for t in tickets)
    return int(last // 60) + 1


def _compare(label: str, real: list[float], sim: list[float]) -> Comparison:
    real, sim = sorted(real), sorted(sim)
    return Comparison(
        label=label, n=len(real),
        real_mean=sum(real) / len(real) if real else 0.0, sim_mean=sum(sim) / len(sim) if sim else 0.0,
        real_p90=quantile(real, 0.9), sim_p90=quantile(sim, 0.9),
        real_over_15=share_above(real, 15.0), sim_over_15=share_above(sim, 15.0))


def replay_day(tickets: list[RecordedTicket], layout: Layout | None = None) -> ReplayResult:
    if not tickets:
        raise ValueError("no recorded tickets for that day")
    origin = _origin(tickets)
    hours = _hours(tickets, origin)
    layout = layout or recorded_layout(tickets)
    called = [t for t in tickets if t.called is not None]
    customers = []
    for t in sorted(called, key=lambda t: t.issued):
        if t.finished is not None:
            service, no_show = max(_minutes(t.finished, t.called), 0.0), False  # type: ignore[arg-type]
        else:  # a no-show: the window waited until the no-show was recorded
            service = _minutes(t.no_show_at, t.called) if t.no_show_at else NO_SHOW_MINUTES  # type: ignore[arg-type]
            no_show = True
        customers.append(Customer(arrival=_minutes(t.issued, origin), category=t.category, service=service,
                                  priority=t.priority, no_show=no_show))
    categories = sorted({t.category for t in tickets})
    # the model only needs the number of hours and the category codes here
    demand = Demand(categories=tuple(CategoryDemand(c, c, (0.0,) * hours, ServiceTime("fixed", 1.0))
                                     for c in categories), open_hour=origin.hour,
                    handover_minutes=handover_minutes(tickets))
    run = simulate_once(demand, layout, 0, customers=customers)
    real_w: dict[str, list[float]] = {}
    sim_w: dict[str, list[float]] = {}
    real_h: list[list[float]] = [[] for _ in range(hours)]
    sim_h: list[list[float]] = [[] for _ in range(hours)]
    all_real: list[float] = []
    all_sim: list[float] = []
    for t, c in zip(sorted(called, key=lambda t: t.issued), run.customers, strict=True):
        if c.no_show:
            continue
        real = _minutes(t.called, t.issued)  # type: ignore[arg-type]
        sim = (c.called - c.arrival) if c.called is not None else max(run.end - c.arrival, 0.0)
        h = min(int(c.arrival // 60), hours - 1)
        real_w.setdefault(t.category, []).append(real)
        sim_w.setdefault(t.category, []).append(sim)
        real_h[h].append(real)
        sim_h[h].append(sim)
        all_real.append(real)
        all_sim.append(sim)
    return ReplayResult(
        day=origin.date(), open_hour=origin.hour, hours=hours, layout=layout, replayed=len(called),
        not_called=len(tickets) - len(called), overall=_compare("全部", all_real, all_sim),
        by_category=[_compare(code, real_w.get(code, []), sim_w.get(code, [])) for code in categories],
        by_hour=[_compare(f"{origin.hour + h:02d}:00", real_h[h], sim_h[h]) for h in range(hours)],
        sim_waits=all_sim, real_waits=all_real)
