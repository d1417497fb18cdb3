"""The nightly background run: rollups, monitors and scores (enqueued once a night by core/scheduler.py)."""

import datetime as dt

import pytest

from onewindow.core import clock
from onewindow.supervision.models import DepartmentScore, Finding, MonitorRun
from onewindow.supervision.tasks import nightly
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db


def test_the_nightly_task_runs_rollups_monitors_and_scores(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    b.item(b.department(), consult_phone="")
    with clock.frozen(b.at(dt.date(2026, 11, 20), 2)):
        result = nightly.call()
    assert result["opened"] == 1 and result["scored"] == 1
    assert MonitorRun.objects.get().trigger == "nightly"
    assert Finding.objects.filter(monitor="catalog.no_phone", state="open").count() == 1
    assert DepartmentScore.objects.filter(month=dt.date(2026, 11, 1)).count() == 1
