"""Background work of insights: the daily rollups (its daily job, declared on its AppConfig) and the heavy staffing
plans of the simulation page."""

from __future__ import annotations

import time
from typing import Any

from django_tasks import task


@task()
def rollup(full: bool = False) -> dict[str, Any]:
    from onewindow.insights.rollups import rollup_refresh

    return rollup_refresh(full=full)


@task()
def simulation_plan(key: str, params: dict[str, Any]) -> dict[str, Any]:
    """A staffing plan too big to compute while the page answers; its progress goes to the cache under `key`
    (insights.simulation.background), which the simulation page polls."""
    from onewindow.insights.simulation.background import run

    return run(key, params)


def simulation_plan_start(key: str, params: dict[str, Any]) -> dict[str, Any]:
    """The run's state; enqueued when there is none yet (or the last one went silent)."""
    from onewindow.insights.simulation.background import STALE_SECONDS, save, state

    current = state(key)
    if current is not None and (current["state"] in ("done", "failed")
                                or time.time() - current.get("at", 0) < STALE_SECONDS):
        return current
    queued = {"state": "queued", "trials": 0, "step": 0, "steps": 0, "percent": 0}
    save(key, queued)
    simulation_plan.enqueue(key=key, params=params)
    return queued
