"""Background work of the reform metrics: the daily rollups (also run inside supervision's nightly task)."""

from __future__ import annotations

from django_tasks import task


@task()
def rollup(full: bool = False) -> dict:
    from onewindow.insights.rollups import rollup_refresh

    return rollup_refresh(full=full)
