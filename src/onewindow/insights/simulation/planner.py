"""The planner: the fewest windows per hour that meet a waiting-time target for a demand and a layout.

Start from Erlang C per pool and hour, then simulate (fixed seeds, the same customers in every trial):
add a window where an hour misses the target, and afterwards try to take each window away again, keeping
the removal only if every hour still meets the target. Queues carry over from hour to hour, which theory
per hour ignores; the simulation sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

from onewindow.insights.simulation.distributions import quantile
from onewindow.insights.simulation.layouts import erlang_staffing
from onewindow.insights.simulation.model import Customer, Demand, Layout, draw_customers, simulate_once

METRICS = ("p90_wait", "mean_wait")


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
    pool_of = {}
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


def plan_staffing(demand: Demand, layout: Layout, *, target_minutes: float = 10.0, metric: str = "p90_wait",
                  replications: int = 3, seed: int = 1, max_per_pool: int = 60, max_trials: int = 400) -> Plan:
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}")
    if target_minutes <= 0:
        raise ValueError("the target must be positive")
    crowds = [draw_customers(demand, seed + r) for r in range(replications)]
    erlang = erlang_staffing(demand, layout, target_p90_minutes=target_minutes)
    staffing = {name: list(row) for name, row in erlang.items()}
    trials = 0

    def trial() -> dict[str, list[float]]:
        nonlocal trials
        trials += 1
        return evaluate(demand, layout.with_staffing({k: tuple(v) for k, v in staffing.items()}), crowds, metric)

    def misses(result: dict[str, list[float]]) -> list[tuple[str, int]]:
        return [(name, h) for name, row in result.items() for h, v in enumerate(row) if v > target_minutes]

    result = trial()
    # grow: add a window in every hour that misses (or the hour before, if that one is at the cap)
    while trials < max_trials:
        bad = misses(result)
        if not bad:
            break
        grown = False
        for name, h in bad:
            row = staffing[name]
            for hh in (h, h - 1):
                if 0 <= hh < len(row) and row[hh] < max_per_pool:
                    row[hh] += 1
                    grown = True
                    break
        if not grown:
            break
        result = trial()
    met = not misses(result)
    # shrink: take windows away, latest hours first, while every hour still meets the target
    if met:
        for name in staffing:
            row = staffing[name]
            for h in range(len(row) - 1, -1, -1):
                while row[h] > 0 and trials < max_trials:
                    row[h] -= 1
                    candidate = trial()
                    if misses(candidate):
                        row[h] += 1
                        break
                    result = candidate
    planned = layout.with_staffing({k: tuple(v) for k, v in staffing.items()})
    return Plan(layout=planned, erlang=erlang, hour_metric=result, target_minutes=target_minutes, metric=metric,
                met=met, trials=trials)
