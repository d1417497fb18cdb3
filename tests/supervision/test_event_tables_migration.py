"""Migrating the inspection, finding and notice event tables onto core.events.AppendOnlyEvent (supervision
0003–0004) keeps every row: renamed columns keep their contents (detail → data, note → reason) and what the old
rows tell is filled in (actor_label, from/to states, an inspection number as the correlation)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from onewindow.supervision.models import FindingEvent, InspectionEvent, NoticeEvent

BEFORE = [("supervision", "0002_rollups_move_to_insights")]
AT = timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0))


def migrate(targets: list) -> MigrationExecutor:
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection)


def old_rows(apps) -> dict:
    user = apps.get_model("auth", "User").objects.create(username="xu")
    apps.get_model("core", "Profile").objects.create(user=user, display_name="许文斌")
    plain = apps.get_model("auth", "User").objects.create(username="lin")
    dept = apps.get_model("catalog", "Department").objects.create(code="HL-X", name="甲局")
    hall = apps.get_model("hall", "Hall").objects.create(code="hx", name="甲大厅")
    template = apps.get_model("supervision", "ChecklistTemplate").objects.create(code="t", name="表")
    insp = apps.get_model("supervision", "Inspection").objects.create(
        number="JC20261102001", template=template, hall=hall, inspector=user, started_at=AT, status="submitted")
    events = apps.get_model("supervision", "InspectionEvent").objects
    events.create(inspection=insp, action="started", at=AT, actor=user, detail={"hall": "hx", "template": "t"})
    events.create(inspection=insp, action="recorded", at=AT, actor=user, detail={"point": 1, "passed": False})
    events.create(inspection=insp, action="submitted", at=AT, actor=user, detail={"failed": 1, "points": 1})
    finding = apps.get_model("supervision", "Finding").objects.create(
        monitor="inspection", kind="inspection", target_type="x", target_id="1", target_label="甲大厅",
        message="未佩戴工作牌", first_seen=AT, last_seen=AT, state="resolved", resolved_at=AT)
    fevents = apps.get_model("supervision", "FindingEvent").objects
    fevents.create(finding=finding, action="opened", at=AT, note="JC20261102001")
    fevents.create(finding=finding, action="resolved", at=AT, note="湖审管整改〔2026〕第0001号 验收通过")
    notice = apps.get_model("supervision", "Notice").objects.create(
        number="湖审管整改〔2026〕第0001号", year=2026, seq=1, source="manual", department=dept, title="着装",
        problem="未佩戴工作牌", workdays=5, issued_on=AT.date(), due_on=AT.date(), status="responded",
        created_at=AT, updated_at=AT)
    nevents = apps.get_model("supervision", "NoticeEvent").objects
    nevents.create(notice=notice, action="issued", to_status="issued", at=AT, actor=user, note="期限 2026-11-09")
    nevents.create(notice=notice, action="responded", from_status="issued", to_status="responded", at=AT,
                   actor=plain, note="已补发工作牌")
    return {"inspection": insp.pk, "finding": finding.pk, "notice": notice.pk}


@pytest.mark.migrations
@pytest.mark.django_db(transaction=True)
def test_event_rows_keep_their_contents_on_the_append_only_base() -> None:
    forward = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        loader = migrate(BEFORE).loader
        moved = ("supervision", "0003_events_on_the_append_only_base")
        # every other app as it is now, except apps whose migrations need the moved tables (they were unapplied)
        others = [node for node in forward if node[0] != "supervision"
                  and moved not in loader.graph.forwards_plan(node)]
        ids = old_rows(loader.project_state(BEFORE + others).apps)
    finally:
        migrate(forward)
    rows = list(InspectionEvent.objects.filter(inspection_id=ids["inspection"]).values_list(
        "action", "from_status", "to_status", "actor_label", "data"))
    assert rows == [("started", "", "draft", "许文斌", {"hall": "hx", "template": "t"}),
                    ("recorded", "", "", "许文斌", {"point": 1, "passed": False}),
                    ("submitted", "draft", "submitted", "许文斌", {"failed": 1, "points": 1})]
    assert list(FindingEvent.objects.filter(finding_id=ids["finding"]).values_list(
        "action", "from_status", "to_status", "reason", "correlation")) == [
        ("opened", "", "open", "", "JC20261102001"),
        ("resolved", "open", "resolved", "湖审管整改〔2026〕第0001号 验收通过", "")]
    assert list(NoticeEvent.objects.filter(notice_id=ids["notice"]).values_list(
        "action", "from_status", "to_status", "reason", "actor_label")) == [
        ("issued", "", "issued", "期限 2026-11-09", "许文斌"),
        ("responded", "issued", "responded", "已补发工作牌", "lin")]
