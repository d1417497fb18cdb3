"""Background work (django-tasks database backend, run by `onewindow worker`).

`nightly` runs the rollups, the monitors and this month's scores; the workers enqueue it once a night through
the project's daily jobs (onewindow/core/scheduler.py).
"""

from __future__ import annotations

from django_tasks import task

from onewindow.core import clock

NIGHTLY_PATH = "onewindow.supervision.tasks.nightly"


@task()
def run_monitors(trigger: str = "manual") -> dict:
    from onewindow.supervision.monitors import monitors_run

    run = monitors_run(trigger=trigger)
    return {"run": run.pk, "opened": run.opened, "resolved": run.resolved}


@task()
def nightly() -> dict:
    from onewindow.insights.rollups import rollup_refresh
    from onewindow.supervision.monitors import monitors_run
    from onewindow.supervision.scores import scores_compute

    rollups = rollup_refresh()
    run = monitors_run(trigger="nightly")
    scored = 0
    try:
        scored = len(scores_compute(month=clock.today()))
    except Exception:  # noqa: BLE001 - a published (frozen) month is not recomputed
        scored = 0
    return {"rollups": rollups, "run": run.pk, "opened": run.opened, "resolved": run.resolved, "scored": scored}
