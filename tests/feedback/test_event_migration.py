"""Moving the rating, rectification and suggestion event tables onto core.events.AppendOnlyEvent (feedback 0005)
keeps every row: renamed columns keep their contents (kind → action, detail → data, from_state/to_state →
from_status/to_status, note → reason) and each row's actor gets its label (display name, else username)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from onewindow.feedback.models import RatingEvent, RectificationEvent, SuggestionEvent

pytestmark = pytest.mark.migrations

BEFORE = [("feedback", "0004_reattribute_application_ratings")]
AT = timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0))


def migrate(targets: list) -> MigrationExecutor:
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection)


def old_rows(apps) -> dict:
    users = apps.get_model("auth", "User").objects
    head = users.create(username="wu")
    apps.get_model("core", "Profile").objects.create(user=head, display_name="吴国栋")
    plain = users.create(username="lin")
    rating = apps.get_model("feedback", "Rating").objects.create(
        target_kind="ticket", target_id=7, sequence=1, target_number="20261102-A007", level="dissatisfied",
        channel="4", reasons=["213"], rated_at=AT)
    rating_events = apps.get_model("feedback", "RatingEvent").objects
    rating_events.create(rating=rating, kind="rated", at=AT, detail={"level": "dissatisfied", "channel": "4",
                                                                     "reasons": ["213"]})
    rec = apps.get_model("feedback", "Rectification").objects.create(
        rating=rating, state="valid", due_on=AT.date(), opened_at=AT, updated_at=AT)
    rect_events = apps.get_model("feedback", "RectificationEvent").objects
    rect_events.create(rectification=rec, action="opened", from_state="", to_state="pending", at=AT, note="213")
    rect_events.create(rectification=rec, action="verify_valid", from_state="pending", to_state="valid", at=AT,
                       actor=head, note="调取录像核实属实")
    category = apps.get_model("feedback", "SuggestionCategory").objects.create(code="hall-env", name="大厅环境设施")
    suggestion = apps.get_model("feedback", "Suggestion").objects.create(
        number="JY202611020001", category=category, channel="web", description="座椅不舒服", state="assigned",
        due_on=AT.date(), received_at=AT, updated_at=AT)
    sugg_events = apps.get_model("feedback", "SuggestionEvent").objects
    sugg_events.create(suggestion=suggestion, action="received", from_state="", to_state="unassigned", at=AT,
                       detail={"channel": "web"})
    sugg_events.create(suggestion=suggestion, action="reassigned", from_state="unassigned", to_state="assigned",
                       at=AT, actor=plain, note="属住建职责", detail={"department_id": 3})
    return {"rating": rating.pk, "rectification": rec.pk, "suggestion": suggestion.pk}


@pytest.mark.django_db(transaction=True)
def test_event_rows_keep_their_contents_on_the_append_only_base() -> None:
    forward = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        loader = migrate(BEFORE).loader
        core = [node for node in forward if node[0] == "core"]
        ids = old_rows(loader.project_state(BEFORE + core).apps)
    finally:
        migrate(forward)
    assert list(RatingEvent.objects.filter(rating_id=ids["rating"]).values_list(
        "action", "from_status", "to_status", "reason", "actor_label", "data")) == [
        ("rated", "", "", "", "", {"level": "dissatisfied", "channel": "4", "reasons": ["213"]})]
    assert list(RectificationEvent.objects.filter(rectification_id=ids["rectification"]).values_list(
        "action", "from_status", "to_status", "reason", "actor_label", "data")) == [
        ("opened", "", "pending", "213", "", {}),
        ("verify_valid", "pending", "valid", "调取录像核实属实", "吴国栋", {})]
    assert list(SuggestionEvent.objects.filter(suggestion_id=ids["suggestion"]).values_list(
        "action", "from_status", "to_status", "reason", "actor_label", "data")) == [
        ("received", "", "unassigned", "", "", {"channel": "web"}),
        ("reassigned", "unassigned", "assigned", "属住建职责", "lin", {"department_id": 3})]
