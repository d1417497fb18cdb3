import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onewindow.core.models import DailyJobRun
from onewindow.core.registry import daily_jobs
from onewindow.core.scheduler import daily_jobs_enqueue


def _at(hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 11, 30, hour, 5))


@pytest.mark.django_db
def test_daily_jobs_are_enqueued_once_per_day_however_often_workers_ask() -> None:
    first = daily_jobs_enqueue(now=_at(3))
    second = daily_jobs_enqueue(now=_at(4))
    assert sorted(first) == sorted(job.name for job in daily_jobs())
    assert second == []
    assert DailyJobRun.objects.count() == len(daily_jobs())
    assert DBTaskResult.objects.count() == len(daily_jobs())


@pytest.mark.django_db
def test_a_daily_job_waits_for_its_hour() -> None:
    early = daily_jobs_enqueue(now=_at(0))
    assert "supervision.nightly" not in early
    assert "hall.expire_appointments" in early


@pytest.mark.django_db
def test_every_daily_job_points_at_a_real_task() -> None:
    from onewindow.core.registry import load_object

    for job in daily_jobs():
        assert hasattr(load_object(job.task), "enqueue"), job.task
