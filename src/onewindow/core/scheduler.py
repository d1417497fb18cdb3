"""Daily background jobs, started by the workers themselves (no cron needed).

Each app declares its daily jobs on its AppConfig (`daily_jobs`). Every `onewindow worker` process checks once a minute which daily jobs are due; the first to insert the
(job, day) row enqueues the task in the same transaction, so each job is enqueued exactly once a day
however many workers run.
"""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from onewindow.core import clock
from onewindow.core.models import DailyJobRun
from onewindow.core.registry import daily_jobs, load_object

logger = logging.getLogger(__name__)


def daily_jobs_enqueue(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue every daily job that is due today and not yet enqueued. Returns the names enqueued."""
    local = timezone.localtime(now or clock.now())
    enqueued = []
    for job in daily_jobs():
        if local.hour < job.hour:
            continue
        try:
            task = load_object(job.task)
        except (ImportError, AttributeError):
            logger.warning("daily job %s: task %s not found", job.name, job.task)
            continue
        try:
            with transaction.atomic():
                DailyJobRun.objects.create(job=job.name, day=local.date(), enqueued_at=local)
                task.enqueue()
        except IntegrityError:
            continue  # another worker got there first
        enqueued.append(job.name)
    return enqueued
