"""Each monitor on crafted bad data; one open finding per (monitor, target) whatever the number of runs; a finding
resolves itself when the breach is gone."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.supervision.models import Finding
from onewindow.supervision.monitors import MONITORS, monitors_run
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db
NOW = b.at(dt.date(2026, 11, 20), 22)


def open_targets(monitor: str) -> set[str]:
    return set(Finding.objects.filter(monitor=monitor, state="open").values_list("target_id", flat=True))


def run(code: str) -> None:
    with clock.frozen(NOW):
        monitors_run(trigger="test", only=[code])


def test_catalog_consistency_monitors_each_flag_only_the_broken_item() -> None:
    d = b.department()
    good = b.item(d, visits_reason="", max_visits=0)
    cases = {
        "catalog.promised_over_legal": b.item(d, legal_limit=5, promised_limit=8),
        "catalog.instant_mismatch": b.item(d, promised_limit=0, handling_type="2"),
        "catalog.visits_without_reason": b.item(d, max_visits=2, visits_reason=""),
        "catalog.online_with_visits": b.item(d, online_depth=5, max_visits=1, visits_reason="核验原件"),
        "catalog.fee_without_basis": b.item(d, has_fee=True, fee_basis=""),
        "catalog.no_materials": b.item(d, materials=0),
        "catalog.no_phone": b.item(d, consult_phone=""),
    }
    instant_with_days = b.item(d, handling_type="1", promised_limit=3)
    b.item(d, materials=0, status="draft")  # drafts may lack materials
    for code, bad in cases.items():
        run(code)
        expected = {str(bad.pk)} | ({str(instant_with_days.pk)} if code == "catalog.instant_mismatch" else set())
        assert open_targets(code) == expected, code
        assert str(good.pk) not in open_targets(code)
    f = Finding.objects.get(monitor="catalog.promised_over_legal")
    assert f.department_id == d.pk and f.target_type == "catalog.serviceitem" and "超过法定时限" in f.message


def test_overdue_and_at_risk_cases_are_found_and_resolved_when_completed() -> None:
    it = b.item(b.department())
    overdue = b.case(it, accepted_on=dt.date(2026, 11, 2), due_date=dt.date(2026, 11, 16))
    close = b.case(it, accepted_on=dt.date(2026, 11, 10), due_date=dt.date(2026, 11, 23))  # next working day
    b.case(it, accepted_on=dt.date(2026, 11, 19), due_date=dt.date(2026, 12, 10))  # far away
    b.case(it, accepted_on=dt.date(2026, 11, 2), due_date=dt.date(2026, 11, 10),
           completed=b.at(dt.date(2026, 11, 9)))  # done in time
    run("cases.overdue")
    run("cases.at_risk")
    assert open_targets("cases.overdue") == {str(overdue.pk)}
    assert open_targets("cases.at_risk") == {str(close.pk)}
    overdue.status, overdue.completed_at = "completed", NOW
    overdue.save()
    run("cases.overdue")
    assert open_targets("cases.overdue") == set()
    assert Finding.objects.get(monitor="cases.overdue").state == "resolved"


def test_a_second_run_makes_no_duplicate_and_the_database_refuses_one() -> None:
    d = b.department()
    b.item(d, legal_limit=5, promised_limit=8)
    for _ in range(3):
        run("catalog.promised_over_legal")
    assert Finding.objects.filter(monitor="catalog.promised_over_legal").count() == 1
    f = Finding.objects.get()
    assert f.last_seen == NOW and f.events.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Finding.objects.create(monitor=f.monitor, kind=f.kind, target_type=f.target_type, target_id=f.target_id,
                               target_label="x", message="x", first_seen=NOW, last_seen=NOW)


def test_a_breach_that_comes_back_opens_a_new_finding() -> None:
    it = b.item(b.department(), consult_phone="")
    run("catalog.no_phone")
    it.consult_phone = "0592-1"
    it.save()
    run("catalog.no_phone")
    it.consult_phone = ""
    it.save()
    run("catalog.no_phone")
    assert list(Finding.objects.filter(monitor="catalog.no_phone").order_by("pk").values_list("state", flat=True)) == [
        "resolved", "open"]


def test_departments_whose_services_go_unrated_are_flagged() -> None:
    d, quiet = b.department(), b.department("HL-ZJJ", "湖里区住房和建设局")
    it, it2 = b.item(d), b.item(quiet)
    day = dt.date(2026, 11, 10)
    for _ in range(6):
        b.case(it, accepted_on=day, completed=b.at(day, 15), due_date=day)
    rated = [b.case(it2, accepted_on=day, completed=b.at(day, 15), due_date=day) for _ in range(6)]
    for k, c in enumerate(rated):  # rated as a case, or as the application it belongs to
        b.rating(quiet, "satisfied", b.at(day, 16), kind="case" if k % 2 else "application",
                 target_id=c.pk if k % 2 else c.application_id)
    run("feedback.unrated")
    assert open_targets("feedback.unrated") == {str(d.pk)}
    assert "0 件有评价" in Finding.objects.get(monitor="feedback.unrated").message


def test_overdue_bad_review_rectifications_and_unanswered_suggestions_are_flagged() -> None:
    from onewindow.feedback.models import Rectification, Suggestion, SuggestionCategory

    d = b.department()
    r = b.rating(d, "dissatisfied", b.at(dt.date(2026, 10, 1)))
    late = Rectification.objects.create(rating=r, department=d, state="fixing", due_on=dt.date(2026, 11, 1),
                                        opened_at=r.rated_at, updated_at=r.rated_at)
    r2 = b.rating(d, "dissatisfied", b.at(dt.date(2026, 11, 18)))
    Rectification.objects.create(rating=r2, department=d, state="pending", due_on=dt.date(2026, 12, 9),
                                 opened_at=r2.rated_at, updated_at=r2.rated_at)
    cat = SuggestionCategory.objects.create(code="svc", name="服务态度")
    common = {"category": cat, "channel": "web", "description": "窗口人员态度差", "department": d,
              "received_at": b.at(dt.date(2026, 10, 9)), "updated_at": b.at(dt.date(2026, 10, 9))}
    s_late = Suggestion.objects.create(number="S1", state="assigned", due_on=dt.date(2026, 10, 30), **common)
    Suggestion.objects.create(number="S2", state="answered", due_on=dt.date(2026, 10, 30),
                              answered_at=b.at(dt.date(2026, 10, 20)), **common)
    Suggestion.objects.create(number="S3", state="assigned", due_on=dt.date(2026, 12, 1), **common)
    run("feedback.rectification_overdue")
    run("feedback.reply_overdue")
    assert open_targets("feedback.rectification_overdue") == {str(late.pk)}
    assert open_targets("feedback.reply_overdue") == {str(s_late.pk)}


def test_a_no_show_spike_in_a_hall_is_flagged_but_a_usual_day_is_not() -> None:
    h, calm = b.hall(), b.hall("fuan", "福安市行政服务中心")
    day = dt.date(2026, 11, 2)
    for k in range(15):  # 15 ordinary days: 1 no-show in 20
        d = day + dt.timedelta(days=k)
        for hall in (h, calm):
            for i in range(20):
                b.ticket(hall, d, wait_minutes=5, status="no_show" if i == 0 else "finished")
    spike = dt.date(2026, 11, 19)
    for i in range(20):
        b.ticket(h, spike, wait_minutes=5, status="no_show" if i < 8 else "finished")
        b.ticket(calm, spike, wait_minutes=5, status="no_show" if i == 0 else "finished")
    run("hall.no_show_spike")
    assert open_targets("hall.no_show_spike") == {str(h.pk)}
    assert "8/20" in Finding.objects.get(monitor="hall.no_show_spike").message


def test_the_run_now_button_and_the_api_run_every_monitor(client_for) -> None:
    b.item(b.department(), consult_phone="")
    sup = client_for(Role.SUPERVISOR)
    r = sup.post("/supervision/monitors/run/")
    assert r.status_code == 302
    r = sup.post("/api/v1/monitors/run", content_type="application/json")
    assert r.status_code == 200
    body = r.json()
    assert set(body["per_monitor"]) == {m.code for m in MONITORS}
    assert body["per_monitor"]["catalog.no_phone"] == {"opened": 0, "resolved": 0, "still_open": 1}
    findings = sup.get("/api/v1/findings?monitor=catalog.no_phone").json()
    assert findings["count"] == 1 and findings["items"][0]["target_type"] == "catalog.serviceitem"
    assert client_for(Role.CLERK).post("/api/v1/monitors/run").status_code == 403


def test_the_command_runs_the_monitors(capsys) -> None:
    from django.core.management import call_command

    b.item(b.department(), consult_phone="")
    call_command("supervision", "monitor")
    assert "catalog.no_phone" in capsys.readouterr().out
    assert Finding.objects.filter(monitor="catalog.no_phone", state="open").count() == 1


def test_the_findings_and_overview_pages_list_findings_of_every_kind(client_for) -> None:
    from onewindow.supervision.models import ChecklistPoint, ChecklistTemplate

    b.item(b.department(), consult_phone="")
    t = ChecklistTemplate.objects.create(code="daily", name="大厅日常检查")
    ChecklistPoint.objects.create(template=t, group="attire", code="badge", text="佩戴工作牌", order=1)
    sup = client_for(Role.SUPERVISOR)
    iid = sup.post("/api/v1/inspections", {"hall_id": b.hall().pk, "template": "daily"},
                   content_type="application/json").json()["id"]
    point = t.points.get()
    sup.post(f"/api/v1/inspections/{iid}/points/{point.pk}", {"passed": False, "note": "未佩戴"},
             content_type="application/json")
    sup.post(f"/api/v1/inspections/{iid}/submit", {}, content_type="application/json")
    sup.post("/api/v1/monitors/run")
    page = sup.get("/supervision/findings/")
    html = page.content.decode()
    assert page.status_code == 200 and "已发布事项没有咨询电话" in html and "佩戴工作牌：未佩戴" in html
    assert "湖里区行政服务中心" in html and "湖里区市场监督管理局" in html
    home = sup.get("/supervision/").content.decode()
    assert "现场检查不合格" in home and "已发布事项无咨询电话" in home
