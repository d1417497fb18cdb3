"""Due dates in working days across the 2026 Spring Festival and National Day, with special-procedure pauses,
provisional dates for years without an official calendar, and the deadline lights."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from onewindow.cases.models import Case, CaseEvent
from onewindow.cases.services.deadlines import recompute_deadlines
from onewindow.core import clock

from .conftest import JPEG, PDF, act, case_number, payload, post_multipart

pytestmark = pytest.mark.django_db


def nth_workday_after(start: dt.date, n: int) -> dt.date:
    """Independent oracle: walk day by day with the chinese-calendar package."""
    d = start
    while n > 0:
        d += dt.timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n -= 1
    return d


def _submit_and_accept(people, when: dt.datetime, *, item: str = "T-EMPLOY") -> str:
    with clock.frozen(when):
        app = post_multipart(people["citizen"], payload(answers={"food": "yes"}),
                             files={"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("c.pdf", PDF), "M-PHOTO": ("p.pdf", PDF)}).json()
        number = case_number(app, item)
        assert act(people["reviewer_a" if item != "T-MARKET" else "reviewer_b"], number, "accept").status_code == 200
    return number


def test_a_deadline_skips_the_spring_festival_and_counts_the_make_up_saturday(people, catalog, media):
    # accepted Friday 13 Feb 2026; Sat 14 Feb is a make-up working day; 15–23 Feb are the holiday
    number = _submit_and_accept(people, dt.datetime(2026, 2, 13, 9), item="T-MARKET")
    case = Case.objects.get(number=number)
    assert case.accepted_on == dt.date(2026, 2, 13)
    assert case.due_date == nth_workday_after(dt.date(2026, 2, 13), 10)
    assert case.due_date == dt.date(2026, 3, 5)  # 14 Feb, 24–27 Feb, Sat 28 Feb, 2–5 Mar
    assert not case.due_provisional


def test_a_special_procedure_across_national_day_moves_the_due_date_by_the_paused_working_days(people, catalog, media):
    number = _submit_and_accept(people, dt.datetime(2026, 9, 24, 9), item="T-MARKET")
    case = Case.objects.get(number=number)
    assert case.due_date == nth_workday_after(dt.date(2026, 9, 24), 10)
    with clock.frozen(dt.datetime(2026, 9, 28, 15)):
        r = act(people["reviewer_b"], number, "special-start", kind="testing", reason="产品需送检")
        assert r.status_code == 200 and r.json()["light"] == "paused"
    with clock.frozen(dt.datetime(2026, 10, 12, 9)):
        assert act(people["reviewer_b"], number, "special-end", result="检测合格").status_code == 200
    case.refresh_from_db()
    # paused: the working days after 28 Sept up to and including 12 Oct (National Day off, 10 Oct make-up day on)
    paused = sum(1 for i in range(1, 15) if chinese_calendar.is_workday(dt.date(2026, 9, 28) + dt.timedelta(days=i)))
    assert case.paused_workdays == paused == 6  # 29, 30 Sept; 8, 9, Sat 10, 12 Oct
    assert case.due_date == nth_workday_after(dt.date(2026, 9, 24), 10 + paused)
    assert case.status == "under_review"
    end = CaseEvent.objects.get(case=case, action="special_end")
    assert end.data["paused_workdays"] == paused


def test_two_pauses_add_up(people, catalog, media):
    number = _submit_and_accept(people, dt.datetime(2026, 6, 1, 9), item="T-MARKET")
    for start, end in ((dt.datetime(2026, 6, 2, 9), dt.datetime(2026, 6, 4, 9)),
                       (dt.datetime(2026, 6, 5, 9), dt.datetime(2026, 6, 9, 9))):
        with clock.frozen(start):
            assert act(people["reviewer_b"], number, "special-start", kind="hearing", reason="听证").status_code == 200
        with clock.frozen(end):
            assert act(people["reviewer_b"], number, "special-end").status_code == 200
    case = Case.objects.get(number=number)
    assert case.paused_workdays == 2 + 2
    assert case.due_date == nth_workday_after(dt.date(2026, 6, 1), 14)


def test_a_deadline_in_a_year_without_an_official_calendar_is_provisional_until_the_calendar_arrives(people, catalog, media):
    from onewindow.core.calendar import calendar_refresh
    from onewindow.core.services import calendar_import

    number = _submit_and_accept(people, dt.datetime(2026, 12, 28, 9), item="T-MARKET")
    case = Case.objects.get(number=number)
    assert case.due_provisional
    provisional_due = case.due_date
    # the 2027 schedule is published: New Year 1–3 Jan (Fri–Sun) plus an imagined extra day off on Mon 4 Jan
    calendar_import(rows=[{"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
                          {"date": "2027-01-04", "kind": "holiday", "name": "元旦"}], source="国办发明电〔2026〕测试")
    calendar_refresh()
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("cases", "recompute-deadlines", stdout=out)
    assert "recomputed 1 due dates" in out.getvalue()
    assert recompute_deadlines() == 0  # nothing left to do
    case.refresh_from_db()
    assert not case.due_provisional
    assert case.due_date == provisional_due + dt.timedelta(days=1)
    assert CaseEvent.objects.filter(case=case, action="deadline_recomputed").count() == 1


def test_worklist_lights_are_red_when_overdue_yellow_when_close_and_green_otherwise(people, catalog, media, settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "DEADLINE_YELLOW_WORKDAYS": 2}
    overdue = _submit_and_accept(people, dt.datetime(2026, 3, 2, 9))  # due 9 March
    close = _submit_and_accept(people, dt.datetime(2026, 3, 12, 9))  # due 19 March
    fresh = _submit_and_accept(people, dt.datetime(2026, 3, 16, 9))  # due 23 March
    with clock.frozen(dt.datetime(2026, 3, 17, 9)):
        r = people["reviewer_a"].get("/api/v1/worklist")
        rows = {row["number"]: row["light"] for row in r.json()["results"]}
        order = [row["number"] for row in r.json()["results"]]
        assert rows[overdue] == "red" and rows[close] == "yellow" and rows[fresh] == "green"
        assert order.index(overdue) < order.index(close) < order.index(fresh)
        only_red = people["reviewer_a"].get("/api/v1/worklist?light=red").json()["results"]
        assert [row["number"] for row in only_red] == [overdue]
