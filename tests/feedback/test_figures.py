"""One definition per figure: 好评率 and 按时办结率 computed through every page and API that shows them (the
好差评 statistics, the reform dashboard, the department ranking) give the same number for the same records,
and a department with nothing to count shows 无数据, never a score."""

import datetime as dt

import pytest

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.insights.rollups import rollup_refresh
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db
NOW = b.at(dt.date(2026, 11, 25), 18)
MONTH = {"from": "2026-11-01", "to": "2026-11-30", "baseline_from": "2019-10-01", "baseline_to": "2019-10-31"}


@pytest.fixture
def november() -> dict:
    d = b.department()
    it = b.item(d)
    for level in ("very_satisfied", "very_satisfied", "satisfied", "basic", "dissatisfied"):
        b.rating(d, level, b.at(dt.date(2026, 11, 10), 11))
    b.rating(d, "basic", b.at(dt.date(2026, 11, 10), 12), default=True)  # default ratings are counted apart
    for k in range(4):  # 4 completed, 3 on time; one still open past its due date
        b.case(it, accepted_on=dt.date(2026, 11, 9), due_date=dt.date(2026, 11, 12),
               completed=b.at(dt.date(2026, 11, 12 if k < 3 else 13), 15))
    b.case(it, accepted_on=dt.date(2026, 11, 9), due_date=dt.date(2026, 11, 20))
    with clock.frozen(NOW):
        rollup_refresh(full=True)
    return {"dept": d}


def test_the_good_rate_is_the_same_on_the_statistics_the_dashboard_and_the_ranking(client_for, november) -> None:
    sup, d = client_for(Role.SUPERVISOR), november["dept"]
    with clock.frozen(NOW):
        stats = sup.get("/api/v1/feedback/ratings/stats", {"start": "2026-11-01", "end": "2026-11-30"}).json()
        dashboard = sup.get("/api/v1/metrics", MONTH | {"scope": f"dept:{d.code}"}).json()
        ranking = sup.get("/api/v1/scores", {"month": "2026-11", "recompute": "true"}).json()
    expected = 0.6  # (非常满意 2 + 满意 1) ÷ 5 主动评价; 基本满意 is not a good rating
    assert stats["totals"]["good_rate"] == expected
    assert dashboard["satisfaction"]["period"]["good_rate"] == expected
    (row,) = ranking["items"]
    assert row["parts"]["satisfaction"] == expected * 100
    # 满意率 and 非常满意率 agree as well
    assert stats["totals"]["satisfaction_rate"] == dashboard["satisfaction"]["period"]["satisfaction_rate"] == 0.8
    assert stats["totals"]["very_rate"] == dashboard["satisfaction"]["period"]["very_satisfied_share"] == 0.4
    assert stats["formulas"]["good_rate"] == dashboard["definitions"]["good_rate"]


def test_the_on_time_rate_counts_the_overdue_case_on_the_dashboard_and_the_ranking(client_for, november) -> None:
    sup, d = client_for(Role.SUPERVISOR), november["dept"]
    with clock.frozen(NOW):
        dashboard = sup.get("/api/v1/metrics", MONTH | {"scope": f"dept:{d.code}"}).json()
        ranking = sup.get("/api/v1/scores", {"month": "2026-11", "recompute": "true"}).json()
    cases = dashboard["cases"]["period"]
    assert (cases["completed"], cases["overdue"]) == (4, 1)
    assert cases["on_time_rate"] == 0.6  # 3 on time ÷ (4 completed + 1 overdue)
    assert ranking["items"][0]["parts"]["on_time"] == 60.0


def test_no_data_shows_as_no_data_never_as_a_score(client_for, november) -> None:
    sup = client_for(Role.SUPERVISOR)
    quiet = b.department("HL-ZJJ", "湖里区住房和建设局", 2)
    b.item(quiet)
    with clock.frozen(NOW):
        dashboard = sup.get("/api/v1/metrics", MONTH | {"scope": f"dept:{quiet.code}"}).json()
        page = sup.get("/insights/metrics/", MONTH | {"scope": f"dept:{quiet.code}"}).content.decode()
        ranking = sup.get("/api/v1/scores", {"month": "2026-11", "recompute": "true"}).json()
    assert dashboard["satisfaction"]["period"]["good_rate"] is None
    assert dashboard["cases"]["period"]["on_time_rate"] is None
    assert 'data-testid="good-rate">无数据<' in page and 'data-testid="on-time">无数据<' in page
    assert [r["department"] for r in ranking["items"]] == ["HL-SCJ"]
    assert ranking["unranked"] == [{"department": "HL-ZJJ", "department_name": "湖里区住房和建设局", "total": None}]
