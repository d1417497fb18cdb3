"""Huli's 2021 daily supervision read back from the demo's records (the seed: 2021年，通过每天对全区线上4276个审批
服务事项、线下64个政务服务大厅进行常态化严格监管……共计发出行政服务质量问题整改通知单202份): the notices are issued,
answered and accepted through supervision's services, each monitor run records what it watched, and
supervision.yearly computes 202, 4,276 and 64 from them — on the page, in the API, for the Huli district scope
only. Only what the figures need is loaded: the regions, the catalog's departments, the logins and the halls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.models import Profile, Region
from onewindow.demo import catalog as catalog_demo
from onewindow.demo import logins
from onewindow.demo import regions as regions_demo
from onewindow.demo import supervision as supervision_demo
from onewindow.hall.models import Hall
from onewindow.supervision import yearly
from onewindow.supervision.models import MonitorRun, Notice

ON = dt.datetime(2026, 11, 20, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))
HULI, FUAN = "350206", "350981"
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), clock.frozen(ON):
        regions_demo.load()
        catalog_demo.load()
        logins.load()
        for code, name in (("huli", "湖里区行政服务中心"), ("fuan-hr", "福安市行政服务中心人社综合窗口")):
            Hall.objects.get_or_create(code=code, defaults={"name": name})
        regions_demo.load_halls()
        supervision_demo.load()  # the 2026 year, each street's monthly inspections, then 2021 (load_history)
        yield
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)


def _scoped(client_for: Any, code: str | None) -> Any:
    client = client_for(Role.SUPERVISOR)
    Profile.objects.filter(user=client.user).update(region=Region.objects.filter(code=code or "-").first())
    return client


def test_the_huli_district_reads_back_202_notices_4276_items_and_64_halls(demo: None) -> None:
    with clock.frozen(ON):
        f = yearly.year_figures(year=2021, region=Region.objects.get(code=HULI))
    n, m = f["notices"], f["monitoring"]
    assert n["issued"] == 202 and n["accepted"] == 202
    assert n["to_department"] + n["to_district_hall"] + n["to_street_hall"] + n["to_community_hall"] == 202
    assert n["to_street_hall"] > 0 and n["to_community_hall"] > 0  # 区、街、社区 all supervised
    assert 0 < n["on_time"] < 202  # some answered after their deadline
    assert (m["days"], m["days_elapsed"], m["runs"]) == (365, 365, 365)
    assert (m["items"], m["items_min"], m["halls"], m["halls_min"]) == (4276, 4276, 64, 64)
    assert Notice.objects.filter(year=2021, number__contains="〔2021〕").count() == 202
    assert not Notice.objects.filter(issued_on__year=2021).exclude(year=2021).exists()


def test_the_year_page_and_api_show_the_figures_with_their_formulas(demo: None, client_for: Any) -> None:
    huli = _scoped(client_for, HULI)
    with clock.frozen(ON):
        html = huli.get("/supervision/year/", {"year": "2021"}).content.decode()
        api = huli.get("/api/v1/supervision/year", {"year": "2021"}).json()
    assert 'data-testid="year-notices">202<' in html and 'data-testid="year-items">4276<' in html
    assert 'data-testid="year-halls">64<' in html and 'data-testid="year-days">365/365<' in html
    assert "下发整改通知单 = " in html and "监测对象 = " in html
    assert api["region"] == HULI and api["notices"]["issued"] == 202
    assert (api["monitoring"]["items"], api["monitoring"]["halls"]) == (4276, 64)
    assert set(api["formulas"]) == set(yearly.FORMULAS)


def test_another_districts_supervisor_sees_none_of_it_and_is_refused_hulis(demo: None, client_for: Any) -> None:
    fuan = _scoped(client_for, FUAN)
    with clock.frozen(ON):
        own = fuan.get("/api/v1/supervision/year", {"year": "2021"}).json()
        assert own["notices"]["issued"] == 0 and own["monitoring"]["items"] is None
        assert 'data-testid="year-items"><span class="muted">无数据' in fuan.get(
            "/supervision/year/", {"year": "2021"}).content.decode()
        r = fuan.get("/api/v1/supervision/year", {"year": "2021", "region": HULI})
        assert r.status_code == 404 and [e["field"] for e in r.json()["errors"]] == ["region"]
        assert fuan.get("/supervision/year/", {"year": "2021", "region": HULI}).status_code == 404
        assert fuan.get("/api/v1/supervision/year", {"year": "2999"}).status_code == 400
        clerk = client_for(Role.CLERK)
        assert clerk.get("/api/v1/supervision/year", {"year": "2021"}).status_code == 403


def test_loading_again_adds_nothing(demo: None) -> None:
    before = (Notice.objects.count(), MonitorRun.objects.count())
    with clock.frozen(ON):
        supervision_demo.load_history()
    assert (Notice.objects.count(), MonitorRun.objects.count()) == before


def test_todays_run_records_the_catalog_of_today_not_the_2021_list(demo: None) -> None:
    from onewindow.catalog.models import ItemStatus, ServiceItem

    run = MonitorRun.objects.order_by("-started_at").first()
    assert run is not None and run.started_at.year == 2026
    huli_items = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED,
                                            department__region__path__startswith="/350000/350200/350206/").count()
    assert run.targets[HULI] == {"items": huli_items, "halls": 64} and huli_items != 4276


def test_every_huli_street_is_inspected_and_ranked_in_the_demo(demo: None) -> None:
    from onewindow.supervision import street_scores

    huli = Region.objects.get(code=HULI)
    with clock.frozen(ON):
        rows = street_scores.street_ranking(month=dt.date(2026, 10, 1), district=huli)
        assert street_scores.street_unranked(month=dt.date(2026, 10, 1), district=huli) == []
    assert len(rows) == 5 and rows[0].rank == 1
    assert all(r.parts["inspection"] is not None and r.parts["counts"]["inspections"] == 1 for r in rows)
