"""One way to change state: every step of a notice, an inspection and a finding is one append-only event row
(who, from, to, why) and one audit entry, written by core.events.transition(); a step the record is not ready
for answers 409 naming the state, and changes nothing."""

import datetime as dt

import pytest

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.models import AuditEntry
from onewindow.supervision.models import (
    ChecklistPoint,
    ChecklistTemplate,
    Finding,
    FindingEvent,
    InspectionEvent,
    Notice,
)
from onewindow.supervision.monitors import monitors_run
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db
DAY = b.at(dt.date(2026, 11, 2))


def post(client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


def test_each_step_of_a_notice_is_one_event_naming_who_from_and_to(client_for) -> None:
    d = b.department()
    sup, head = client_for(Role.SUPERVISOR), client_for(Role.DEPARTMENT_HEAD, department=d)
    with clock.frozen(DAY):
        nid = post(sup, "/api/v1/notices", {"department_id": d.pk, "title": "着装", "problem": "未佩戴工作牌"}).json()["id"]
        assert post(head, f"/api/v1/notices/{nid}/respond", {"response": "已补发"}).status_code == 200
        assert post(sup, f"/api/v1/notices/{nid}/verify", {"accept": False, "note": "缺佐证"}).status_code == 200
        assert post(head, f"/api/v1/notices/{nid}/respond", {"response": "已补发并公示"}).status_code == 200
        assert post(sup, f"/api/v1/notices/{nid}/verify", {"accept": True}).status_code == 200
    notice = Notice.objects.get()
    rows = list(notice.events.values_list("action", "from_status", "to_status", "actor_label", "reason"))
    s, h = sup.user.username, head.user.username
    assert rows == [("issued", "", "issued", s, rows[0][4]), ("responded", "issued", "responded", h, "已补发"),
                    ("returned", "responded", "returned", s, "缺佐证"),
                    ("responded", "returned", "responded", h, "已补发并公示"),
                    ("accepted", "responded", "accepted", s, "")]
    assert rows[0][4].startswith("期限 ")
    assert notice.version == 5  # created at 1, one increment per transition
    audit = list(AuditEntry.objects.filter(target_id=str(notice.pk), action__startswith="notice.")
                 .order_by("at", "id").values_list("action", flat=True))
    assert audit == ["notice.issued", "notice.responded", "notice.returned", "notice.responded", "notice.accepted"]
    event = notice.events.first()
    event.reason = "改写"
    with pytest.raises(TypeError):
        event.save()  # append-only


def test_a_step_the_notice_is_not_ready_for_is_refused_naming_its_state(client_for) -> None:
    d = b.department()
    sup, head = client_for(Role.SUPERVISOR), client_for(Role.DEPARTMENT_HEAD, department=d)
    nid = post(sup, "/api/v1/notices", {"department_id": d.pk, "title": "卫生", "problem": "等候区卫生差"}).json()["id"]
    early = post(sup, f"/api/v1/notices/{nid}/verify", {"accept": True})
    assert early.status_code == 409
    assert "已下发·待整改" in early.json()["detail"] and early.json()["errors"][0]["field"] == "status"
    post(head, f"/api/v1/notices/{nid}/respond", {"response": "已打扫"})
    post(sup, f"/api/v1/notices/{nid}/verify", {"accept": True})
    again = post(head, f"/api/v1/notices/{nid}/respond", {"response": "再次反馈"})
    assert again.status_code == 409 and "已验收办结" in again.json()["detail"]
    notice = Notice.objects.get()
    assert (notice.status, notice.response, notice.events.count()) == ("accepted", "已打扫", 3)


def test_an_inspection_and_the_finding_it_raises_record_every_step(client_for) -> None:
    t = ChecklistTemplate.objects.create(code="daily", name="大厅日常检查")
    point = ChecklistPoint.objects.create(template=t, group="attire", code="badge", text="佩戴工作牌", order=1)
    d, hall = b.department(), b.hall()
    sup, head = client_for(Role.SUPERVISOR), client_for(Role.DEPARTMENT_HEAD, department=d)
    with clock.frozen(DAY):
        iid = post(sup, "/api/v1/inspections", {"hall_id": hall.pk, "template": "daily"}).json()["id"]
        post(sup, f"/api/v1/inspections/{iid}/points/{point.pk}", {"passed": False, "note": "未佩戴"})
        submitted = post(sup, f"/api/v1/inspections/{iid}/submit", {})
        assert submitted.status_code == 200
        twice = post(sup, f"/api/v1/inspections/{iid}/submit", {})
        assert twice.status_code == 409 and "已提交" in twice.json()["detail"]
    number = submitted.json()["number"]
    assert list(InspectionEvent.objects.filter(inspection_id=iid).values_list(
        "action", "from_status", "to_status", "actor_label", "data")) == [
        ("started", "", "draft", sup.user.username, {"hall": hall.code, "template": "daily"}),
        ("recorded", "", "", sup.user.username, {"point": point.pk, "passed": False, "photo": False}),
        ("submitted", "draft", "submitted", sup.user.username, {"failed": 1, "points": 1})]
    finding = Finding.objects.get()
    with clock.frozen(DAY):
        nid = post(sup, "/api/v1/notices", {"source": "finding", "source_id": str(finding.pk),
                                            "department_id": d.pk}).json()["id"]
        post(head, f"/api/v1/notices/{nid}/respond", {"response": "已佩戴"})
        post(sup, f"/api/v1/notices/{nid}/verify", {"accept": True})
    notice = Notice.objects.get()
    assert list(FindingEvent.objects.filter(finding=finding).values_list(
        "action", "from_status", "to_status", "actor_label", "correlation")) == [
        ("opened", "", "open", "", number), ("resolved", "open", "resolved", sup.user.username, notice.number)]
    assert AuditEntry.objects.filter(action="finding.resolved", target_id=str(finding.pk)).exists()


def test_a_finding_whose_breach_is_gone_is_resolved_by_the_monitor_with_its_reason() -> None:
    it = b.item(b.department(), consult_phone="")
    with clock.frozen(DAY):
        monitors_run(only=["catalog.no_phone"])
    it.consult_phone = "0592-1"
    it.save()
    with clock.frozen(DAY + dt.timedelta(days=1)):
        run = monitors_run(only=["catalog.no_phone"])
    assert run.resolved == 1
    finding = Finding.objects.get()
    assert finding.state == "resolved" and finding.resolved_at == DAY + dt.timedelta(days=1)
    assert list(finding.events.values_list("action", "from_status", "to_status", "actor_label", "reason")) == [
        ("opened", "", "open", "", ""), ("resolved", "open", "resolved", "", "监测未再发现")]
