"""The rollup tables moved from supervision to insights (insights 0001–0002, supervision 0002) keep every row:
a database migrated back to before the move, with rollup rows in supervision's tables, migrated forward again
has the same rows in insights' tables, and the content types follow the models."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from onewindow.insights.models import CaseDaily, RatingDaily, RollupState, TicketDaily

BEFORE_THE_MOVE = [("supervision", "0001_initial"), ("insights", None)]


def migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


def latest() -> list[tuple[str, str | None]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.migrations
@pytest.mark.django_db(transaction=True)
def test_rollup_rows_survive_the_move_from_supervision_to_insights() -> None:
    forward = latest()
    try:
        old = migrate(BEFORE_THE_MOVE).loader.project_state([("supervision", "0001_initial")]).apps
        day = dt.date(2026, 11, 20)
        old.get_model("supervision", "CaseDaily").objects.create(
            day=day, department_id=7, bundle_code="b-hotel", accepted=3, applications=2, completed=4,
            completed_on_time=3, completed_instant=1, processing_workdays=9, processing_hours=30.5)
        old.get_model("supervision", "TicketDaily").objects.create(day=day, hall_id=2, issued=10, called=9,
                                                                   wait_seconds=5400.0, served=8, no_show=1)
        old.get_model("supervision", "RatingDaily").objects.create(day=day, department_id=7, hall_id=2, total=5,
                                                                   very_satisfied=3, bad=1, defaulted=2)
        old.get_model("supervision", "RollupState").objects.create(name="daily")
        ContentType.objects.clear_cache()
        assert ContentType.objects.filter(app_label="supervision", model="casedaily").exists()
    finally:
        migrate(forward)
    ContentType.objects.clear_cache()
    assert list(CaseDaily.objects.values_list("day", "department_id", "bundle_code", "accepted", "applications",
                                              "completed", "completed_on_time", "completed_instant",
                                              "processing_workdays", "processing_hours")) == [
        (day, 7, "b-hotel", 3, 2, 4, 3, 1, 9, 30.5)]
    assert list(TicketDaily.objects.values_list("hall_id", "issued", "called", "wait_seconds", "served",
                                                "no_show")) == [(2, 10, 9, 5400.0, 8, 1)]
    assert list(RatingDaily.objects.values_list("department_id", "hall_id", "total", "very_satisfied", "bad",
                                                "defaulted")) == [(7, 2, 5, 3, 1, 2)]
    assert RollupState.objects.filter(name="daily").exists()
    assert CaseDaily._meta.db_table == "insights_casedaily"
    for model in ("casedaily", "ticketdaily", "ratingdaily", "rollupstate"):
        assert ContentType.objects.filter(app_label="insights", model=model).exists(), model
        assert not ContentType.objects.filter(app_label="supervision", model=model).exists(), model
