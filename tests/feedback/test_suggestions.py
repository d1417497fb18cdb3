"""Citizen voice: intake, routing and reassign, answers, nothing closes without a reply, lookup, import, report."""

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import Workbook

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.feedback.models import Suggestion

pytestmark = pytest.mark.django_db

API = "/api/v1/feedback/suggestions"


def _submit(client: Client, **data) -> object:
    payload = {"category": "hall-env", "description": "大厅座椅不舒服", "phone": "13812345678"} | data
    return client.post(API, payload, content_type="application/json")


def test_routing_rules_send_each_suggestion_to_the_responsible_unit(categories, dept, other_dept) -> None:
    seat = _submit(Client())
    assert seat.status_code == 201 and seat.json()["department"] == dept.name
    parking = _submit(Client(), description="办事难停车，周边车位太少")
    assert parking.json()["department"] == other_dept.name  # keyword rule 停车 wins (priority 10)
    cant = _submit(Client(), category="cant-do", description="跨部门事项没人受理")
    assert cant.json()["department"] == dept.name  # the category's default unit
    nobody = _submit(Client(), category="other", description="其他问题")
    assert nobody.json()["state"] == "unassigned"
    assert Suggestion.objects.get(number=seat.json()["number"]).channel == "web"


def test_due_dates_count_working_days_per_category(categories) -> None:
    with clock.frozen(dt.datetime(2026, 9, 30, 16, 0)):
        cant = _submit(Client(), category="cant-do").json()
        env = _submit(Client()).json()
    assert cant["due_on"] == "2026-10-27"  # 办不成事: 15 working days over National Day
    assert env["due_on"] == "2026-10-20"  # 10 working days: 8, 9, 10 (Sat), 12–16, 19, 20 Oct


def test_bad_input_names_the_field_and_creates_nothing(categories) -> None:
    r = _submit(Client(), category="nope", description="", phone="123")
    assert r.status_code == 400
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"category", "description", "phone"} <= fields
    assert Suggestion.objects.count() == 0


def test_same_idempotency_key_makes_one_record(categories) -> None:
    a = _submit(Client(), idempotency_key="k-1").json()
    b = _submit(Client(), idempotency_key="k-1").json()
    assert a["number"] == b["number"] and Suggestion.objects.count() == 1


def test_supervisor_reassigns_and_only_the_new_unit_answers(categories, dept, other_dept, client_for) -> None:
    s = Suggestion.objects.get(number=_submit(Client()).json()["number"])
    reviewer = client_for(Role.REVIEWER, department=dept)
    assert reviewer.post(f"{API}/{s.pk}/reassign", {"department": other_dept.pk},
                         content_type="application/json").status_code == 403
    supervisor = client_for(Role.SUPERVISOR)
    assert supervisor.post(f"{API}/{s.pk}/reassign", {"department": other_dept.pk, "note": "属住建职责"},
                           content_type="application/json").json()["department"] == other_dept.name
    assert reviewer.get(API).json() == []
    assert reviewer.post(f"{API}/{s.pk}/answer", {"disposition": "fix_now", "text": "x"},
                         content_type="application/json").status_code == 403
    other = client_for(Role.REVIEWER, department=other_dept)
    assert [x["number"] for x in other.get(API).json()] == [s.number]
    assert list(s.events.values_list("action", flat=True)) == ["received", "routed", "reassigned"]


def test_nothing_closes_without_a_reply_and_every_disposition_works(categories, dept, client_for) -> None:
    head = client_for(Role.DEPARTMENT_HEAD, department=dept)
    ids = [Suggestion.objects.get(number=_submit(Client()).json()["number"]).pk for _ in range(3)]
    assert head.post(f"{API}/{ids[0]}/close", {}, content_type="application/json").status_code == 409
    assert head.post(f"{API}/{ids[0]}/answer", {"disposition": "fix_now", "text": ""},
                     content_type="application/json").status_code == 400
    r = head.post(f"{API}/{ids[0]}/answer", {"disposition": "fix_now", "text": "已更换候办区座椅"},
                  content_type="application/json").json()
    assert r["state"] == "answered" and r["replies"][0]["text"] == "已更换候办区座椅"
    assert head.post(f"{API}/{ids[0]}/close", {}, content_type="application/json").json()["state"] == "closed"
    # 限期整改 needs a plan date, then a completion reply
    assert head.post(f"{API}/{ids[1]}/answer", {"disposition": "fix_deadline", "text": "计划增设停车位"},
                     content_type="application/json").status_code == 400
    plan = (clock.today() + dt.timedelta(days=30)).isoformat()
    r = head.post(f"{API}/{ids[1]}/answer", {"disposition": "fix_deadline", "text": "计划增设停车位",
                                             "plan_due_on": plan}, content_type="application/json").json()
    assert r["state"] == "rectifying"
    assert head.post(f"{API}/{ids[1]}/close", {}, content_type="application/json").status_code == 409
    r = head.post(f"{API}/{ids[1]}/complete", {"text": "已协调周边停车场"}, content_type="application/json").json()
    assert r["state"] == "answered" and len(r["replies"]) == 2
    r = head.post(f"{API}/{ids[2]}/answer", {"disposition": "explain", "text": "依据……须本人到场"},
                  content_type="application/json").json()
    assert r["state"] == "answered" and r["disposition"] == "explain"


def test_citizen_sees_status_and_replies_by_number_and_phone_digits(categories, dept, client_for) -> None:
    number = _submit(Client()).json()["number"]
    s = Suggestion.objects.get(number=number)
    client_for(Role.REVIEWER, department=dept).post(f"{API}/{s.pk}/answer", {"disposition": "fix_now",
                                                                               "text": "已更换座椅"},
                                                    content_type="application/json")
    wrong = Client().post(f"{API}/lookup", {"number": number, "phone_last4": "0000"}, content_type="application/json")
    assert wrong.status_code == 404
    ok = Client().post(f"{API}/lookup", {"number": number, "phone_last4": "5678"}, content_type="application/json")
    assert ok.json()["state"] == "answered" and ok.json()["replies"][0]["text"] == "已更换座椅"
    page = Client().post("/feedback/lookup/", {"number": number, "phone_last4": "5678"}).content.decode()
    assert "已更换座椅" in page and "13812345678" not in page


def test_web_form_and_staff_intake_channels(categories, client_for) -> None:
    r = Client().post("/feedback/suggest/", {"category": "hall-env", "description": "座椅不舒服", "phone": "13812345678",
                                             "channel": "cant_do", "kind": "suggestion"})
    assert r.status_code == 200 and "已受理" in r.content.decode()
    assert Suggestion.objects.get().channel == "web"  # the public cannot choose a staff channel
    clerk = client_for(Role.CLERK)
    clerk.post("/feedback/suggest/", {"category": "cant-do", "description": "跑了三个部门没办成", "phone": "13812345678",
                                      "channel": "cant_do", "kind": "complaint"})
    assert Suggestion.objects.latest("id").channel == "cant_do"
    bad = Client().post("/feedback/suggest/", {"category": "hall-env", "description": "", "phone": ""})
    assert bad.status_code == 400 and "请填写反映内容" in bad.content.decode()


def _xlsx(rows: list[list[object]]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["回访日期", "姓名", "联系电话", "类别编码", "反映内容", "诉求类型"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "survey.xlsx"
    return buf


def test_survey_import_is_all_or_nothing_with_errors_by_row_and_column(categories, client_for) -> None:
    supervisor = client_for(Role.SUPERVISOR)
    bad = _xlsx([["2026-11-02", "张三", "13812345678", "hall-env", "座椅不舒服", "建议"],
                 ["2026-11-03", "李四", "12345", "nope", "", "抱怨"]])
    r = supervisor.post("/feedback/suggestions/import/", {"file": bad})
    html = r.content.decode()
    assert r.status_code == 400
    for expected in ("第3行“联系电话”", "第3行“类别编码”nope不存在", "第3行“反映内容”不能为空", "第3行“诉求类型”"):
        assert expected in html
    assert Suggestion.objects.count() == 0
    good = _xlsx([["2026-11-02", "张三", "13812345678", "hall-env", "座椅不舒服", "建议"],
                  ["2026-11-03", "李四", "13912345678", "cant-do", "办理环节太多", "投诉"]])
    assert supervisor.post("/feedback/suggestions/import/", {"file": good}).status_code == 200
    assert sorted(Suggestion.objects.values_list("channel", "kind")) == [("survey", "complaint"), ("survey", "suggestion")]


def test_monthly_report_counts_volumes_on_time_and_dispositions(categories, dept, client_for) -> None:
    head = client_for(Role.DEPARTMENT_HEAD, department=dept)
    supervisor = client_for(Role.SUPERVISOR)
    with clock.frozen(dt.datetime(2026, 11, 2, 9, 0)):
        a, b, c = (Suggestion.objects.get(number=_submit(Client()).json()["number"]) for _ in range(3))
        head.post(f"{API}/{a.pk}/answer", {"disposition": "fix_now", "text": "已改"}, content_type="application/json")
    with clock.frozen(dt.datetime(2026, 11, 30, 9, 0)):  # after b's 10-working-day due date (16 Nov)
        head.post(f"{API}/{b.pk}/answer", {"disposition": "explain", "text": "说明"}, content_type="application/json")
        page = supervisor.get("/feedback/suggestions/report/?month=2026-11").content.decode()
        xlsx = supervisor.get("/feedback/suggestions/report/export.xlsx?month=2026-11")
    from onewindow.feedback.selectors.monthly_report import monthly_report

    with clock.frozen(dt.datetime(2026, 11, 30, 9, 0)):
        r = monthly_report(year=2026, month=11, user=supervisor.user)
    assert (r["received"], r["answered"], r["on_time"]) == (3, 2, 1)
    assert r["on_time_rate"] == round(1 / 3, 4)  # c is overdue and unanswered: counted against
    assert {d["code"]: d["count"] for d in r["dispositions"]} == {"fix_now": 1, "fix_deadline": 0, "explain": 1}
    assert "按期答复率" in page and xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    _ = c
