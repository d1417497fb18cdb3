"""Replications with fixed seeds, per-category and per-hour metrics, and 95% confidence intervals.

Each replication draws its customers once and sends the same people through every layout (common random
numbers), so differences between layouts are not noise from different arrivals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from onewindow.insights.simulation.distributions import quantile, share_above
from onewindow.insights.simulation.model import (
    Customer,
    Demand,
    Layout,
    RunResult,
    draw_customers,
    simulate_once,
)

LONG_WAIT_MINUTES = 15.0

# Student t, two-sided 95%, by degrees of freedom (normal beyond 30)
_T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
         11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093,
         20: 2.086, 25: 2.060, 30: 2.042}


def t975(df: int) -> float:
    if df <= 0:
        return math.nan
    if df in _T975:
        return _T975[df]
    if df < 30:
        lower = max(k for k in _T975 if k < df)
        return _T975[lower]
    return 1.96


@dataclass(frozen=True)
class Estimate:
    mean: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: list[float]) -> Estimate:
        n = len(values)
        if n == 0:
            return cls(0.0, 0.0, 0.0, 0)
        m = sum(values) / n
        if n == 1:
            return cls(m, m, m, 1)
        sd = math.sqrt(sum((v - m) ** 2 for v in values) / (n - 1))
        half = t975(n - 1) * sd / math.sqrt(n)
        return cls(m, m - half, m + half, n)

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def as_dict(self, digits: int = 3) -> dict:
        return {"mean": round(self.mean, digits), "low": round(self.low, digits), "high": round(self.high, digits)}


METRICS = ("mean_wait", "p90_wait", "share_over_15", "p_wait", "abandonment", "no_show", "served", "arrived",
           "unserved")


def _stats(people: list[Customer]) -> dict[str, float]:
    waits = sorted(c.called - c.arrival for c in people if c.called is not None and not c.no_show)
    arrived = len(people)
    abandoned = sum(1 for c in people if c.abandoned)
    unserved = sum(1 for c in people if c.called is None and not c.abandoned)
    return {
        "mean_wait": sum(waits) / len(waits) if waits else 0.0,
        "p90_wait": quantile(waits, 0.9),
        "share_over_15": share_above(waits, LONG_WAIT_MINUTES),
        "p_wait": share_above(waits, 1e-9),  # had to wait at all (Erlang C's C(c, a))
        "abandonment": abandoned / arrived if arrived else 0.0,
        "no_show": sum(1 for c in people if c.no_show and c.called is not None) / arrived if arrived else 0.0,
        "served": float(len(waits)),
        "arrived": float(arrived),
        "unserved": float(unserved),
    }


@dataclass
class ReplicationMetrics:
    overall: dict[str, float]
    by_category: dict[str, dict[str, float]]
    by_hour: list[dict[str, float]]  # by the hour of arrival
    utilisation: dict[str, float]  # per pool


def measure(run: RunResult, demand: Demand, layout: Layout, *, warmup_minutes: float = 0.0) -> ReplicationMetrics:
    people = [c for c in run.customers if c.arrival >= warmup_minutes]
    by_cat: dict[str, list[Customer]] = {code: [] for code in demand.codes}
    hours = demand.hours
    by_hour: list[list[Customer]] = [[] for _ in range(hours)]
    last = hours - 1
    for c in people:
        by_cat.setdefault(c.category, []).append(c)
        h = int(c.arrival // 60)
        by_hour[h if h < last else last].append(c)
    busy: dict[str, float] = {}
    for cs in run.counters:
        busy[cs.pool.name] = busy.get(cs.pool.name, 0.0) + cs.busy
    utilisation = {name: (busy.get(name, 0.0) / minutes if minutes else 0.0)
                   for name, minutes in run.open_minutes.items()}
    return ReplicationMetrics(
        overall=_stats(people),
        by_category={code: _stats(group) for code, group in by_cat.items()},
        by_hour=[_stats(group) for group in by_hour],
        utilisation=utilisation,
    )


@dataclass
class LayoutResult:
    layout: Layout
    replications: list[ReplicationMetrics]

    def estimate(self, metric: str, category: str | None = None) -> Estimate:
        if category is None:
            return Estimate.of([r.overall[metric] for r in self.replications])
        return Estimate.of([r.by_category[category][metric] for r in self.replications])

    def hour_estimate(self, metric: str, hour: int) -> Estimate:
        return Estimate.of([r.by_hour[hour][metric] for r in self.replications])

    def utilisation(self) -> dict[str, Estimate]:
        names = [p.name for p in self.layout.pools]
        return {n: Estimate.of([r.utilisation.get(n, 0.0) for r in self.replications]) for n in names}

    def overall_utilisation(self) -> Estimate:
        values = []
        for r in self.replications:
            opened = sum(p.open_at(h) for p in self.layout.pools for h in range(len(r.by_hour))) * 60.0
            busy = sum(r.utilisation.get(p.name, 0.0) * sum(p.open_at(h) * 60.0 for h in range(len(r.by_hour)))
                       for p in self.layout.pools)
            values.append(busy / opened if opened else 0.0)
        return Estimate.of(values)


def run_layouts(demand: Demand, layouts: list[Layout], *, replications: int = 5, seed: int = 1,
                warmup_minutes: float = 0.0) -> list[LayoutResult]:
    if replications < 1:
        raise ValueError("at least one replication")
    results = [LayoutResult(layout=lay, replications=[]) for lay in layouts]
    for r in range(replications):
        people = draw_customers(demand, seed + r)
        for result in results:
            run = simulate_once(demand, result.layout, seed + r, customers=people)
            result.replications.append(measure(run, demand, result.layout, warmup_minutes=warmup_minutes))
    return results
