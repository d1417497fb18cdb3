"""The street and community stations that are only monitored (no counters) are not offered as queues."""

from django.test import Client

from onewindow.hall.models import Hall, HallLevel


def test_a_station_without_counters_is_not_listed_among_the_halls_that_take_tickets(hall) -> None:
    Hall.objects.create(code="hl-station-1", name="某社区便民服务站", level=HallLevel.COMMUNITY, parent=hall)
    page = Client().get("/hall/").content.decode()
    assert hall.name in page and "某社区便民服务站" not in page
