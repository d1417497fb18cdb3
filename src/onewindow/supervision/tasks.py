"""Background work (django-tasks database backend, run by `onewindow worker`).

`nightly` runs the monitors and this month's scores; the workers enqueue it once a night as supervision's daily
job (declared on its AppConfig, started by onewindow/core/scheduler.py). The rollups of the reform metrics are
insights' own daily job.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from onewindow.core import clock
from onewindow.core.errors import Conflict


@task()
def nightly() -> dict[str, Any]:
    from onewindow.supervision.monitors import monitors_run
    from onewindow.supervision.rankings import scores_compute

    run = monitors_run(trigger="nightly")
    try:
        scored = len(scores_compute(month=clock.today()))
    except Conflict:  # a published month is frozen: not recomputed
        scored = 0
    return {"run": run.pk, "opened": run.opened, "resolved": run.resolved, "scored": scored}
