"""Statistics on a hand-computed fixture, default ratings counted apart, and the provincial export mapping."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.feedback.links import rating_url
from onewindow.feedback.models import Level, Rating, gbt39046_satisfaction, provincial_satisfaction

pytestmark = pytest.mark.django_db

RECT = "/api/v1/feedback/rectifications"


@pytest.fixture
def rated(make_case, client_for, dept):
    """5 real first ratings, 1 follow-up, 1 default rating, 1 rectified bad review, 1 invalid bad review."""
    cases = [make_case() for _ in range(5)]
    unrated = make_case(completed_at=clock.now() - dt.timedelta(days=10))
    plan = [("very_satisfied", "3", []), ("satisfied", "3", []), ("basic", "4", []),
            ("dissatisfied", "4", ["213"]), ("very_dissatisfied", "2", ["115"])]
    for case, (level, channel, reasons) in zip(cases, plan, strict=True):
        url = rating_url(target_kind="case", target_id=case.pk, channel=channel)
        assert Client().post(url, {"level": level, "reasons": reasons, "identity": "anonymous"}).status_code == 200
    Client().post(rating_url(target_kind="case", target_id=cases[0].pk, channel="3"),
                  {"level": "satisfied", "identity": "anonymous"})  # follow-up
    head, supervisor = client_for(Role.DEPARTMENT_HEAD, department=dept), client_for(Role.SUPERVISOR)
    fix = Rating.objects.get(level="dissatisfied").rectification
    head.post(f"{RECT}/{fix.pk}/verify", {}, content_type="application/json")
    head.post(f"{RECT}/{fix.pk}/dispose", {"disposition": "fix_now", "measures": "业务培训"},
              content_type="application/json")
    invalid = Rating.objects.get(level="very_dissatisfied").rectification
    head.post(f"{RECT}/{invalid.pk}/appeal", {"reason": "误评"}, content_type="application/json")
    supervisor.post(f"{RECT}/{invalid.pk}/review", {"accept": True, "note": "录像证实误评"},
                    content_type="application/json")
    call_command("feedback_default_ratings", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {"cases": cases, "unrated": unrated, "supervisor": supervisor}


def test_published_figures_match_the_hand_computation(rated) -> None:
    body = rated["supervisor"].get("/api/v1/feedback/ratings/stats", {"dimension": "channel"}).json()
    t = body["totals"]
    assert (t["services"], t["active"], t["default"], t["followups"]) == (6, 5, 1, 1)
    assert t["active_rate"] == round(5 / 6, 4)
    assert (t["good_rate"], t["bad_rate"], t["very_rate"], t["satisfaction_rate"]) == (0.4, 0.4, 0.2, 0.6)
    assert (t["bad_all"], t["bad_invalid"], t["valid_bad"], t["bad_rectified"], t["fix_rate"]) == (2, 1, 1, 1, 1.0)
    assert t["score"] == 5.4  # (10 + 8 + 6 + 3 + 0) / 5
    rows = {r["key"]: r for r in body["rows"]}
    assert (rows["3"]["active"], rows["3"]["followups"], rows["3"]["score"]) == (2, 1, 9.0)
    assert (rows["4"]["bad"], rows["4"]["fix_rate"], rows["4"]["score"]) == (1, 1.0, 4.5)
    assert rows["2"]["valid_bad"] == 0 and rows["2"]["fix_rate"] is None
    assert (rows[""]["default"], rows[""]["active"]) == (1, 0)
    for formula in ("主动评价率 =", "好评率 =", "差评率 =", "差评整改率 =", "平均分 ="):
        assert any(f.startswith(formula) for f in body["formulas"].values())


def test_statistics_page_and_excel_show_the_same_figures(rated) -> None:
    page = rated["supervisor"].get("/feedback/stats/?dimension=department").content.decode()
    assert "83.33%" in page and "40.00%" in page and "5.4" in page and 'class="chart"' in page
    assert "差评整改率 = " in page
    for dim in ("department", "hall", "counter", "clerk", "item", "channel", "month"):
        assert rated["supervisor"].get(f"/feedback/stats/?dimension={dim}").status_code == 200
    xlsx = rated["supervisor"].get("/feedback/stats/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_default_rating_is_applied_once_and_can_be_switched_off(rated) -> None:
    default = Rating.objects.get(is_default=True)
    # the completed application (whose page carries the rating link) gets the default rating
    assert (default.target_kind, default.target_id, default.level, default.channel) == (
        "application", rated["unrated"].application_id, Level.BASIC, "")
    assert default.events.get().action == "defaulted"
    call_command("feedback_default_ratings", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Rating.objects.filter(is_default=True).count() == 1


@override_settings(ONEWINDOW={"DEFAULT_RATING_ENABLED": False, "DEFAULT_RATING_AFTER_DAYS": 7})
def test_no_default_rating_when_disabled(make_case) -> None:
    make_case(completed_at=clock.now() - dt.timedelta(days=30))
    from onewindow.feedback.services.default_ratings import rating_default_apply

    assert rating_default_apply() == 0 and Rating.objects.count() == 0


def test_provincial_export_maps_fields_and_reverses_gbt39046(rated, make_case, item, dept) -> None:
    assert [provincial_satisfaction(lv) for lv in Level.values] == [5, 4, 3, 2, 1]
    assert [gbt39046_satisfaction(lv) for lv in Level.values] == [1, 2, 3, 4, 5]
    enterprise_case = make_case(enterprise=True)
    Client().post(rating_url(target_kind="case", target_id=enterprise_case.pk, channel="4"),
                  {"level": "very_dissatisfied", "reasons": ["113", "115"], "text": "多头跑", "identity": "named",
                   "rater_name": "厦门某某餐饮有限公司"})
    raw = b"".join(rated["supervisor"].get("/api/v1/feedback/ratings/provincial.jsonl").streaming_content).decode()
    records = [json.loads(line) for line in raw.splitlines()]
    assert len(records) == 7  # 5 first + 1 follow-up + the new one; the default rating is not exported
    rec = next(r for r in records if r["projectNo"] == enterprise_case.number)
    assert rec["satisfaction"] == 1 and rec["evalDetail"] == "113,115" and rec["pf"] == "4"
    assert (rec["taskCode"], rec["taskName"], rec["deptCode"]) == (item.code, item.name, dept.credit_code)
    assert (rec["assessNumber"], rec["userProp"], rec["anonymityFlag"], rec["userName"]) == (1, 2, 2, "厦门某某餐饮有限公司")
    assert rec["writingEvaluation"] == "多头跑"
    assert dt.datetime.strptime(rec["assessTime"], "%Y-%m-%d %H:%M:%S")
    very = next(r for r in records if r["projectNo"] == rated["cases"][0].number and r["assessNumber"] == 1)
    assert very["satisfaction"] == 5
    assert any(r["assessNumber"] == 2 for r in records)
    with_default = b"".join(rated["supervisor"].get("/api/v1/feedback/ratings/provincial.jsonl",
                                                    {"include_default": True}).streaming_content).decode()
    assert len(with_default.splitlines()) == 8
    call_command("feedback_provincial_export", output="/tmp/feedback-export-test.jsonl", stderr=open("/dev/null", "w"))  # noqa: SIM115
    assert len(open("/tmp/feedback-export-test.jsonl", encoding="utf-8").read().splitlines()) == 7  # noqa: SIM115


def test_daily_default_run_leaves_services_older_than_the_lookback_alone(make_case) -> None:
    from onewindow.feedback.services.default_ratings import rating_default_apply

    old = make_case(completed_at=clock.now() - dt.timedelta(days=100))
    recent = make_case(completed_at=clock.now() - dt.timedelta(days=8))
    fresh = make_case(completed_at=clock.now() - dt.timedelta(days=2))
    assert rating_default_apply() == 1
    default = Rating.objects.get()
    assert default.target_id == recent.application_id and default.rated_at == recent.completed_at + dt.timedelta(days=7)
    assert not Rating.objects.filter(target_id__in=[old.application_id, fresh.application_id]).exists()
