"""The feedback demo plays the seed's citizen voice through feedback's services: every suggestion reaches a
responsible unit (“均已转相关责任单位办理落实”) with all three dispositions, each step leaves its event, the
categories route by keyword, and loading it again changes nothing. (The ratings of served tickets and
applications need the hall and cases demos, so they are not loaded here.)"""

from __future__ import annotations

import datetime as dt

import pytest

from onewindow.core import clock
from onewindow.demo import feedback as feedback_demo
from onewindow.demo import logins
from onewindow.feedback.models import Suggestion, SuggestionCategory, SuggestionEvent
from onewindow.feedback.services.suggestions import route_department

ON = dt.datetime(2026, 11, 20, 12)


@pytest.mark.django_db
def test_the_demo_suggestions_all_reach_a_unit_and_a_second_load_changes_nothing(db: None) -> None:
    from onewindow.catalog.models import Department

    for code in ("HL-SCJ", "HL-JTJ", "HL-RSJ", "HL-CGJ"):
        Department.objects.create(code=code, name=code)
    logins.load()
    with clock.frozen(ON):
        feedback_demo.load()
    data = feedback_demo._data("suggestions")
    assert Suggestion.objects.count() == data["total"]
    assert not Suggestion.objects.filter(department__isnull=True).exists()
    assert set(Suggestion.objects.exclude(disposition="").values_list("disposition", flat=True)) == {
        "fix_now", "fix_deadline", "explain"}
    open_ones = Suggestion.objects.filter(state__in=["assigned", "rectifying", "answered"])
    assert 0 < open_ones.count() <= 4  # only the most recent are still being worked
    closed = Suggestion.objects.filter(state="closed")
    assert closed.exists() and all(s.replies.exists() for s in closed)
    assert SuggestionEvent.objects.filter(action="closed").count() == closed.count()
    hall_env = SuggestionCategory.objects.get(code="hall-env")
    assert route_department(hall_env, "办事难停车").code == "HL-JTJ"
    assert route_department(hall_env, "空调太冷") is None  # no default unit: a supervisor assigns it
    events = SuggestionEvent.objects.count()
    with clock.frozen(ON):
        feedback_demo.load()
    assert Suggestion.objects.count() == data["total"] and SuggestionEvent.objects.count() == events
