"""A closed hall (issue 19): it shows when it opens next and disables taking a ticket on the kiosk and the phone;
the demo setting keeps the halls open at any hour (off by default, as in production)."""

import datetime as dt

import pytest
from django.test import Client

from onewindow.core import clock
from onewindow.hall.hours import next_opening
from onewindow.hall.models import Ticket
from tests.hall.conftest import WEDNESDAY, at

pytestmark = pytest.mark.django_db
FRIDAY = WEDNESDAY + dt.timedelta(days=2)


def test_the_next_opening_is_today_tomorrow_or_after_the_weekend(hall) -> None:
    assert next_opening(hall, at(7, 0)) == at(9, 0)
    assert next_opening(hall, at(18, 0)) == at(9, 0, WEDNESDAY + dt.timedelta(days=1))
    assert next_opening(hall, at(18, 0, FRIDAY)) == at(9, 0, FRIDAY + dt.timedelta(days=3))  # Monday
    assert next_opening(hall, at(10, 0)) == at(9, 0, WEDNESDAY + dt.timedelta(days=1))  # open now: the next one


def test_a_closed_kiosk_shows_the_next_opening_and_disables_its_buttons(hall) -> None:
    with clock.frozen(at(18, 0, FRIDAY)):
        page = Client().get(f"/hall/{hall.code}/kiosk/").content.decode()
        listing = Client().get("/hall/").content.decode()
    assert 'data-testid="hall-closed"' in page and "下次开放：2026年11月30日（周一）09:00" in page
    assert '<fieldset class="kiosk-cats" disabled>' in page
    assert "下次开放：2026年11月30日（周一）09:00" in listing
    with clock.frozen(at(7, 0)):
        assert "下次开放：今天 09:00" in Client().get(f"/hall/{hall.code}/kiosk/").content.decode()
    with clock.frozen(at(10, 0)):
        open_page = Client().get(f"/hall/{hall.code}/kiosk/").content.decode()
    assert 'data-testid="hall-closed"' not in open_page and "<fieldset class=\"kiosk-cats\" >" in open_page


def test_a_ticket_asked_for_while_closed_is_refused_naming_the_next_opening(hall) -> None:
    with clock.frozen(at(18, 0)):
        r = Client().post(f"/api/v1/halls/{hall.code}/tickets", {"category": "social"}, content_type="application/json")
    assert r.status_code == 400 and "下次开放：明天 09:00" in r.json()["detail"]
    assert r.json()["errors"][0]["field"] == "time" and not Ticket.objects.exists()


def test_the_demo_setting_keeps_the_halls_open_at_any_hour(hall, settings) -> None:
    settings.ONEWINDOW = {**settings.ONEWINDOW, "DEMO_HALLS_ALWAYS_OPEN": True}
    with clock.frozen(at(22, 30)):
        page = Client().get(f"/hall/{hall.code}/kiosk/").content.decode()
        r = Client().post(f"/hall/{hall.code}/kiosk/", {"category": "social"})
    assert 'data-testid="hall-closed"' not in page and r.status_code == 302
    assert Ticket.objects.count() == 1


def test_the_demo_setting_is_off_unless_asked_for() -> None:
    from django.conf import settings

    assert settings.ONEWINDOW["DEMO_HALLS_ALWAYS_OPEN"] is False
