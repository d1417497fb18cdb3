"""Daily background jobs, started by the workers themselves (no cron needed).

Every `onewindow worker` process checks once a minute which daily jobs are due; the first to insert the
(job, day) row enqueues the task in the same transaction, so each job is enqueued exactly once a day
however many workers run.
"""

import datetime as dt
import importlib
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from onewindow.core import clock
from onewindow.core.models import DailyJobRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DailyJob:
    name: str
    task_path: str  # "module.attribute" of a django-tasks task taking no arguments
    hour: int  # local hour (Asia/Shanghai) from which the job is due


DAILY_JOBS: tuple[DailyJob, ...] = (
    DailyJob("hall.expire_appointments", "onewindow.hall.tasks.expire_appointments", 0),
    DailyJob("cases.recompute_deadlines", "onewindow.cases.tasks.recompute_deadlines", 1),
    DailyJob("cases.terminate_missed_makeups", "onewindow.cases.tasks.terminate_missed_makeups", 1),
    DailyJob("cases.send_pending_messages", "onewindow.cases.tasks.send_pending_messages", 1),
    DailyJob("feedback.default_ratings", "onewindow.feedback.tasks.apply_default_ratings", 2),
    DailyJob("supervision.nightly", "onewindow.supervision.tasks.nightly", 2),
)


def _load_task(path: str):  # noqa: ANN202
    module_name, _, attribute = path.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def daily_jobs_enqueue(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue every daily job that is due today and not yet enqueued. Returns the names enqueued."""
    local = timezone.localtime(now or clock.now())
    enqueued = []
    for job in DAILY_JOBS:
        if local.hour < job.hour:
            continue
        try:
            task = _load_task(job.task_path)
        except (ImportError, AttributeError):
            logger.warning("daily job %s: task %s not found", job.name, job.task_path)
            continue
        try:
            with transaction.atomic():
                DailyJobRun.objects.create(job=job.name, day=local.date(), enqueued_at=local)
                task.enqueue()
        except IntegrityError:
            continue  # another worker got there first
        enqueued.append(job.name)
    return enqueued
