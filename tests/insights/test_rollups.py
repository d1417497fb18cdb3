"""The daily rollups are insights' own daily job; the department ranking (supervision), which counts cases and
ratings itself, agrees with the rollups on the same records."""

import datetime as dt

import pytest

from onewindow.core import clock
from onewindow.core.registry import daily_jobs, load_object
from onewindow.insights.models import CaseDaily, RatingDaily, RollupState
from onewindow.insights.rollups import rollup_refresh
from onewindow.supervision.scores import compute_parts
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db
NOW = b.at(dt.date(2026, 11, 25), 18)


def test_insights_schedules_the_rollups_as_its_own_daily_job(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    jobs = {job.name: job for job in daily_jobs()}
    assert jobs["insights.rollups"].task == "onewindow.insights.tasks:rollup"
    assert "rollup" not in jobs["supervision.nightly"].task
    it = b.item(b.department())
    b.case(it, accepted_on=dt.date(2026, 11, 2), completed=b.at(dt.date(2026, 11, 3)), due_date=dt.date(2026, 11, 4))
    with clock.frozen(NOW):
        result = load_object(jobs["insights.rollups"].task).call()
    assert result["cases"] >= 1
    assert CaseDaily.objects.get(day=dt.date(2026, 11, 3), department_id=it.department_id).completed == 1
    assert RollupState.objects.get(name="daily").watermark == NOW


def test_the_ranking_counts_what_the_rollups_count() -> None:
    d, other = b.department(), b.department("HL-ZJJ", "湖里区住房和建设局")
    items = [b.item(d), b.item(other)]
    for k in range(7):
        done = b.at(dt.date(2026, 11, 2 + k), 23.5 if k == 3 else 15)  # 23:30 local: still that day
        b.case(items[k % 2], accepted_on=dt.date(2026, 11, 2), completed=done,
               due_date=None if k == 5 else dt.date(2026, 11, 5))
    b.case(items[0], accepted_on=dt.date(2026, 10, 20), completed=b.at(dt.date(2026, 10, 31), 23.5),
           due_date=dt.date(2026, 11, 1))  # October
    for k, level in enumerate(("very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied")):
        b.rating(d if k % 2 else other, level, b.at(dt.date(2026, 11, 10 + k)))
    b.rating(d, "very_dissatisfied", b.at(dt.date(2026, 11, 12)), default=True)
    b.rating(None, "dissatisfied", b.at(dt.date(2026, 11, 12)))
    with clock.frozen(NOW):
        rollup_refresh(full=True)
        parts = compute_parts(dt.date(2026, 11, 1))
    november = {"day__gte": dt.date(2026, 11, 1), "day__lte": dt.date(2026, 11, 30)}
    for dept in (d, other):
        cases = CaseDaily.objects.filter(department_id=dept.pk, **november)
        ratings = RatingDaily.objects.filter(department_id=dept.pk, **november)
        counts = parts[dept.pk]["counts"]
        assert counts["completed"] == sum(r.completed for r in cases) > 0
        assert counts["completed_on_time"] == sum(r.completed_on_time for r in cases)
        assert counts["ratings"] == sum(r.total for r in ratings) > 0
        assert counts["bad"] == sum(r.bad for r in ratings)
    assert parts[d.pk]["counts"]["completed_on_time"] < parts[d.pk]["counts"]["completed"]
