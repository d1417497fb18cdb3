"""The intake demo: Huli's bank outlets with the volumes in data/intake/outlets.yaml, 帮办 with consent in both
halls, a locker in each hall and a week of custody — all through the services, counted from the rows; a second
load changes nothing. (One test: the demo takes a while.)"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from onewindow.cases.models import Application
from onewindow.core import clock
from onewindow.demo import bundles as bundles_demo
from onewindow.demo import catalog as catalog_demo
from onewindow.demo import intake as intake_demo
from onewindow.demo import logins
from onewindow.hall.models import Hall
from onewindow.intake.models import ChannelKind, Custody, CustodyEvent, IntakeChannel, Locker, Outlet
from onewindow.intake.selectors import outlet_figures

ON = dt.datetime(2026, 11, 20, 12)


@pytest.mark.django_db
def test_the_intake_demo_loads_the_outlets_volumes_and_custody_through_the_services_and_only_once() -> None:
    logins.load()
    catalog_demo.load()
    bundles_demo.load()
    Hall.objects.create(code="huli", name="湖里区行政服务中心", sort_order=1)
    Hall.objects.create(code="fuan-hr", name="福安市行政服务中心人社综合窗口", sort_order=2)
    with clock.frozen(ON):
        intake_demo.load()
    data = yaml.safe_load((intake_demo.DATA_DIR / "outlets.yaml").read_text(encoding="utf-8"))
    rows = {r.key: r for r in outlet_figures()}
    for spec in data["outlets"]:
        assert rows[spec["code"]].volume == spec["applications"]
    assert sum(r.returned for r in rows.values()) > 0 and all(
        r.median_hours is not None for r in rows.values() if r.kind == "bank")
    assisted = IntakeChannel.objects.filter(kind=ChannelKind.ASSISTED)
    assert assisted.count() == sum(a["count"] for a in data["assisted"])
    assert not assisted.filter(consent_method="").exists()
    assert Outlet.objects.count() == 4 and Locker.objects.count() == 2
    assert Custody.objects.filter(status="collected").exists() and Custody.objects.filter(status="received").exists()
    assert Custody.objects.filter(status="picked_up").exists()
    assert not CustodyEvent.objects.exclude(correlation__startswith="SQ").exists()
    counts = (Application.objects.count(), IntakeChannel.objects.count(), Custody.objects.count(),
              CustodyEvent.objects.count())
    with clock.frozen(ON):
        intake_demo.load()
    assert (Application.objects.count(), IntakeChannel.objects.count(), Custody.objects.count(),
            CustodyEvent.objects.count()) == counts
