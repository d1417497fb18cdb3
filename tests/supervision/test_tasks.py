"""The nightly background run: monitors and scores (supervision's daily job, enqueued once a night by
core/scheduler.py); the rollups are insights' own daily job (tests/insights/test_rollups.py)."""

import datetime as dt

import pytest

from onewindow.core import clock
from onewindow.core.registry import daily_jobs
from onewindow.supervision.models import DepartmentScore, Finding, MonitorRun
from onewindow.supervision.services.ranking import ranking_publish
from onewindow.supervision.tasks import nightly
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db


def test_the_nightly_task_runs_monitors_and_scores(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    d = b.department()
    b.item(d, consult_phone="")
    b.rating(d, "very_satisfied", b.at(dt.date(2026, 11, 19)))  # something to rank on (no data is not ranked)
    with clock.frozen(b.at(dt.date(2026, 11, 20), 2)):
        result = nightly.call()
    assert result["opened"] == 1 and result["scored"] == 1
    assert MonitorRun.objects.get().trigger == "nightly"
    assert Finding.objects.filter(monitor="catalog.no_phone", state="open").count() == 1
    assert DepartmentScore.objects.filter(month=dt.date(2026, 11, 1)).count() == 1


def test_a_published_month_is_not_rescored_by_the_nightly_task(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    d = b.department()
    b.item(d)
    b.rating(d, "very_satisfied", b.at(dt.date(2026, 11, 19)))
    with clock.frozen(b.at(dt.date(2026, 11, 20), 2)):
        nightly.call()
        ranking_publish(month=dt.date(2026, 11, 1), published=True, actor=None)
        before = list(DepartmentScore.objects.values_list("pk", "computed_at"))
    with clock.frozen(b.at(dt.date(2026, 11, 21), 2)):
        result = nightly.call()
    assert result["scored"] == 0
    assert list(DepartmentScore.objects.values_list("pk", "computed_at")) == before


def test_supervision_declares_its_nightly_job() -> None:
    jobs = {job.name: job for job in daily_jobs()}
    assert jobs["supervision.nightly"].task == "onewindow.supervision.tasks:nightly"
