"""Bad-review rectification: verify / appeal → fix now / by a deadline / explain → callback → close."""

import datetime as dt

import pytest
from django.test import Client, override_settings

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.feedback.links import rating_url
from onewindow.feedback.models import Rectification

pytestmark = pytest.mark.django_db

API = "/api/v1/feedback/rectifications"


def _bad_review(make_case, *, named: bool = True, level: str = "dissatisfied", reason: str = "213") -> Rectification:
    case = make_case()
    url = rating_url(target_kind="case", target_id=case.pk, channel="3")
    data = {"level": level, "reasons": [reason], "identity": "named" if named else "anonymous",
            "rater_name": "林晓梅", "rater_phone": "13812345678"}
    assert Client().post(url, data).status_code == 200
    return Rectification.objects.latest("id")


def _act(client: Client, rec: Rectification, action: str, **payload) -> object:
    return client.post(f"{API}/{rec.pk}/{action}", payload, content_type="application/json")


def test_bad_review_goes_to_its_department_and_is_closed_after_callback(make_case, client_for, dept, other_dept) -> None:
    rec = _bad_review(make_case)
    assert rec.department_id == dept.pk and rec.state == "pending"
    mine, theirs = client_for(Role.REVIEWER, department=dept), client_for(Role.REVIEWER, department=other_dept)
    assert [r["id"] for r in mine.get(API).json()] == [rec.pk]
    assert theirs.get(API).json() == []
    assert _act(theirs, rec, "verify").status_code == 403
    assert _act(mine, rec, "callback", method="phone", outcome="x").status_code == 409  # not yet rectified
    assert _act(mine, rec, "verify", note="核实属实").status_code == 200
    assert _act(mine, rec, "dispose", disposition="fix_now", measures="").status_code == 400
    assert _act(mine, rec, "dispose", disposition="fix_now", measures="窗口人员业务培训").json()["state"] == "rectified"
    assert _act(mine, rec, "callback", method="anonymous", outcome="x").status_code == 400  # named: real callback
    assert _act(mine, rec, "callback", method="phone", outcome="群众表示满意").json()["state"] == "called_back"
    closed = _act(mine, rec, "close").json()
    assert closed["state"] == "closed"
    assert [e["action"] for e in closed["events"]] == ["opened", "verify_valid", "fix_now", "callback", "close"]
    assert _act(mine, rec, "close").status_code == 409


def test_follow_up_rating_after_callback_closes_the_record(make_case, client_for, dept) -> None:
    rec = _bad_review(make_case)
    head = client_for(Role.DEPARTMENT_HEAD, department=dept)
    _act(head, rec, "verify")
    _act(head, rec, "dispose", disposition="explain", measures="依据《食品经营许可管理办法》第十条须现场核查")
    _act(head, rec, "callback", method="phone", outcome="已解释，群众理解")
    url = rating_url(target_kind="case", target_id=rec.rating.target_id, channel="3")
    Client().post(url, {"level": "satisfied", "identity": "anonymous"})
    rec.refresh_from_db()
    assert rec.state == "closed"
    assert rec.events.last().action == "followup_rated"


def test_appeal_needs_a_supervisor_review(make_case, client_for, dept) -> None:
    rec = _bad_review(make_case, level="very_dissatisfied", reason="115")
    reviewer = client_for(Role.REVIEWER, department=dept)
    assert _act(reviewer, rec, "appeal", reason="").status_code == 400
    assert _act(reviewer, rec, "appeal", reason="评价人误点，当场已致歉").json()["state"] == "appealed"
    assert _act(reviewer, rec, "review", accept=True, note="同意").status_code == 403
    supervisor = client_for(Role.SUPERVISOR)
    assert _act(supervisor, rec, "review", accept=True, note="").status_code == 400
    assert _act(supervisor, rec, "review", accept=True, note="监控录像显示为误评").json()["state"] == "invalid"
    # a rejected appeal makes the review valid
    rec2 = _bad_review(make_case)
    _act(reviewer, rec2, "appeal", reason="不认可")
    assert _act(supervisor, rec2, "review", accept=False, note="情况属实").json()["state"] == "valid"


def test_fix_deadline_counts_working_days_over_national_day_2026(make_case, client_for, dept) -> None:
    with clock.frozen(dt.datetime(2026, 9, 30, 10, 0)):
        rec = _bad_review(make_case)
        # opened 30 Sept 2026: 15 working days, 1–7 Oct off, Sat 10 Oct a make-up working day → 27 Oct
        assert rec.due_on == dt.date(2026, 10, 27)
        head = client_for(Role.DEPARTMENT_HEAD, department=dept)
        _act(head, rec, "verify")
        assert _act(head, rec, "dispose", disposition="fix_deadline", measures="更新材料样本",
                    workdays=16).status_code == 400
        out = _act(head, rec, "dispose", disposition="fix_deadline", measures="更新材料样本", workdays=5).json()
        # 8, 9, 10 (make-up Saturday), 12, 13 Oct
        assert out["due_on"] == "2026-10-13" and out["state"] == "fixing"
    with clock.frozen(dt.datetime(2026, 10, 14, 9, 0)):
        overdue = client_for(Role.SUPERVISOR).get(API, {"overdue": True}).json()
        assert [r["id"] for r in overdue] == [rec.pk] and overdue[0]["overdue"] is True
        page = client_for(Role.SUPERVISOR).get("/feedback/rectifications/?view=overdue").content.decode()
        assert "row-overdue" in page
        _act(head, rec, "complete", measures="已更新样本并公示")
        assert client_for(Role.SUPERVISOR).get(API, {"overdue": True}).json() == []


@override_settings(ONEWINDOW={"BAD_REVIEW_FIX_WORKDAYS": 3, "DEFAULT_RATING_ENABLED": True})
def test_fix_deadline_setting_is_honoured(make_case, client_for, dept) -> None:
    with clock.frozen(dt.datetime(2026, 11, 27, 10, 0)):  # a Friday
        rec = _bad_review(make_case)
        assert rec.due_on == dt.date(2026, 12, 2)


def test_anonymous_bad_review_callback_is_a_published_outcome(make_case, client_for, dept) -> None:
    rec = _bad_review(make_case, named=False)
    head = client_for(Role.DEPARTMENT_HEAD, department=dept)
    _act(head, rec, "verify")
    _act(head, rec, "dispose", disposition="fix_now", measures="已整改")
    assert _act(head, rec, "callback", method="phone", outcome="x").status_code == 400
    assert _act(head, rec, "callback", method="anonymous", outcome="整改结果已在大厅公示").status_code == 200
    page = head.get(f"/feedback/rectifications/{rec.pk}/").content.decode()
    assert "林晓梅" not in page and "13812345678" not in page


def test_rectification_pages_walk_the_whole_loop(make_case, client_for, dept) -> None:
    rec = _bad_review(make_case)
    head = client_for(Role.DEPARTMENT_HEAD, department=dept)
    url = f"/feedback/rectifications/{rec.pk}/"
    assert "核实为有效差评" in head.get(url).content.decode()
    for data in ({"action": "verify"}, {"action": "dispose", "disposition": "fix_now", "measures": "当场纠正"},
                 {"action": "callback", "method": "phone", "outcome": "满意"}, {"action": "close"}):
        assert head.post(url, data).status_code == 302
    rec.refresh_from_db()
    assert rec.state == "closed"
    bad = head.post(url, {"action": "close"})
    assert bad.status_code == 200 and "不能" in bad.content.decode()
