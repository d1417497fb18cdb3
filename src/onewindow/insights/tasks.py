"""Background work of the reform metrics: the daily rollups, insights' daily job (declared on its AppConfig)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def rollup(full: bool = False) -> dict[str, Any]:
    from onewindow.insights.rollups import rollup_refresh

    return rollup_refresh(full=full)
