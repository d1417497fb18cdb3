"""One source for each hall's address and hours (issue 19): the demo writes every item's and bundle's place and
hours from the hall's own record (hall/halls.yaml), so /hall/, the item guides and the bundle pages agree."""

from __future__ import annotations

import pytest

from onewindow.bundles.models import Bundle
from onewindow.catalog.models import ServiceItem
from onewindow.demo import bundles as bundles_demo
from onewindow.demo import catalog as catalog_demo
from onewindow.demo import hall as hall_demo
from onewindow.hall.models import Hall

pytestmark = pytest.mark.django_db
HALL_OF_REGION = {"350206": "huli", "350981": "fuan-hr"}


def _hours_in_text(hall: Hall) -> list[str]:
    """The times of the hall's own record as the guides print them (opening, lunch break, closing)."""
    row = hall.opening_hours.get(weekday=0)
    times = [row.opens, row.closes] + ([hall.lunch_start, hall.lunch_end] if not hall.no_lunch_break else [])
    return [f"{t:%H:%M}" for t in times if t is not None]


def test_every_item_and_bundle_names_its_halls_own_address_and_hours() -> None:
    catalog_demo.load()
    bundles_demo.load()
    halls = {spec["code"]: hall_demo._hall(spec) for spec in hall_demo._data("halls")}
    assert set(halls) == set(HALL_OF_REGION.values())
    for region, code in HALL_OF_REGION.items():
        hall = halls[code]
        items = list(ServiceItem.objects.filter(department__region=region).values_list("place", "hours").distinct())
        bundles = list(Bundle.objects.filter(region=region).values_list("place", "hours").distinct())
        assert items and bundles
        for place, hours in items + bundles:
            assert hall.address in place and hall.name in place, place
            assert all(t in hours for t in _hours_in_text(hall)), (hours, _hours_in_text(hall))
            assert "周六" not in hours  # the hall's record opens Monday to Friday only
    assert {h for _p, h in ServiceItem.objects.filter(department__region="350206").values_list("place", "hours")} == {
        "周一至周五 09:00—17:30（午间不休），法定节假日除外"}
    assert "08:30—12:00、14:30—17:30" in ServiceItem.objects.filter(department__region="350981").first().hours
