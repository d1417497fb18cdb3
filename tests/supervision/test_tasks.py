"""The nightly background run: rollups, monitors and scores, then it queues itself for the next night (once)."""

import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from onewindow.core import clock
from onewindow.supervision.models import DepartmentScore, Finding, MonitorRun
from onewindow.supervision.tasks import NIGHTLY_PATH, next_night, nightly, schedule_nightly
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db


def test_the_next_night_is_two_oclock_after_now() -> None:
    assert next_night(b.at(dt.date(2026, 11, 20), 1)) == b.at(dt.date(2026, 11, 20), 2)
    assert next_night(b.at(dt.date(2026, 11, 20), 15)) == b.at(dt.date(2026, 11, 21), 2)


def test_the_nightly_task_runs_everything_and_queues_one_next_run(settings) -> None:  # noqa: ANN001
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    b.item(b.department(), consult_phone="")
    with clock.frozen(b.at(dt.date(2026, 11, 20), 2)):
        assert schedule_nightly() is True
        assert schedule_nightly() is False
        result = nightly.call()
    assert result["opened"] == 1 and result["scored"] == 1
    assert MonitorRun.objects.get().trigger == "nightly"
    assert Finding.objects.filter(monitor="catalog.no_phone", state="open").count() == 1
    assert DepartmentScore.objects.filter(month=dt.date(2026, 11, 1)).count() == 1
    assert DBTaskResult.objects.ready().filter(task_path=NIGHTLY_PATH).count() == 1
