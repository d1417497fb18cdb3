"""A discrete-event model of a service hall, built on SimPy.

Customers take a ticket for a category; counters serve the categories of their skill set. Every waiting
ticket sits in its category's queue (priority tickets first, then first come first served); a free counter
takes the ticket that has waited longest among the categories it serves. This one rule covers the three
layouts: one window per department (each counter serves one category), comprehensive windows (every
counter serves every category) and skill groups (counters serve a subset).

Customers are drawn before the run from seeded streams (arrival times, service time, priority, no-show,
patience), so every layout and staffing sees the very same people: common random numbers make layout
comparisons and the planner's search sharp. Times are minutes from the hall's opening.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import simpy

from onewindow.insights.simulation.distributions import ServiceTime

ALL = "*"


@dataclass(frozen=True)
class CategoryDemand:
    code: str
    name: str
    arrivals_per_hour: tuple[float, ...]  # one rate per opening hour
    service: ServiceTime


@dataclass(frozen=True)
class Demand:
    categories: tuple[CategoryDemand, ...]
    open_hour: int = 9  # clock hour of minute 0, for labels
    priority_share: float = 0.0  # tickets with priority (elderly, disabled, appointments)
    no_show_share: float = 0.0  # called but gone
    no_show_minutes: float = 1.0  # time a counter loses on a no-show
    patience_minutes: float | None = None  # mean (exponential) patience; None: nobody leaves
    handover_minutes: float = 0.0  # a window's gap between one customer and calling the next

    @property
    def hours(self) -> int:
        return max((len(c.arrivals_per_hour) for c in self.categories), default=0)

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.categories]

    def category(self, code: str) -> CategoryDemand:
        for c in self.categories:
            if c.code == code:
                return c
        raise KeyError(code)

    def total_per_hour(self) -> list[float]:
        return [sum(c.arrivals_per_hour[h] if h < len(c.arrivals_per_hour) else 0.0 for c in self.categories)
                for h in range(self.hours)]


@dataclass(frozen=True)
class Pool:
    """A group of identical counters serving the same categories, with the number open per hour."""

    name: str
    categories: frozenset[str]  # {"*"} for every category
    staffing: tuple[int, ...]  # counters open in each hour; the last value holds until the queue is empty

    def serves(self, code: str) -> bool:
        return ALL in self.categories or code in self.categories

    def open_at(self, hour: int) -> int:
        if not self.staffing:
            return 0
        return self.staffing[min(hour, len(self.staffing) - 1)]


@dataclass(frozen=True)
class Layout:
    code: str
    name: str
    pools: tuple[Pool, ...]
    service_factor: float = 1.0  # >1 when cross-trained staff are slower at first

    def counters_at(self, hour: int) -> int:
        return sum(p.open_at(hour) for p in self.pools)

    def with_staffing(self, staffing: dict[str, tuple[int, ...]]) -> Layout:
        pools = tuple(Pool(p.name, p.categories, tuple(staffing.get(p.name, p.staffing))) for p in self.pools)
        return Layout(self.code, self.name, pools, self.service_factor)


@dataclass(slots=True)
class Customer:
    arrival: float
    category: str
    service: float  # minutes at the window (for a no-show: how long the window waited for them)
    priority: bool = False
    no_show: bool = False
    patience: float | None = None
    # filled by the run
    called: float | None = None
    finished: float | None = None
    abandoned: bool = False


def draw_customers(demand: Demand, seed: int, *, horizon_hours: int | None = None) -> list[Customer]:
    """Non-homogeneous Poisson arrivals (piecewise constant per hour) with their attributes, seeded per category."""
    hours = horizon_hours if horizon_hours is not None else demand.hours
    out: list[Customer] = []
    priority_share, no_show_share = demand.priority_share, demand.no_show_share
    no_show_minutes, patience_mean = demand.no_show_minutes, demand.patience_minutes
    for cat in demand.categories:
        rng = random.Random(f"{seed}:{cat.code}:arrivals")
        attr = random.Random(f"{seed}:{cat.code}:attributes")
        sample, code, rates = cat.service.sample, cat.code, cat.arrivals_per_hour
        t = 0.0
        hour = 0
        while hour < hours:
            rate = rates[hour] if hour < len(rates) else 0.0
            end = (hour + 1) * 60.0
            if rate <= 0:
                t, hour = end, hour + 1
                continue
            t += rng.expovariate(rate / 60.0)
            if t >= end:  # memoryless: restart at the next hour with its own rate
                t, hour = end, hour + 1
                continue
            service = sample(attr)
            priority = attr.random() < priority_share
            no_show = attr.random() < no_show_share
            patience = attr.expovariate(1.0 / patience_mean) if patience_mean else None
            out.append(Customer(t, code, no_show_minutes if no_show else service, priority, no_show, patience))
    out.sort(key=lambda c: c.arrival)
    return out


@dataclass
class CounterState:
    pool: Pool
    index: int  # 0-based position in its pool: open in hour h when index < pool.open_at(h)
    busy: float = 0.0
    served: int = 0
    wake: simpy.Event | None = None


@dataclass
class RunResult:
    customers: list[Customer]
    counters: list[CounterState]
    open_minutes: dict[str, float] = field(default_factory=dict)  # per pool: counter-minutes on duty
    end: float = 0.0


class HallModel:
    def __init__(self, layout: Layout, customers: list[Customer], *, hours: int, handover_minutes: float = 0.0,
                 max_overtime_minutes: float = 240.0) -> None:
        self.layout = layout
        self.handover = handover_minutes
        self.customers = customers
        self.hours = hours
        self.close = hours * 60.0
        self.stop_at = self.close + max_overtime_minutes
        self.env = simpy.Environment()
        self.queues: dict[str, tuple[deque[Customer], deque[Customer]]] = {}
        for c in customers:
            if c.category not in self.queues:
                self.queues[c.category] = (deque(), deque())
        self.counters: list[CounterState] = []
        for pool in layout.pools:
            most = max(pool.staffing, default=0)
            for i in range(most):
                self.counters.append(CounterState(pool=pool, index=i))
        self.skills: dict[int, list[str]] = {
            id(cs): [code for code in self.queues if cs.pool.serves(code)] for cs in self.counters}
        # per counter: (priority queues of its skills, normal queues of its skills)
        self.levels: dict[int, tuple[list[deque[Customer]], list[deque[Customer]]]] = {
            id(cs): ([self.queues[k][0] for k in self.skills[id(cs)]], [self.queues[k][1] for k in self.skills[id(cs)]])
            for cs in self.counters}
        # counters open in every hour never need the duty check
        self.always_on: set[int] = {id(cs) for cs in self.counters
                                    if all(cs.index < cs.pool.open_at(h) for h in range(max(1, hours) + 1))}
        self.idle: list[CounterState] = []
        self.arrivals_done = False

    # --- staffing -------------------------------------------------------------------------------
    def hour_of(self, t: float) -> int:
        return min(int(t // 60), max(0, self.hours - 1)) if t < self.close else self.hours  # hours = overtime

    def on_duty(self, cs: CounterState, t: float) -> bool:
        return cs.index < cs.pool.open_at(int(t // 60))

    def next_duty_start(self, cs: CounterState, t: float) -> float | None:
        h = int(t // 60) + 1
        while h <= self.hours:
            if cs.index < cs.pool.open_at(h):
                return h * 60.0
            h += 1
        return None

    # --- queues ---------------------------------------------------------------------------------
    def take(self, cs: CounterState) -> Customer | None:
        """The priority ticket that has waited longest, else the ticket that has waited longest (skills only)."""
        for level in self.levels[id(cs)]:
            best_q: deque[Customer] | None = None
            best_t = 0.0
            for q in level:
                while q and q[0].abandoned:
                    q.popleft()
                if q and (best_q is None or q[0].arrival < best_t):
                    best_q, best_t = q, q[0].arrival
            if best_q is not None:
                return best_q.popleft()
        return None

    def queues_empty(self) -> bool:
        for pq, nq in self.queues.values():
            if any(not c.abandoned for c in pq) or any(not c.abandoned for c in nq):
                return False
        return True

    # --- processes ------------------------------------------------------------------------------
    def arrivals(self) -> Generator[Any, Any, None]:
        env = self.env
        for c in self.customers:
            if c.arrival > env.now:
                yield env.timeout(c.arrival - env.now)
            self.arrive(c)
        self.arrivals_done = True
        self.wake_idle(lambda cs: True)

    def arrive(self, c: Customer) -> None:
        for i, cs in enumerate(self.idle):
            if c.category in self.skills[id(cs)] or cs.pool.serves(c.category):
                del self.idle[i]
                cs.wake.succeed(c)  # type: ignore[union-attr]
                return
        q = self.queues[c.category][0 if c.priority else 1]
        q.append(c)
        if c.patience is not None:
            self.env.timeout(c.patience).callbacks.append(lambda _event: self.give_up(c))

    def give_up(self, c: Customer) -> None:
        if c.called is None:
            c.abandoned = True

    def wake_idle(self, which: Callable[[CounterState], bool]) -> None:
        keep = []
        for cs in self.idle:
            if which(cs):
                cs.wake.succeed(None)  # type: ignore[union-attr]
            else:
                keep.append(cs)
        self.idle = keep

    def shift_changes(self) -> Generator[Any, Any, None]:
        env = self.env
        for h in range(1, self.hours + 1):
            yield env.timeout(h * 60.0 - env.now)
            self.wake_idle(lambda cs: not self.on_duty(cs, env.now))

    def counter(self, cs: CounterState) -> Generator[Any, Any, None]:
        env = self.env
        factor = self.layout.service_factor
        handover = self.handover
        always = id(cs) in self.always_on
        while True:
            if not always and not self.on_duty(cs, env.now):
                start = self.next_duty_start(cs, env.now)
                if start is None:
                    return
                yield env.timeout(start - env.now)
                continue
            c = self.take(cs)
            if c is None:
                if self.arrivals_done:
                    return
                cs.wake = env.event()
                self.idle.append(cs)
                c = yield cs.wake
                if c is None:
                    continue
            c.called = env.now
            work = c.service * (1.0 if c.no_show else factor) + handover  # a no-show's service: the wait
            yield env.timeout(work)
            c.finished = env.now
            cs.busy += work
            cs.served += 0 if c.no_show else 1

    def run(self) -> RunResult:
        env = self.env
        env.process(self.arrivals())
        env.process(self.shift_changes())
        for cs in self.counters:
            env.process(self.counter(cs))
        env.run(until=self.stop_at)
        end = env.now if env.now < self.stop_at else self.stop_at
        open_minutes: dict[str, float] = {}
        for pool in self.layout.pools:
            open_minutes[pool.name] = sum(pool.open_at(h) * 60.0 for h in range(self.hours))
        return RunResult(customers=self.customers, counters=self.counters, open_minutes=open_minutes, end=end)


def simulate_once(demand: Demand, layout: Layout, seed: int, *, customers: list[Customer] | None = None) -> RunResult:
    people = customers if customers is not None else draw_customers(demand, seed)
    fresh = [Customer(c.arrival, c.category, c.service, c.priority, c.no_show, c.patience) for c in people]
    return HallModel(layout, fresh, hours=demand.hours, handover_minutes=demand.handover_minutes).run()
