"""A monitor run records what it watched per district (published items by their department's district, active
halls by theirs); a year's monitoring figures add up the runs of that year for the region asked for."""

from __future__ import annotations

import datetime as dt

import pytest

from onewindow.core import clock
from onewindow.core.models import Region
from onewindow.demo.regions import ensure_regions
from onewindow.supervision import yearly
from onewindow.supervision.monitors import monitored_targets, monitors_run
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db


def test_a_run_records_the_items_and_halls_it_watched_per_district(db: None) -> None:
    regions = ensure_regions()
    huli_dept, fuan_dept = b.department("HL-SCJ"), b.department("FA-RSJ", "福安市人社局")
    huli_dept.region, fuan_dept.region = regions["350206"], regions["350981"]
    huli_dept.save(), fuan_dept.save()
    b.item(huli_dept), b.item(huli_dept), b.item(fuan_dept), b.item(huli_dept, status="draft")
    hall = b.hall("huli")
    hall.region = regions["350206"]
    hall.save()
    b.hall("nowhere", "未定区划的大厅")  # no region: not counted for any district
    assert monitored_targets() == {"350206": {"items": 2, "halls": 1}, "350981": {"items": 1, "halls": 0}}
    with clock.frozen(b.at(dt.date(2026, 3, 2), 2)):
        monitors_run(trigger="nightly")
    with clock.frozen(b.at(dt.date(2026, 3, 3), 2)):
        b.item(huli_dept)
        monitors_run(trigger="nightly")
    with clock.frozen(b.at(dt.date(2026, 3, 20))):
        huli = yearly.year_figures(year=2026, region=Region.objects.get(code="350206"))["monitoring"]
        fujian = yearly.year_figures(year=2026, region=Region.objects.get(code="350000"))["monitoring"]
        street = yearly.year_figures(year=2026, region=regions["350206001"])["monitoring"]
        earlier = yearly.year_figures(year=2025, region=None)["monitoring"]
    assert (huli["days"], huli["items"], huli["items_min"], huli["halls"]) == (2, 3, 2, 1)
    assert huli["days_elapsed"] == 79  # 1 January to 20 March
    assert (fujian["items"], fujian["halls"]) == (4, 1)  # Huli and Fu'an added up, run by run
    assert street["days"] is None and street["items"] is None  # recorded per district: no street figure
    assert earlier["days"] == 0 and earlier["items"] is None
