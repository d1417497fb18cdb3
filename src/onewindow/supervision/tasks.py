"""Background work (django-tasks database backend, run by `onewindow worker`).

`nightly` runs the rollups, the monitors and this month's scores, then enqueues itself for the next night
(ONEWINDOW SUPERVISION_NIGHTLY_HOUR, default 2:00), so one `onewindow supervision schedule` starts the cycle.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from onewindow.core import clock

NIGHTLY_PATH = "onewindow.supervision.tasks.nightly"


@task()
def run_monitors(trigger: str = "manual") -> dict:
    from onewindow.supervision.monitors import monitors_run

    run = monitors_run(trigger=trigger)
    return {"run": run.pk, "opened": run.opened, "resolved": run.resolved}


def next_night(now: dt.datetime | None = None) -> dt.datetime:
    from onewindow.supervision.services import conf

    local = timezone.localtime(now or clock.now())
    at = local.replace(hour=int(conf("SUPERVISION_NIGHTLY_HOUR", 2)), minute=0, second=0, microsecond=0)
    return at if at > local else at + dt.timedelta(days=1)


def schedule_nightly() -> bool:
    """Enqueue the next nightly run unless one is already waiting. Returns True when it enqueued one."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.ready().filter(task_path=NIGHTLY_PATH).exists():
        return False
    nightly.using(run_after=next_night()).enqueue()
    return True


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
    schedule_nightly()
    return {"rollups": rollups, "run": run.pk, "opened": run.opened, "resolved": run.resolved, "scored": scored}
