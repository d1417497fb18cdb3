"""cases 0004–0005 move CaseEvent onto core.events.AppendOnlyEvent: a database migrated back to 0003, with case
events in the old shape, migrated forward again keeps every row and every value, and each event's correlation
becomes its application's number."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from onewindow.cases.models import CaseEvent
from onewindow.catalog.models import Department, ServiceItem

BEFORE = [("cases", "0003_application_idempotency_fingerprint")]
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

OLD_EVENTS = [  # (application, case, action, from, to, reason, data, by the reviewer)
    (0, 0, "receive", "", "received", "", {"channel": "online"}, False),
    (0, 0, "accept", "received", "accepted", "", {}, True),
    (0, 1, "receive", "", "received", "", {"channel": "online"}, False),
    (0, 1, "not_accept", "received", "not_accepted", "不属于受理范围", {}, True),
    (1, 2, "receive", "", "received", "", {"channel": "window"}, False),
    (1, 2, "deadline_recomputed", "received", "received", "", {"from": None, "to": "2026-03-09"}, False),
]


def _old_rows(old, reviewer: User, item: ServiceItem) -> list[int]:
    Applicant, Application, Case, CaseEvent0 = (old.get_model("cases", m)
                                                for m in ("Applicant", "Application", "Case", "CaseEvent"))
    apps = []
    for n in (1, 2):
        applicant = Applicant.objects.create(kind="person", name="林晓梅", id_number="350981199001011234",
                                             phone="13905931234", created_at=T0)
        apps.append(Application.objects.create(number=f"SQ20260302-000{n}", kind="item", code=item.code,
                                               name=item.name, channel="online", applicant=applicant,
                                               submitted_at=T0))
    cases = [Case.objects.create(number=f"BJ{apps[a].number[2:]}-0{i}", application=apps[a], item_id=item.pk,
                                 item_code=item.code, item_name=item.name, department_id=item.department_id,
                                 received_at=T0, updated_at=T0) for a, i in ((0, 1), (0, 2), (1, 1))]
    ids = []
    for minutes, (_a, c, action, before, after, reason, data, by_reviewer) in enumerate(OLD_EVENTS):
        ids.append(CaseEvent0.objects.create(
            case=cases[c], at=T0 + dt.timedelta(minutes=minutes), actor_id=reviewer.pk if by_reviewer else None,
            actor_label="陈雅琴" if by_reviewer else "系统", action=action, from_status=before, to_status=after,
            reason=reason, data=data).pk)
    return ids


@pytest.mark.migrations
@pytest.mark.django_db(transaction=True)
def test_case_events_keep_every_row_on_the_shared_event_base_and_get_their_application_number() -> None:
    forward = MigrationExecutor(connection).loader.graph.leaf_nodes()
    reviewer = User.objects.create_user("mig_reviewer")
    # other apps' tables stay as they are now: made with today's models
    department = Department.objects.create(code="MIG", name="迁移测试局")
    item = ServiceItem.objects.create(name="就业登记", code="MIG-EMPLOY", department=department, promised_limit=5,
                                      legal_limit=20, handling_type="2", status="published")
    try:
        MigrationExecutor(connection).migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        ids = _old_rows(old, reviewer, item)
    finally:
        MigrationExecutor(connection).migrate(forward)

    rows = list(CaseEvent.objects.filter(pk__in=ids).order_by("id").values_list(
        "pk", "case__number", "action", "from_status", "to_status", "reason", "data", "actor_id", "actor_label",
        "correlation"))
    numbers = ["BJ20260302-0001-01", "BJ20260302-0001-02", "BJ20260302-0002-01"]
    assert rows == [
        (pk, numbers[c], action, before, after, reason, data, reviewer.pk if by_reviewer else None,
         "陈雅琴" if by_reviewer else "系统", f"SQ20260302-000{a + 1}")
        for pk, (a, c, action, before, after, reason, data, by_reviewer) in zip(ids, OLD_EVENTS, strict=True)
    ]
