"""Hall statistics name their days with the year (issue 19): the list of days with data reads 2026-11-25, not
11-25 — the before-reform days of 2019 must not pass for this year's."""

import pytest
from django.test import Client

from onewindow.core import clock
from onewindow.core.access import Role
from tests.hall.conftest import at, issue

pytestmark = pytest.mark.django_db


def test_the_days_with_data_show_their_year(hall, client_for) -> None:
    with clock.frozen(at(10, 0)):
        issue(Client(), hall)
        page = client_for(Role.SUPERVISOR).get(f"/hall/{hall.code}/stats/").content.decode()
    assert '<a href="?date=2026-11-25">2026-11-25</a>' in page
    assert ">11-25<" not in page
