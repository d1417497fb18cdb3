"""Counter layouts: one window per department (category), comprehensive windows, skill groups."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TypeAlias

from django.utils.translation import gettext_noop

from onewindow.insights.simulation.erlang import servers_needed
from onewindow.insights.simulation.model import ALL, Demand, Layout, Pool

DEPARTMENT = "department"
COMPREHENSIVE = "comprehensive"
SKILL_GROUPS = "skill_groups"
#: the names are msgids: pages show them translated ({% translate %})
LAYOUT_NAMES = {DEPARTMENT: gettext_noop("部门窗口"), COMPREHENSIVE: gettext_noop("综合窗口"),
                SKILL_GROUPS: gettext_noop("分组综合窗口")}

#: windows open: the same number all day, or one number per hour (the last repeated to the end of the day)
Windows: TypeAlias = int | Sequence[int]
#: windows per department or skill group (1 for one not named), or the same for every one
Staffing: TypeAlias = Mapping[str, Windows] | int


def _hours(staffing: Windows, hours: int) -> tuple[int, ...]:
    if isinstance(staffing, int):
        return (staffing,) * hours
    values = tuple(int(v) for v in staffing)
    if any(v < 0 for v in values):
        raise ValueError("staffing cannot be negative")
    return values + (values[-1],) * (hours - len(values)) if values and len(values) < hours else values


def department_layout(demand: Demand, staffing: Staffing) -> Layout:
    """One queue and its own windows per category (the layout before the reform)."""
    pools = []
    for cat in demand.categories:
        per = staffing if isinstance(staffing, int) else staffing.get(cat.code, 1)
        pools.append(Pool(cat.code, frozenset({cat.code}), _hours(per, demand.hours)))
    return Layout(DEPARTMENT, LAYOUT_NAMES[DEPARTMENT], tuple(pools))


def comprehensive_layout(demand: Demand, staffing: Windows, *, service_factor: float = 1.0) -> Layout:
    """Every window serves every category from one shared queue (无差别综合受理)."""
    pool = Pool("all", frozenset({ALL}), _hours(staffing, demand.hours))
    return Layout(COMPREHENSIVE, LAYOUT_NAMES[COMPREHENSIVE], (pool,), service_factor)


def skill_group_layout(demand: Demand, groups: Mapping[str, Sequence[str]], staffing: Staffing,
                       *, service_factor: float = 1.0) -> Layout:
    """Windows pooled by skill group (e.g. 社会民生 / 经营管理 / 工程建设)."""
    known = set(demand.codes)
    covered: set[str] = set()
    pools = []
    for name, codes in groups.items():
        unknown = set(codes) - known
        if unknown:
            raise ValueError(f"unknown categories in group {name}: {', '.join(sorted(unknown))}")
        covered |= set(codes)
        per = staffing if isinstance(staffing, int) else staffing.get(name, 1)
        pools.append(Pool(name, frozenset(codes), _hours(per, demand.hours)))
    missing = known - covered
    if missing:
        raise ValueError(f"categories served by no group: {', '.join(sorted(missing))}")
    return Layout(SKILL_GROUPS, LAYOUT_NAMES[SKILL_GROUPS], tuple(pools), service_factor)


def pool_load(demand: Demand, pool: Pool, hour: int) -> tuple[float, float]:
    """(arrivals per hour, mean service minutes) of the categories a pool serves in one hour."""
    rate = 0.0
    work = 0.0
    for cat in demand.categories:
        if pool.serves(cat.code) and hour < len(cat.arrivals_per_hour):
            r = cat.arrivals_per_hour[hour]
            rate += r
            work += r * cat.service.mean
    return rate, (work / rate if rate else 0.0)


def erlang_staffing(demand: Demand, layout: Layout, *, target_p90_minutes: float = 10.0) -> dict[str, tuple[int, ...]]:
    """Per pool and hour, the fewest windows that M/M/c theory says meet the p90 target (the planner's start)."""
    plan: dict[str, tuple[int, ...]] = {}
    for pool in layout.pools:
        row = []
        for h in range(demand.hours):
            rate, mean = pool_load(demand, pool, h)
            row.append(servers_needed(arrivals_per_hour=rate, service_minutes=mean * layout.service_factor,
                                      target_p90_minutes=target_p90_minutes) if rate else 0)
        plan[pool.name] = tuple(row)
    return plan


def equal_staff_comprehensive(demand: Demand, department: Layout, *, service_factor: float = 1.0) -> Layout:
    """Comprehensive windows with exactly as many windows per hour as the department layout opens."""
    return comprehensive_layout(demand, [department.counters_at(h) for h in range(demand.hours)],
                                service_factor=service_factor)


def proportional_department(demand: Demand, counters_by_hour: list[int]) -> Layout:
    """Spread a total number of windows over the departments in proportion to their work (at least one each)."""
    codes = demand.codes
    per: dict[str, list[int]] = {c: [] for c in codes}
    for h in range(demand.hours):
        total = counters_by_hour[min(h, len(counters_by_hour) - 1)]
        work = {c.code: (c.arrivals_per_hour[h] if h < len(c.arrivals_per_hour) else 0) * c.service.mean
                for c in demand.categories}
        weight = sum(work.values()) or 1.0
        share = {c: max(1, math.floor(total * work[c] / weight)) for c in codes}
        while sum(share.values()) < total:
            c = max(codes, key=lambda k: work[k] / share[k])
            share[c] += 1
        for c in codes:
            per[c].append(share[c])
    return department_layout(demand, per)
