"""The hall simulation page (/insights/simulation/): layouts compared, staffing planned, a recorded day replayed,
the Erlang C calculator."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from onewindow.core.access import Role, allow
from onewindow.core.errors import ServiceError
from onewindow.insights.simulation import background, figures, scenarios
from onewindow.insights.simulation.hallsource import hall_periods
from onewindow.insights.simulation.layouts import COMPREHENSIVE, DEPARTMENT, LAYOUT_NAMES, SKILL_GROUPS
from onewindow.insights.simulation.model import Demand, Layout
from onewindow.insights.tasks import simulation_plan_start

PLANNERS = (Role.SUPERVISOR, Role.DEPARTMENT_HEAD)


def _int(value: Any, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value)))
    except (TypeError, ValueError):
        return default


def _float(value: Any, default: float, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(number) else max(low, min(high, number))


def _default_source(periods: list) -> str:
    """The demo story: a hall's recorded department-window period if there is one (several categories each
    with their own windows), else its newest period, else the example."""
    if not periods:
        return "example"
    return max(periods, key=lambda p: (len(p.categories), p.days[0])).key


def _plan_context(plan: dict, demand: dict) -> dict[str, Any]:
    rows = [{"hour": label, "counters": plan["counters_by_hour"][h],
             "erlang": sum(p["erlang"][h] for p in plan["pools"]), "arrivals": demand["total_per_hour"][h],
             "achieved": max((p["achieved"][h] for p in plan["pools"]), default=0.0)}
            for h, label in enumerate(plan["hour_labels"])]
    return {"plan": plan, "plan_rows": rows, "plan_chart": figures.plan_chart(plan, demand)}


def _planned(demand: Demand, template: Layout, demand_figures: dict, params: dict[str, Any]) -> dict[str, Any]:
    """The plan, computed while the page answers when it is light; else the background run's state (its
    progress, polled by the page) or, once done, its plan."""
    if scenarios.plan_is_light(demand, background.REPLICATIONS):
        plan = scenarios.plan(demand, template, target_minutes=params["target"], metric=params["metric"],
                              replications=background.REPLICATIONS, seed=params["seed"])
        return _plan_context(plan, demand_figures)
    key = background.run_key(demand, template, params)
    run = simulation_plan_start(key, params)
    if run["state"] == "done":
        return _plan_context(run["plan"], run["demand"])
    return {"plan_run": run, "plan_run_key": key}


@allow(*PLANNERS)
def simulation_plan(request: HttpRequest) -> HttpResponse:
    """The plan section while a background plan runs (polled by htmx): its progress, then the plan."""
    key = request.GET.get("key") or ""
    if not key.startswith("insights:sim-plan:") or len(key) > 80:
        return HttpResponse(_("参数 key 无效"), status=400)
    run = background.state(key)
    if run is None:
        return HttpResponse(_("没有这次排班规划（已过期）"), status=404)
    ctx: dict[str, Any] = {"plan_run": run, "plan_run_key": key}
    if run["state"] == "done":
        ctx = _plan_context(run["plan"], run["demand"])
    return render(request, "insights/simulation/_plan.html", ctx)


@allow(*PLANNERS)
def simulation(request: HttpRequest) -> HttpResponse:
    """Compare layouts side by side, plan staffing, replay a recorded day, and an Erlang C calculator."""
    q = request.GET
    periods = hall_periods()
    source = q.get("source") or _default_source(periods)
    period = next((p for p in periods if p.key == source), None)
    if period is None:
        source = "example"
    ctx: dict[str, Any] = {"periods": periods, "source": source, "period": period, "errors": []}
    reps = _int(q.get("reps"), 5, 1, 20)
    seed = _int(q.get("seed"), 1, 0, 10_000)
    days = _int(q.get("days"), 20, 1, 60)
    factor = _float(q.get("factor"), 1.0, 0.5, 2.0)
    ctx.update(reps=reps, seed=seed, days=days, factor=factor)
    try:
        if period is not None:
            demand, _period, default_dep_counts = scenarios.hall_demand(period.key, days, period=period)
            groups = None
        else:
            demand = scenarios.example_demand()
            default_dep_counts = scenarios.example_department_staffing()
            groups = scenarios.EXAMPLE_GROUPS
        dep = {c.code: _int(q.get(f"dep_{c.code}"), default_dep_counts.get(c.code, 1), 0, 50) for c in demand.categories}
        comp_raw = q.get("comp")
        dep_total = sum(dep.values())
        comp = _int(comp_raw, dep_total, 1, 200) if comp_raw else None
        ctx["dep_rows"] = [{"code": c.code, "name": c.name, "windows": dep[c.code],
                            "per_day": round(sum(c.arrivals_per_hour), 1), "service": c.service.describe()}
                           for c in demand.categories]
        ctx["comp"] = comp if comp is not None else dep_total
        ctx["equal_staff"] = comp is None or comp == dep_total
        layouts = scenarios.layouts_for(demand, department=dep, comprehensive=comp, groups=groups,
                                        service_factor=factor)
        result = scenarios.compare(demand, layouts, replications=reps, seed=seed)
        ctx["result"] = result
        ctx["charts"] = {"layouts": figures.waits_by_layout(result), "categories": figures.waits_by_category(result),
                         "hours": figures.waits_by_hour(result)}
        # the planner
        target = _float(q.get("target"), 10.0, 1.0, 120.0)
        metric = q.get("metric") or ""
        if metric not in ("p90_wait", "mean_wait"):
            metric = "p90_wait"
        plan_layout = q.get("plan_layout") or ""
        if plan_layout not in LAYOUT_NAMES:
            plan_layout = COMPREHENSIVE
        if plan_layout == SKILL_GROUPS and not groups:
            plan_layout = COMPREHENSIVE
        ctx.update(target=target, metric=metric, plan_layout=plan_layout, layout_names=LAYOUT_NAMES,
                   plan_layouts=[k for k in (COMPREHENSIVE, DEPARTMENT, SKILL_GROUPS) if groups or k != SKILL_GROUPS])
        template = scenarios.layouts_for(demand, groups=groups, kinds=(plan_layout,), service_factor=factor)[0]
        ctx.update(_planned(demand, template, result["demand"], {
            "source": source, "days": days, "plan_layout": plan_layout, "target": target, "metric": metric,
            "seed": seed, "factor": factor, "language": get_language()}))
        # replay a recorded day
        if period is not None:
            try:
                day = dt.date.fromisoformat(q.get("day") or "")
            except ValueError:
                day = period.days[0]
            if day not in period.days:
                day = period.days[0]
            ctx["day"] = day
            ctx["replay"] = scenarios.replay(period.hall_code, day, within=list(period.days[:days]))
            ctx["charts"]["replay"] = figures.replay_chart(ctx["replay"])
    except ServiceError as exc:
        ctx["errors"].append(exc.message)
    # the Erlang C calculator
    ea, es, ec = q.get("ea", "32"), q.get("es", "6"), q.get("ec", "4")
    ctx.update(ea=ea, es=es, ec=ec)
    try:
        ctx["erlang"] = scenarios.erlang(arrivals_per_hour=ea, service_minutes=es, servers=ec)
    except ServiceError as exc:
        ctx["erlang_error"] = _("Erlang C：") + exc.message
    return render(request, "insights/simulation/page.html", ctx)
