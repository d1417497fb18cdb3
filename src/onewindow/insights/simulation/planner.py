"""The planner: the fewest windows per hour that meet a waiting-time target for a demand and a layout.

Start from Erlang C per pool and hour, then simulate (fixed seeds, the same customers in every trial):
add a window where an hour misses the target, and afterwards try to take each window away again, keeping
the removal only if every hour still meets the target. Queues carry over from hour to hour, which theory
per hour ignores; the simulation sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from onewindow.insights.simulation.distributions import quantile
from onewindow.insights.simulation.layouts import erlang_staffing
from onewindow.insights.simulation.model import Customer, Demand, Layout, draw_customers, simulate_once

METRICS = ("p90_wait", "mean_wait")
# progress(trials so far, steps done, steps in all): one step for growing, then one per pool and hour shrunk
Progress = Callable[[int, int, int], None]


@dataclass
class Plan:
    layout: Layout  # with the planned staffing
    erlang: dict[str, tuple[int, ...]]  # theory's first guess
    hour_metric: dict[str, list[float]]  # per pool and hour, the achieved metric (minutes)
    target_minutes: float
    metric: str
    met: bool
    trials: int

    @property
    def counter_hours(self) -> int:
        return sum(sum(p.staffing) for p in self.layout.pools)

    def counters_by_hour(self) -> list[int]:
        hours = max((len(p.staffing) for p in self.layout.pools), default=0)
        return [self.layout.counters_at(h) for h in range(hours)]


def _effective_wait(c: Customer, end: float) -> float:
    if c.called is not None:
        return c.called - c.arrival
    if c.abandoned and c.patience is not None:
        return c.patience
    return max(end - c.arrival, 0.0)  # never called: waited until the end


def evaluate(demand: Demand, layout: Layout, crowds: list[list[Customer]], metric: str) -> dict[str, list[float]]:
    pools = layout.pools
    pool_of: dict[str, str] = {}
    for code in demand.codes:
        for p in pools:
            if p.serves(code):
                pool_of.setdefault(code, p.name)
                break
    waits: dict[str, list[list[float]]] = {p.name: [[] for _ in range(demand.hours)] for p in pools}
    for i, people in enumerate(crowds):
        run = simulate_once(demand, layout, i, customers=people)
        for c in run.customers:
            if c.no_show:
                continue
            h = min(int(c.arrival // 60), demand.hours - 1)
            waits[pool_of[c.category]][h].append(_effective_wait(c, run.end))
    out: dict[str, list[float]] = {}
    for name, rows in waits.items():
        values = []
        for row in rows:
            row.sort()
            if not row:
                values.append(0.0)
            elif metric == "mean_wait":
                values.append(sum(row) / len(row))
            else:
                values.append(quantile(row, 0.9))
        out[name] = values
    return out


@dataclass
class _Search:
    """The state of one planning run: the staffing tried so far and how many simulations it took."""

    demand: Demand
    layout: Layout
    crowds: list[list[Customer]]
    metric: str
    target_minutes: float
    max_trials: int
    staffing: dict[str, list[int]]
    trials: int = 0
    progress: Progress | None = None
    step: int = 0

    @property
    def steps(self) -> int:
        return 1 + sum(len(row) for row in self.staffing.values())

    def trial(self) -> dict[str, list[float]]:
        self.trials += 1
        staffed = self.layout.with_staffing({k: tuple(v) for k, v in self.staffing.items()})
        result = evaluate(self.demand, staffed, self.crowds, self.metric)
        self.report()
        return result

    def report(self) -> None:
        if self.progress is not None:
            self.progress(self.trials, self.step, self.steps)

    def misses(self, result: dict[str, list[float]]) -> list[tuple[str, int]]:
        return [(name, h) for name, row in result.items() for h, v in enumerate(row) if v > self.target_minutes]

    def grow(self, result: dict[str, list[float]], max_per_pool: int) -> dict[str, list[float]]:
        """Add a window in every hour that misses (or the hour before, if that one is at the cap) until every
        hour meets the target, nothing can grow, or the trials run out."""
        while self.trials < self.max_trials:
            missed = self.misses(result)
            if not missed or not self._add_windows(missed, max_per_pool):
                break
            result = self.trial()
        return result

    def _add_windows(self, missed: list[tuple[str, int]], max_per_pool: int) -> bool:
        grown = False
        for name, h in missed:
            row = self.staffing[name]
            for hour in (h, h - 1):
                if 0 <= hour < len(row) and row[hour] < max_per_pool:
                    row[hour] += 1
                    grown = True
                    break
        return grown

    def shrink(self, result: dict[str, list[float]]) -> dict[str, list[float]]:
        """Take windows away, latest hours first, keeping a removal only while every hour meets the target."""
        for row in self.staffing.values():
            for h in range(len(row) - 1, -1, -1):
                while row[h] > 0 and self.trials < self.max_trials:
                    row[h] -= 1
                    candidate = self.trial()
                    if self.misses(candidate):
                        row[h] += 1
                        break
                    result = candidate
                self.step += 1
                self.report()
        return result


def plan_staffing(demand: Demand, layout: Layout, *, target_minutes: float = 10.0, metric: str = "p90_wait",
                  replications: int = 3, seed: int = 1, max_per_pool: int = 60, max_trials: int = 400,
                  progress: Progress | None = None) -> Plan:
    """Erlang C's staffing, grown where the simulation misses the target, then shrunk where it can be.
    `progress` is told after every trial and every pool-hour shrunk (a background run reports it)."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}")
    if target_minutes <= 0:
        raise ValueError("the target must be positive")
    erlang = erlang_staffing(demand, layout, target_p90_minutes=target_minutes)
    search = _Search(demand=demand, layout=layout, metric=metric, target_minutes=target_minutes,
                     crowds=[draw_customers(demand, seed + r) for r in range(replications)], max_trials=max_trials,
                     staffing={name: list(row) for name, row in erlang.items()}, progress=progress)
    result = search.grow(search.trial(), max_per_pool)
    search.step = 1
    met = not search.misses(result)
    if met:
        result = search.shrink(result)
    search.step = search.steps
    search.report()
    planned = layout.with_staffing({k: tuple(v) for k, v in search.staffing.items()})
    return Plan(layout=planned, erlang=erlang, hour_metric=result, target_minutes=target_minutes, metric=metric,
                met=met, trials=search.trials)
