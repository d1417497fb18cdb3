"""Background work of insights: the daily rollups (its daily job, declared on its AppConfig) and the heavy staffing
plans of the simulation page."""

from __future__ import annotations

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
