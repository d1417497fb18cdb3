"""`onewindow demo --scale N` adds a benchmark catalog and never changes a seed figure (issue 18: it once
multiplied Fu'an's 11,000 社保卡 applications to 56,430, added 513 members to Licheng's 3,976 and stretched the
before-reform tickets into 2022).

The module loads the seed demo the figures need (as `onewindow demo` does, at scale 0), reads every seed figure
from the records, then runs the same demo steps again with a small --scale (what `onewindow demo --scale N` does
on a loaded demo; it takes a few seconds) and reads them again: each must be exactly what it was. The synthetic
items sit in departments and a window category of their own, which no region, hall or bundle counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Count, F, Max, Min

from onewindow.core import clock
from onewindow.demo import bundles as bundles_demo
from onewindow.demo import cases as cases_demo
from onewindow.demo import catalog as catalog_demo
from onewindow.demo import community as community_demo
from onewindow.demo import feedback as feedback_demo
from onewindow.demo import hall as hall_demo
from onewindow.demo import logins
from onewindow.demo import team as team_demo
from onewindow.insights import metrics
from onewindow.insights.rollups import rollup_refresh

pytestmark = pytest.mark.once_on_sqlite  # the demo loaders take minutes; see scripts/test.sh

ON = dt.datetime(2026, 11, 20, 18, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SCALE = 40
HULI, FUAN = "350206", "350981"
# the demo steps the figures need, in `onewindow demo`'s order
STEPS: tuple[Callable[..., None], ...] = (catalog_demo.load, logins.load, bundles_demo.load, cases_demo.load,
                                          hall_demo.load, feedback_demo.load, team_demo.load, community_demo.load)


def _dashboard(scope: str) -> dict[str, Any]:
    p = metrics.parse_params({"scope": scope})
    d = metrics.compute(start=p["from"], end=p["to"], baseline_start=p["baseline_from"],
                        baseline_end=p["baseline_to"], scope=scope)
    return {key: d[key] for key in ("catalog", "cases", "hall", "satisfaction", "speedup", "commendations",
                                    "bundle_totals")}


def _seed_figures() -> dict[str, Any]:
    from onewindow.bundles.models import Bundle
    from onewindow.cases.models import Application
    from onewindow.catalog.models import Department, ServiceItem
    from onewindow.community.models import Member, Team
    from onewindow.hall.models import Hall, Ticket

    with clock.frozen(ON):
        huli, fuan_hr = _dashboard("hall:huli"), _dashboard("dept:FA-RSJ")
    reform = Hall.objects.get(code="huli").reform_date
    before = Ticket.objects.filter(hall__code="huli", day__lt=reform).aggregate(n=Count("id"), first=Min("day"),
                                                                                 last=Max("day"))
    in_service = Member.objects.filter(category=Member.Category.IN_SERVICE)
    return {
        "huli dashboard": huli,
        "fuan hr dashboard": fuan_hr,
        "huli departments and items": (Department.objects.filter(region=HULI).count(),
                                       ServiceItem.objects.filter(department__region=HULI).count()),
        "bundles (huli, fuan)": (Bundle.objects.filter(region=HULI).count(),
                                 Bundle.objects.filter(region=FUAN).count()),
        "fuan applications since 2021": dict(
            Application.objects.filter(kind="bundle", code__startswith="fa-", submitted_at__date__gte=dt.date(2021, 1, 1))
            .values_list("code").annotate(n=Count("id")).order_by("code")),
        "huli tickets before the reform": before,
        "tickets": Ticket.objects.count(),
        "in-service members": in_service.count(),
        "reported in": in_service.filter(report_status=Member.ReportStatus.REPORTED,
                                         reported_community=F("home_compound__community")).count(),
        "teams": Team.objects.filter(leader__isnull=False, members__isnull=False).distinct().count(),
    }


def _load(scale: int) -> None:
    with clock.frozen(ON):
        for step in STEPS:
            step(scale=scale)
        rollup_refresh(full=True)


@pytest.fixture(scope="module")
def seed_then_scaled(django_db_setup: Any, django_db_blocker: Any) -> Any:
    from onewindow.catalog.models import ServiceItem

    with django_db_blocker.unblock():
        _load(0)
        seed = _seed_figures()
        items = ServiceItem.objects.count()
        _load(SCALE)
        yield {"seed": seed, "scaled": _seed_figures(), "added": ServiceItem.objects.count() - items}
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_the_seed_figures_read_back_before_the_scale_step(seed_then_scaled: dict[str, Any]) -> None:
    seed = seed_then_scaled["seed"]
    huli = seed["huli dashboard"]
    assert huli["hall"]["waiting_change"] == pytest.approx(-0.767, abs=0.01)
    assert huli["hall"]["service_change"] == pytest.approx(-0.375, abs=0.01)
    assert huli["satisfaction"]["period"]["satisfaction_rate"] == 1.0
    assert (huli["commendations"]["banner"], huli["commendations"]["letter"]) == (4, 44)
    speedup = seed["fuan hr dashboard"]["speedup"]
    assert (speedup["candidates"], speedup["achieved"]) == (25, 15)
    assert speedup["mean_limit_share"] == pytest.approx(0.5, abs=0.01)
    assert seed["huli departments and items"] == (18, 513) and seed["bundles (huli, fuan)"] == (81, 10)
    assert seed["fuan applications since 2021"]["fa-ss-card"] == 11000
    assert seed["huli tickets before the reform"]["last"] < dt.date(2019, 11, 1)
    assert (seed["in-service members"], seed["teams"]) == (3976, 48)


@pytest.mark.django_db
def test_the_scale_step_adds_its_catalog_and_changes_no_seed_figure(seed_then_scaled: dict[str, Any]) -> None:
    from onewindow.catalog.models import ServiceItem
    from onewindow.hall.models import HallCategory

    assert seed_then_scaled["added"] == SCALE  # the step did run
    synthetic = ServiceItem.objects.filter(code__startswith="SYN-")
    assert not synthetic.filter(window_category__in=HallCategory.objects.values("category")).exists()
    assert not synthetic.exclude(department__region=None).exists()
    seed, scaled = seed_then_scaled["seed"], seed_then_scaled["scaled"]
    assert scaled.keys() == seed.keys()
    for name, figure in seed.items():
        assert scaled[name] == figure, name
