"""Scenarios for the page, the API and the command: demand from input or a hall, layouts side by side,
plans and replays as JSON-ready dicts. Inputs are checked here (ServiceError names the field)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from onewindow.core.errors import ServiceError
from onewindow.insights.simulation import hallsource
from onewindow.insights.simulation.distributions import KINDS, ServiceTime
from onewindow.insights.simulation.layouts import (
    COMPREHENSIVE,
    DEPARTMENT,
    SKILL_GROUPS,
    Staffing,
    Windows,
    comprehensive_layout,
    department_layout,
    proportional_department,
    skill_group_layout,
)
from onewindow.insights.simulation.model import ALL, CategoryDemand, Demand, Layout, Pool
from onewindow.insights.simulation.planner import Plan, Progress, plan_staffing
from onewindow.insights.simulation.replay import replay_day
from onewindow.insights.simulation.replication import METRICS, LayoutResult, run_layouts

# Results of compare() and plan() per process, keyed by everything they depend on (the demand and layouts as
# their repr, the options): the page is reloaded with the same inputs far more often than they change, and the
# planner's trial runs are most of a page's cost. Small (the page asks for a handful of combinations).
_RESULTS: dict[str, Any] = {}
_RESULTS_MAX = 32
SHARED_SECONDS = 24 * 3600


def _memo(key: str, compute: Any) -> Any:
    """The result for `key`: from this process, else from the shared cache (another server process or the
    worker computed it), else computed and kept in both."""
    import copy
    import hashlib

    from django.core.cache import cache

    if key not in _RESULTS:
        shared = "insights:sim:" + hashlib.sha256(key.encode()).hexdigest()[:40]
        value = cache.get(shared)
        if value is None:
            value = compute()
            cache.set(shared, value, SHARED_SECONDS)
        if len(_RESULTS) >= _RESULTS_MAX:
            _RESULTS.pop(next(iter(_RESULTS)))
        _RESULTS[key] = value
    return copy.deepcopy(_RESULTS[key])


MAX_CUSTOMER_RUNS = 150_000  # customers × replications × layouts in one request
MAX_REPLICATIONS = 30
MAX_HOURS = 16

# Fu'an HR bureau before its 2020 reform: five centres, each with its own windows (seed text). Rates are
# tickets per hour over a 9:00–17:00 day without lunch break; the morning and early-afternoon peaks are typical.
_PROFILE = (0.9, 1.35, 1.25, 0.8, 0.7, 1.1, 1.15, 0.75)
EXAMPLE_CATEGORIES = (
    # code, name (a msgid: pages translate it), mean tickets per hour, mean service minutes, windows before the reform
    ("shebao", gettext_noop("社保中心"), 12.0, 7.0, 2),
    ("chengxiang", gettext_noop("城乡保中心"), 7.0, 5.0, 1),
    ("jiguan", gettext_noop("机关保中心"), 3.0, 9.0, 1),
    ("jiuye", gettext_noop("劳动就业中心"), 8.0, 6.0, 1),
    ("renshi", gettext_noop("人事人才服务中心"), 4.0, 8.0, 1),
)
EXAMPLE_GROUPS = {"社保类": ["shebao", "chengxiang", "jiguan"], "就业人才类": ["jiuye", "renshi"]}


def example_demand() -> Demand:
    cats = tuple(CategoryDemand(code, name, tuple(round(rate * f, 2) for f in _PROFILE),
                                ServiceTime("lognormal", mean=minutes, cv=0.8))
                 for code, name, rate, minutes, _w in EXAMPLE_CATEGORIES)
    return Demand(categories=cats, open_hour=9, priority_share=0.05, no_show_share=0.03, patience_minutes=60.0)


def example_department_staffing() -> dict[str, int]:
    return {code: windows for code, _n, _r, _m, windows in EXAMPLE_CATEGORIES}


# --- input ------------------------------------------------------------------------------------------------

def _num(value: Any, field: str, *, low: float, high: float, integer: bool = False) -> float:
    try:
        number = int(value) if integer else float(value)
    except (TypeError, ValueError):
        raise ServiceError(_("请填写数字"), field=field) from None
    if not (low <= number <= high):
        raise ServiceError(_("数值应在 %(low)s 到 %(high)s 之间") % {"low": low, "high": high}, field=field)
    return number


def demand_from_dict(data: dict) -> Demand:
    """{"open_hour": 9, "hours": 8, "categories": [{"code", "name", "arrivals_per_hour": 10 | [..],
    "service_minutes": 6, "service_kind": "exponential", "service_cv": 1}], "priority_share", "no_show_share",
    "patience_minutes"}"""
    rows = data.get("categories") or []
    if not rows:
        raise ServiceError(_("至少需要一个窗口类别"), field="categories")
    hours = int(_num(data.get("hours", 8), "hours", low=1, high=MAX_HOURS, integer=True))
    cats = []
    seen = set()
    for i, row in enumerate(rows):
        code = str(row.get("code") or "").strip()
        if not code:
            raise ServiceError(_("请填写类别代码"), field=f"categories.{i}.code")
        if code in seen:
            raise ServiceError(_("类别代码重复"), field=f"categories.{i}.code")
        seen.add(code)
        rate = row.get("arrivals_per_hour", 0)
        rates = rate if isinstance(rate, list | tuple) else [rate] * hours
        rates = [_num(r, f"categories.{i}.arrivals_per_hour", low=0, high=500) for r in rates][:hours]
        rates += [rates[-1] if rates else 0.0] * (hours - len(rates))
        minutes = _num(row.get("service_minutes", 6), f"categories.{i}.service_minutes", low=0.1, high=240)
        kind = row.get("service_kind") or "exponential"
        if kind not in KINDS or kind == "empirical":
            raise ServiceError(_("办理时长分布应为 exponential、lognormal 或 fixed"), field=f"categories.{i}.service_kind")
        cv = _num(row.get("service_cv", 1.0), f"categories.{i}.service_cv", low=0.05, high=5)
        cats.append(CategoryDemand(code, str(row.get("name") or code), tuple(rates), ServiceTime(kind, mean=minutes, cv=cv)))
    patience = data.get("patience_minutes")
    return Demand(
        categories=tuple(cats),
        open_hour=int(_num(data.get("open_hour", 9), "open_hour", low=0, high=23, integer=True)),
        priority_share=_num(data.get("priority_share", 0), "priority_share", low=0, high=1),
        no_show_share=_num(data.get("no_show_share", 0), "no_show_share", low=0, high=0.9),
        patience_minutes=_num(patience, "patience_minutes", low=1, high=600) if patience not in (None, "", 0) else None,
    )


def hall_demand(key: str, days: int = 20, *, period: hallsource.HallPeriod | None = None,
                ) -> tuple[Demand, hallsource.HallPeriod, dict[str, int]]:
    """Demand fitted from a hall's recorded period (key "hall@last-day", or a hall code for its newest period;
    or the `period` the caller already found), with the windows per category as recorded."""
    period = period or hallsource.find_period(key)
    if period is None:
        raise ServiceError(_("该大厅没有叫号记录"), field="hall")
    found = period
    chosen = list(period.days[:days])

    def fit() -> tuple[Demand, dict[str, int]]:
        records = hallsource.recorded_tickets(found.hall_code, chosen)
        demand = hallsource.fit_demand(found.hall_code, chosen, records=records)
        staffing = hallsource.recorded_staffing(found.hall_code, chosen, records=records)
        return demand, {c.code: staffing.get(c.code, 1) for c in demand.categories}

    # kept while the days' ticket events are unchanged (the names follow the page's language)
    stamp = hallsource.events_stamp(period.hall_code, chosen)
    demand, staffing = _memo(repr(("demand", period.hall_code, chosen, stamp, get_language())), fit)
    return demand, period, staffing


def check_size(demand: Demand, layouts: int, replications: int) -> None:
    if not 1 <= replications <= MAX_REPLICATIONS:
        raise ServiceError(_("重复次数应在 1 到 %(n)s 之间") % {"n": MAX_REPLICATIONS}, field="replications")
    per_day = sum(demand.total_per_hour())
    if per_day * replications * layouts > MAX_CUSTOMER_RUNS:
        raise ServiceError(_("规模过大：请减少重复次数或方案数"), field="replications")


def layouts_for(demand: Demand, *, department: Staffing | None = None, comprehensive: Windows | None = None,
                groups: Mapping[str, Sequence[str]] | None = None, group_staffing: Staffing | None = None,
                kinds: tuple[str, ...] = (DEPARTMENT, COMPREHENSIVE, SKILL_GROUPS),
                service_factor: float = 1.0) -> list[Layout]:
    """The layouts to compare. Missing staffing is filled at equal staff: the department layout's windows per
    hour go to the comprehensive windows, and to skill groups in proportion to their work."""
    try:
        if department is None:
            total = comprehensive if comprehensive is not None else 0
            if total:
                dep = proportional_department(demand, [total] * demand.hours if isinstance(total, int) else list(total))
            else:
                dep = department_layout(demand, 1)
        else:
            dep = department_layout(demand, department)
        per_hour = [dep.counters_at(h) for h in range(demand.hours)]
        out: list[Layout] = []
        if DEPARTMENT in kinds:
            out.append(dep)
        if COMPREHENSIVE in kinds:
            out.append(comprehensive_layout(demand, comprehensive if comprehensive is not None else per_hour,
                                            service_factor=service_factor))
        if SKILL_GROUPS in kinds and groups:
            if group_staffing is None:
                group_staffing = _split_by_work(demand, groups, per_hour)
            out.append(skill_group_layout(demand, groups, group_staffing, service_factor=service_factor))
    except ValueError as exc:
        raise ServiceError(str(exc), field="layout") from None
    return out


def _split_by_work(demand: Demand, groups: Mapping[str, Sequence[str]], per_hour: list[int]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {g: [] for g in groups}
    for h, total in enumerate(per_hour):
        work = {g: sum(c.arrivals_per_hour[h] * c.service.mean for c in demand.categories if c.code in codes)
                for g, codes in groups.items()}
        weight = sum(work.values()) or 1.0
        share = {g: max(1, round(total * work[g] / weight)) for g in groups}
        while sum(share.values()) > total and any(v > 1 for v in share.values()):
            g = min((g for g in groups if share[g] > 1), key=lambda k: work[k] / share[k])
            share[g] -= 1
        while sum(share.values()) < total:
            g = max(groups, key=lambda k: work[k] / share[k])
            share[g] += 1
        for g in groups:
            out[g].append(share[g])
    return out


# --- output -----------------------------------------------------------------------------------------------

def demand_dict(demand: Demand) -> dict:
    return {
        "open_hour": demand.open_hour, "hours": demand.hours,
        "hour_labels": hour_labels(demand),
        "priority_share": demand.priority_share, "no_show_share": demand.no_show_share,
        "patience_minutes": demand.patience_minutes,
        "categories": [{"code": c.code, "name": c.name, "arrivals_per_hour": list(c.arrivals_per_hour),
                        "per_day": round(sum(c.arrivals_per_hour), 1), "service": c.service.describe()}
                       for c in demand.categories],
        "total_per_hour": [round(v, 2) for v in demand.total_per_hour()],
        "per_day": round(sum(demand.total_per_hour()), 1),
    }


def hour_labels(demand: Demand) -> list[str]:
    return [f"{(demand.open_hour + h) % 24:02d}:00" for h in range(demand.hours)]


def layout_dict(result: LayoutResult, demand: Demand) -> dict:
    lay = result.layout
    names = {c.code: c.name for c in demand.categories}
    util = result.utilisation()
    return {
        "code": lay.code, "name": lay.name,
        "pools": [{"name": p.name, "categories": sorted(p.categories), "staffing": list(p.staffing),
                   "utilisation": util[p.name].as_dict()} for p in lay.pools],
        "counters_by_hour": [lay.counters_at(h) for h in range(demand.hours)],
        "counter_hours": sum(lay.counters_at(h) for h in range(demand.hours)),
        "overall": {m: result.estimate(m).as_dict() for m in METRICS},
        "utilisation": result.overall_utilisation().as_dict(),
        "by_category": [{"code": code, "name": names.get(code, code),
                         **{m: result.estimate(m, code).as_dict() for m in METRICS}} for code in demand.codes],
        "by_hour": [{"hour": label, "mean_wait": result.hour_estimate("mean_wait", h).as_dict(),
                     "p90_wait": result.hour_estimate("p90_wait", h).as_dict()}
                    for h, label in enumerate(hour_labels(demand))],
    }


def compare(demand: Demand, layouts: list[Layout], *, replications: int = 5, seed: int = 1) -> dict:
    check_size(demand, len(layouts), replications)
    return _memo(repr(("compare", demand, layouts, replications, seed)),
                 lambda: _compare(demand, layouts, replications=replications, seed=seed))


def _compare(demand: Demand, layouts: list[Layout], *, replications: int, seed: int) -> dict:
    results = run_layouts(demand, layouts, replications=replications, seed=seed)
    out = {"demand": demand_dict(demand), "replications": replications, "seed": seed,
           "layouts": [layout_dict(r, demand) for r in results]}
    by_code = {r.layout.code: r for r in results}
    if DEPARTMENT in by_code and COMPREHENSIVE in by_code:
        before = by_code[DEPARTMENT].estimate("mean_wait").mean
        after = by_code[COMPREHENSIVE].estimate("mean_wait").mean
        before90 = by_code[DEPARTMENT].estimate("p90_wait").mean
        after90 = by_code[COMPREHENSIVE].estimate("p90_wait").mean
        out["pooling"] = {
            "equal_staff": [by_code[DEPARTMENT].layout.counters_at(h) for h in range(demand.hours)]
            == [by_code[COMPREHENSIVE].layout.counters_at(h) for h in range(demand.hours)],
            "department_mean_wait": round(before, 2), "comprehensive_mean_wait": round(after, 2),
            "mean_wait_change": round((after - before) / before, 3) if before else None,
            "department_p90_wait": round(before90, 2), "comprehensive_p90_wait": round(after90, 2),
            "p90_wait_change": round((after90 - before90) / before90, 3) if before90 else None,
        }
    return out


# The page plans while it answers only when the planner's simulations are small (customers a day × replications);
# a bigger plan (a whole hall's day) runs as a background task that reports its progress (simulation.background).
INLINE_PLAN_CUSTOMERS = 1200


def plan_is_light(demand: Demand, replications: int = 3) -> bool:
    return sum(demand.total_per_hour()) * replications <= INLINE_PLAN_CUSTOMERS


def plan_key(demand: Demand, layout: Layout, *, target_minutes: float = 10.0, metric: str = "p90_wait",
             replications: int = 3, seed: int = 1) -> str:
    """Everything a plan depends on, as one string (the memo's key; hashed, the background run's)."""
    return repr(("plan", demand, layout, target_minutes, metric, replications, seed))


def plan(demand: Demand, layout: Layout, *, target_minutes: float = 10.0, metric: str = "p90_wait",
         replications: int = 3, seed: int = 1, progress: Progress | None = None) -> dict:
    if target_minutes <= 0 or target_minutes > 240:
        raise ServiceError(_("目标等候时间应在 0 到 240 分钟之间"), field="target_minutes")
    if metric not in ("p90_wait", "mean_wait"):
        raise ServiceError(_("指标应为 p90_wait 或 mean_wait"), field="metric")
    check_size(demand, 8, replications)
    key = plan_key(demand, layout, target_minutes=target_minutes, metric=metric, replications=replications,
                   seed=seed)
    return _memo(key, lambda: _plan(demand, layout, target_minutes=target_minutes, metric=metric,
                                    replications=replications, seed=seed, progress=progress))


def _plan(demand: Demand, layout: Layout, *, target_minutes: float, metric: str, replications: int,
          seed: int, progress: Progress | None = None) -> dict:
    result: Plan = plan_staffing(demand, layout, target_minutes=target_minutes, metric=metric,
                                 replications=replications, seed=seed, progress=progress)
    labels = hour_labels(demand)
    return {
        "layout": {"code": layout.code, "name": layout.name}, "target_minutes": target_minutes, "metric": metric,
        "met": result.met, "trials": result.trials, "hour_labels": labels,
        "counters_by_hour": result.counters_by_hour(), "counter_hours": result.counter_hours,
        "pools": [{"name": p.name, "categories": sorted(p.categories), "staffing": list(p.staffing),
                   "erlang": list(result.erlang.get(p.name, ())),
                   "achieved": [round(v, 2) for v in result.hour_metric.get(p.name, [])]}
                  for p in result.layout.pools],
    }


def replay(hall_code: str, day: dt.date, *, alternative: str | None = COMPREHENSIVE,
           within: list[dt.date] | None = None) -> dict:
    def compute() -> dict:
        tickets = hallsource.recorded_day(hall_code, day, within)
        if not tickets:
            raise ServiceError(_("该日没有取号记录"), field="day")
        return _replay(tickets, alternative)

    # kept while the day's ticket events are unchanged
    stamp = hallsource.events_stamp(hall_code, [day])
    return _memo(repr(("replay", hall_code, day, alternative, get_language(), stamp)), compute)


def _replay(tickets: list[Any], alternative: str | None) -> dict:
    recorded = replay_day(tickets)
    out = {"recorded": recorded.as_dict()}
    if alternative == COMPREHENSIVE:
        hours = recorded.hours
        per_hour = [recorded.layout.counters_at(h) for h in range(hours)]
        alt = Layout(COMPREHENSIVE, _("综合窗口（同等人力）"), (Pool("all", frozenset({ALL}), tuple(per_hour)),))
        out["comprehensive"] = replay_day(tickets, alt).as_dict()
    return out


def erlang(*, arrivals_per_hour: Any, service_minutes: Any, servers: Any, target_minutes: Any = 10.0) -> dict:
    from onewindow.insights.simulation.erlang import erlang_c_metrics

    return erlang_c_metrics(
        arrivals_per_hour=_num(arrivals_per_hour, "arrivals_per_hour", low=0, high=100_000),
        service_minutes=_num(service_minutes, "service_minutes", low=0.01, high=1440),
        servers=int(_num(servers, "servers", low=1, high=1000, integer=True)),
        target_minutes=_num(target_minutes, "target_minutes", low=0, high=1440)).as_dict()
