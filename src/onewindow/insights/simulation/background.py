"""Heavy staffing plans run as a background task that reports its progress.

The simulation page plans a small demand while it answers (scenarios.plan_is_light); a whole hall's day takes
seconds of simulation, so the page enqueues `insights.tasks.simulation_plan` (through `simulation_plan_start`) and shows a progress figure that
it polls with htmx until the plan is there. Progress and the finished plan live in the default cache (shared by
every server process and the worker: the database cache, or Redis), under a key made from everything the plan
depends on, so a second visitor asking the same plan sees the same run and, once done, the plan at once.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.core.cache import cache
from django.utils import translation

from onewindow.insights.simulation import scenarios
from onewindow.insights.simulation.layouts import SKILL_GROUPS
from onewindow.insights.simulation.model import Demand, Layout

KEEP_SECONDS = 24 * 3600
STALE_SECONDS = 600  # a run queued or silent this long is enqueued again (its worker died or none runs)
REPLICATIONS = 3


def run_key(demand: Demand, layout: Layout, params: dict[str, Any]) -> str:
    text = scenarios.plan_key(demand, layout, target_minutes=params["target"], metric=params["metric"],
                              replications=REPLICATIONS, seed=params["seed"])
    return "insights:sim-plan:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def inputs(params: dict[str, Any]) -> tuple[Demand, Layout]:
    """The demand and the layout to plan, from the page's parameters (source, days, plan_layout, factor)."""
    if params["source"] == "example":
        demand, groups = scenarios.example_demand(), scenarios.EXAMPLE_GROUPS
    else:
        demand, groups = scenarios.hall_demand(params["source"], params["days"])[0], None
    kind = params["plan_layout"] if groups or params["plan_layout"] != SKILL_GROUPS else "comprehensive"
    layout = scenarios.layouts_for(demand, groups=groups, kinds=(kind,), service_factor=params["factor"])[0]
    return demand, layout


def state(key: str) -> dict[str, Any] | None:
    value = cache.get(key)
    return value if isinstance(value, dict) else None


def save(key: str, value: dict[str, Any]) -> None:
    cache.set(key, value | {"at": time.time()}, KEEP_SECONDS)


def run(key: str, params: dict[str, Any]) -> dict[str, Any]:
    """The task's work: plan, telling the cache after every trial how far it is; the plan is kept with the
    demand's arrivals per hour (the page's table and chart need them)."""
    with translation.override(params.get("language") or None):
        demand, layout = inputs(params)

        def progress(trials: int, step: int, steps: int) -> None:
            save(key, {"state": "running", "trials": trials, "step": step, "steps": steps,
                        "percent": min(99, int(100 * step / steps)) if steps else 0})

        save(key, {"state": "running", "trials": 0, "step": 0, "steps": 0, "percent": 0})
        try:
            plan = scenarios.plan(demand, layout, target_minutes=params["target"], metric=params["metric"],
                                  replications=REPLICATIONS, seed=params["seed"], progress=progress)
        except Exception as exc:
            save(key, {"state": "failed", "error": str(exc)[:500], "percent": 0, "trials": 0})
            raise
        done = {"state": "done", "percent": 100, "trials": plan["trials"], "plan": plan,
                "demand": scenarios.demand_dict(demand)}
        save(key, done)
        return {"trials": plan["trials"], "met": plan["met"], "counter_hours": plan["counter_hours"]}
