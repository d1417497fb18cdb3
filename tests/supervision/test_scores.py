"""Monthly department score: each part from its records (cases and ratings read directly: no rollup is run), the
weighted total by hand, weights set by an admin, a published month frozen and shown on the public page, the Excel
export."""

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.supervision.models import ScoreWeights
from onewindow.supervision.services.notices import notice_create, notice_respond
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db
NOW = b.at(dt.date(2026, 11, 25), 18)


@pytest.fixture
def month_of_records() -> tuple:
    a, bb = b.department("HL-A", "甲局", 1), b.department("HL-B", "乙局", 2)
    items = [b.item(a, handling_type="1", promised_limit=0)] + [b.item(a) for _ in range(3)]
    b.item(bb, handling_type="1", promised_limit=0)
    b.item(bb, handling_type="1", promised_limit=0)
    day = dt.date(2026, 11, 10)
    for k in range(4):  # 4 completed in November, 3 on time
        b.case(items[1], accepted_on=day, due_date=dt.date(2026, 11, 12),
               completed=b.at(dt.date(2026, 11, 12 if k < 3 else 13), 15))
    b.case(items[1], accepted_on=dt.date(2026, 10, 8), due_date=dt.date(2026, 10, 20),
           completed=b.at(dt.date(2026, 10, 30)))  # October: not counted
    for level in ("very_satisfied", "very_satisfied", "satisfied", "basic", "dissatisfied"):
        b.rating(a, level, b.at(day, 11))
    b.rating(a, "very_dissatisfied", b.at(day, 11), default=True)  # default ratings are counted apart
    with clock.frozen(b.at(dt.date(2026, 11, 2))):
        on_time = notice_create(source="manual", department_id=a.pk, title="一", problem="一", workdays=5,
                                         actor=None)
        notice_create(source="manual", department_id=a.pk, title="二", problem="二", workdays=5, actor=None)
    with clock.frozen(b.at(dt.date(2026, 11, 6))):
        notice_respond(notice_id=on_time.pk, response="已整改", actor=None)
    return a, bb


def scores(client, **params):
    with clock.frozen(NOW):
        r = client.get("/api/v1/scores", {"month": "2026-11", "recompute": "true"} | params)
    assert r.status_code == 200, r.content
    body = r.json()
    return {row["department"]: row for row in body["items"] + body["unranked"]}


def test_each_part_and_the_weighted_total_match_the_hand_computation(client_for, month_of_records) -> None:
    rows = scores(client_for(Role.SUPERVISOR))
    a = rows["HL-A"]
    # 好评率 is feedback.figures' (非常满意 + 满意) ÷ 主动评价: 3 of 5, the basic one is not a good rating
    assert a["parts"] == {"on_time": 75.0, "satisfaction": 60.0, "rectification": 50.0, "notices": 80.0,
                          "instant": 25.0}
    # (30×75 + 25×60 + 20×50 + 15×80 + 10×25) / 100
    assert a["total"] == 62.0
    assert a["rank"] == 1
    assert a["counts"]["completed"] == 4 and a["counts"]["notices"] == 2 and a["counts"]["ratings"] == 5


def test_a_department_with_no_cases_and_no_ratings_is_not_ranked_but_listed_as_no_data(client_for,
                                                                                       month_of_records) -> None:
    rows = scores(client_for(Role.SUPERVISOR))
    assert rows["HL-B"]["total"] is None and "rank" not in rows["HL-B"]
    with clock.frozen(NOW):
        page = client_for(Role.SUPERVISOR).get("/supervision/ranking/?month=2026-11").content.decode()
    assert "无数据（不参加排名）" in page and "乙局" in page.split('data-testid="unranked"')[1]
    assert "好评率 = （非常满意 + 满意）÷ 主动评价数" in page


def test_an_open_case_past_its_due_date_lowers_the_on_time_rate(client_for, month_of_records) -> None:
    from onewindow.catalog.models import ServiceItem

    a, _bb = month_of_records
    item = ServiceItem.objects.filter(department=a).exclude(handling_type="1").first()
    b.case(item, accepted_on=dt.date(2026, 11, 10), due_date=dt.date(2026, 11, 20))  # still open on the 25th
    rows = scores(client_for(Role.SUPERVISOR))
    assert rows["HL-A"]["parts"]["on_time"] == 60.0  # 3 on time ÷ (4 completed + 1 overdue)
    assert rows["HL-A"]["counts"]["overdue"] == 1


def test_weights_set_by_an_admin_change_the_total(client_for, month_of_records) -> None:
    ScoreWeights.objects.create(name="只看按时办结", on_time=1, satisfaction=0, rectification=0, notices=0, instant=0)
    rows = scores(client_for(Role.SUPERVISOR))
    assert rows["HL-A"]["total"] == 75.0
    assert rows["HL-B"]["total"] is None  # no data: not ranked


def test_a_published_month_is_frozen_and_shown_to_the_public(client_for, month_of_records) -> None:
    sup = client_for(Role.SUPERVISOR)
    scores(sup)
    public = client_for(Role.CITIZEN)
    assert public.get("/supervision/public/ranking/?month=2026-11").status_code == 404
    with clock.frozen(NOW):
        r = sup.post("/supervision/ranking/", {"month": "2026-11", "action": "publish"})
    assert r.status_code == 302
    page = public.get("/supervision/public/ranking/").content.decode()
    assert "甲局" in page and "62.00" in page and "按时办结率" in page
    with clock.frozen(NOW):
        frozen = sup.get("/api/v1/scores", {"month": "2026-11", "recompute": "true"})
    assert frozen.status_code == 409 and frozen.json()["errors"][0]["field"] == "month"


def test_the_ranking_exports_to_excel_with_its_parts(client_for, month_of_records) -> None:
    sup = client_for(Role.SUPERVISOR)
    scores(sup)
    r = sup.get("/supervision/ranking/export.xlsx?month=2026-11")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("排名", "部门", "综合得分", "按时办结率（权重30）")
    assert rows[1][1] == "甲局" and rows[1][2] == 62.0 and rows[1][3] == 75.0
    assert sup.get("/api/v1/scores?month=2026-13").status_code == 400


def test_the_ranking_export_asked_for_in_english_has_english_labels_and_names(client_for, month_of_records) -> None:
    from onewindow.catalog.models import Department

    Department.objects.filter(code="HL-A").update(name_en="Bureau A")
    sup = client_for(Role.SUPERVISOR)
    scores(sup)
    sup.cookies["django_language"] = "en"
    r = sup.get("/supervision/ranking/export.xlsx?month=2026-11")
    assert r.status_code == 200 and "department-scores-2026-11.xlsx" in r["Content-Disposition"]
    book = load_workbook(io.BytesIO(r.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("Rank", "Department", "Overall score", "Completed on time (weight 30)")
    labels = [v for v in rows[0] if isinstance(v, str)]
    assert not [v for v in labels if re.search(r"[\u4e00-\u9fff（）]", v)], labels
    assert rows[1][1] == "Bureau A" and rows[1][2] == 62.0
    weights = list(book.worksheets[1].iter_rows(values_only=True))
    assert book.worksheets[1].title == "Weight" and weights[1][:2] == ("on_time", "Completed on time")
    assert not [v for row in weights for v in row if isinstance(v, str) and re.search(r"[\u4e00-\u9fff]", v)]


@pytest.mark.django_db
def test_a_month_outside_the_calendar_is_refused_with_its_field_and_never_overflows(client_for) -> None:
    sup = client_for(Role.SUPERVISOR)
    for url in ("/supervision/ranking/?month=0001-01", "/supervision/ranking/export.xlsx?month=0001-01"):
        r = sup.get(url)
        assert r.status_code == 400, url
    assert sup.post("/supervision/ranking/", {"month": "0001-01", "action": "[]"}).status_code == 400
    api = sup.get("/api/v1/scores?month=0001-01")
    assert api.status_code == 400 and api.json()["errors"][0]["field"] == "month"
