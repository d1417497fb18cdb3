"""Rectification notices: raised from a finding, a bad review or a suggestion; numbered; deadline in working days
(over the 2026 National Day holiday); respond → return → respond → accept; overdue shows red; PDF; errors in the
common shape; the unit sees only its own notices."""

import datetime as dt

import pytest

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.supervision.models import Finding, Notice, NoticeEvent
from onewindow.supervision.monitors import monitors_run
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db
BEFORE_HOLIDAY = b.at(dt.date(2026, 9, 30), 10)


def post(client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


def test_a_notice_issued_the_day_before_national_day_is_due_on_the_make_up_saturday(client_for) -> None:
    d = b.department()
    sup = client_for(Role.SUPERVISOR)
    with clock.frozen(BEFORE_HOLIDAY):
        r = post(sup, "/api/v1/notices", {"source": "manual", "department_id": d.pk, "title": "指南不一致",
                                          "problem": "纸质指南时限与事项库不一致", "workdays": 3})
    assert r.status_code == 201, r.content
    n = r.json()
    # 30 Sep (Wed) is not counted; 1–7 Oct are the holiday; 8 Oct (Thu) = 1, 9 Oct (Fri) = 2, 10 Oct (Sat, 调休) = 3
    assert n["due_on"] == "2026-10-10" and n["due_provisional"] is False
    assert n["number"] == "湖审管整改〔2026〕第0001号"
    with clock.frozen(BEFORE_HOLIDAY):
        second = post(sup, "/api/v1/notices", {"department_id": d.pk, "title": "二", "problem": "二", "workdays": 1})
    assert second.json()["number"] == "湖审管整改〔2026〕第0002号"
    assert second.json()["due_on"] == "2026-10-08"


def test_the_full_life_cycle_writes_one_event_per_step_and_resolves_the_finding(client_for) -> None:
    d = b.department()
    b.item(d, legal_limit=5, promised_limit=8)
    with clock.frozen(b.at(dt.date(2026, 11, 2))):
        monitors_run(only=["catalog.promised_over_legal"])
    finding = Finding.objects.get()
    sup = client_for(Role.SUPERVISOR)
    head = client_for(Role.DEPARTMENT_HEAD, department=d)
    with clock.frozen(b.at(dt.date(2026, 11, 2))):
        r = post(sup, "/api/v1/notices", {"source": "finding", "source_id": str(finding.pk), "workdays": 5})
        assert r.status_code == 201, r.content
        n = r.json()
        assert n["department_id"] == d.pk and "超过法定时限" in n["problem"] and n["due_on"] == "2026-11-09"
        dup = post(sup, "/api/v1/notices", {"source": "finding", "source_id": str(finding.pk)})
        assert dup.status_code == 409
    nid = n["id"]
    with clock.frozen(b.at(dt.date(2026, 11, 4))):
        assert post(sup, f"/api/v1/notices/{nid}/verify", {"accept": True}).status_code == 409  # nothing to verify
        empty = post(head, f"/api/v1/notices/{nid}/respond", {"response": "  "})
        assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "response"
        assert post(head, f"/api/v1/notices/{nid}/respond", {"response": "已改为5个工作日"}).json()["status"] == "responded"
        no_reason = post(sup, f"/api/v1/notices/{nid}/verify", {"accept": False})
        assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "note"
        assert post(sup, f"/api/v1/notices/{nid}/verify", {"accept": False, "note": "缺少佐证"}).json()["status"] == "returned"
    with clock.frozen(b.at(dt.date(2026, 11, 6))):
        assert post(head, f"/api/v1/notices/{nid}/respond", {"response": "已修改并公示", "evidence": "截图"}).status_code == 200
        done = post(sup, f"/api/v1/notices/{nid}/verify", {"accept": True, "note": "整改到位"}).json()
    assert done["status"] == "accepted" and done["on_time"] is True and done["closed_at"]
    assert list(NoticeEvent.objects.filter(notice_id=nid).values_list("action", flat=True)) == [
        "issued", "responded", "returned", "responded", "accepted"]
    finding.refresh_from_db()
    assert finding.state == "resolved"
    detail = sup.get(f"/api/v1/notices/{nid}").json()
    assert [e["to"] for e in detail["events"]] == ["issued", "responded", "returned", "responded", "accepted"]


def test_notices_from_a_bad_review_and_a_suggestion_take_their_unit_and_text(client_for) -> None:
    from onewindow.feedback.models import Suggestion, SuggestionCategory

    d = b.department()
    bad = b.rating(d, "very_dissatisfied", b.at(dt.date(2026, 11, 3)))
    bad.text = "窗口让我跑了三次"
    bad.save()
    cat = SuggestionCategory.objects.create(code="cant", name="办不成事")
    s = Suggestion.objects.create(number="S9", category=cat, channel="cant_do", title="无法办理", description="要求重复提交材料",
                                  department=d, state="assigned", due_on=dt.date(2026, 12, 1),
                                  received_at=b.at(dt.date(2026, 11, 3)), updated_at=b.at(dt.date(2026, 11, 3)))
    sup = client_for(Role.SUPERVISOR)
    r1 = post(sup, "/api/v1/notices", {"source": "rating", "source_id": str(bad.pk)}).json()
    r2 = post(sup, "/api/v1/notices", {"source": "suggestion", "source_id": str(s.pk)}).json()
    assert r1["department_id"] == d.pk and "跑了三次" in r1["problem"]
    assert r2["department_id"] == d.pk and r2["problem"] == "要求重复提交材料"
    good = b.rating(d, "satisfied", b.at(dt.date(2026, 11, 3)))
    r3 = post(sup, "/api/v1/notices", {"source": "rating", "source_id": str(good.pk)})
    assert r3.status_code == 400 and r3.json()["errors"][0]["field"] == "source_id"


def test_bad_input_names_the_field_and_creates_nothing(client_for) -> None:
    sup = client_for(Role.SUPERVISOR)
    r = post(sup, "/api/v1/notices", {"title": "", "problem": "", "workdays": 0})
    assert r.status_code == 400
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"title", "problem", "workdays", "department"} <= fields and r.json()["detail"]
    assert Notice.objects.count() == 0


def test_overdue_notices_show_red_and_only_the_addressed_unit_sees_and_answers_them(client_for) -> None:
    d, other = b.department(), b.department("HL-ZJJ", "湖里区住房和建设局")
    sup = client_for(Role.SUPERVISOR)
    with clock.frozen(b.at(dt.date(2026, 11, 2))):
        nid = post(sup, "/api/v1/notices", {"department_id": d.pk, "title": "着装", "problem": "未佩戴工作牌",
                                            "workdays": 2}).json()["id"]
    with clock.frozen(b.at(dt.date(2026, 11, 20))):
        page = sup.get("/supervision/notices/?view=overdue")
        assert "row-overdue" in page.content.decode() and "超期" in page.content.decode()
        assert sup.get(f"/api/v1/notices/{nid}").json()["overdue"] is True
        outsider = client_for(Role.DEPARTMENT_HEAD, department=other)
        assert outsider.get(f"/api/v1/notices/{nid}").status_code == 404
        assert outsider.get("/api/v1/notices").json() == []
        assert post(outsider, f"/api/v1/notices/{nid}/respond", {"response": "x"}).status_code == 404
        own = client_for(Role.REVIEWER, department=d)
        assert [n["id"] for n in own.get("/api/v1/notices").json()] == [nid]
        assert post(own, f"/api/v1/notices/{nid}/respond", {"response": "已补发工作牌"}).status_code == 200
    n = Notice.objects.get()
    assert n.status == "responded" and not (n.responded_at.date() <= n.due_on)


def test_the_notice_prints_as_a_pdf_and_the_pages_render(client_for) -> None:
    d = b.department()
    sup = client_for(Role.SUPERVISOR)
    nid = post(sup, "/api/v1/notices", {"department_id": d.pk, "title": "卫生", "problem": "等候区卫生差"}).json()["id"]
    pdf = sup.get(f"/supervision/notices/{nid}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    page = sup.get(f"/supervision/notices/{nid}/")
    assert "湖审管整改〔" in page.content.decode() and 'data-testid="verify-form"' not in page.content.decode()
    assert client_for(Role.CITIZEN).get(f"/supervision/notices/{nid}/pdf/").status_code == 403
    head = client_for(Role.DEPARTMENT_HEAD, department=d)
    assert post(head, f"/api/v1/notices/{nid}/respond", {"response": "已清洁并每日巡查"}).status_code == 200
    answered = sup.get(f"/supervision/notices/{nid}/").content.decode()
    assert 'data-testid="verify-form"' in answered and "已清洁并每日巡查" in answered  # now there is something to verify
    assert "已清洁并每日巡查" in head.get(f"/supervision/notices/{nid}/").content.decode()


def test_the_new_notice_form_takes_its_text_from_the_source_and_refuses_bad_ids(client_for) -> None:
    d = b.department()
    bad = b.rating(d, "dissatisfied", b.at(dt.date(2026, 11, 3)))
    bad.text = "等了一个小时"
    bad.save()
    sup = client_for(Role.SUPERVISOR)
    page = sup.get(f"/supervision/notices/new/?source=rating&source_id={bad.pk}").content.decode()
    assert "等了一个小时" in page
    assert "来源编号应为数字" in sup.get("/supervision/notices/new/?source=rating&source_id=abc").content.decode()
    r = sup.post("/supervision/notices/new/", {"source": "rating", "source_id": str(bad.pk), "title": "等候过长",
                                               "problem": "等了一个小时", "workdays": "x", "department_id": str(d.pk)})
    assert r.status_code == 400 and Notice.objects.count() == 0
    r = sup.post("/supervision/notices/new/", {"source": "rating", "source_id": str(bad.pk), "title": "等候过长",
                                               "problem": "等了一个小时", "workdays": "5", "department_id": str(d.pk)})
    assert r.status_code == 302 and Notice.objects.get().source == "rating"
