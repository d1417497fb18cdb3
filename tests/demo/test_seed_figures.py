"""The seed's figures read back from the demo's records through the reform dashboard (insights.metrics.compute,
the selector behind /insights/metrics/ and GET /api/v1/metrics), each for its scope, within one percentage
point: no figure is typed in; the hall's tickets, the ratings and the catalog are generated and the dashboard
computes from them as it does for real records. The day is frozen after closing time, so today counts whole
(the recent days are drawn by their distance from today: the same on any date).

Huli hall (scope hall:huli), against the month before its November 2019 reform: waiting −76.7%, 办理时长 at the
window −37.5%, 满意率 100% with 99.3% 非常满意 and no bad review at the comprehensive windows. Fu'an HR
(scope dept:FA-RSJ): 25 提速办 candidates, 15 achieved, limits cut to 50% on average. Huli's comprehensive windows
received 4 锦旗 and 44 表扬信 since the reform (the window team's commendation records, counted by
team.selectors.commendation_counts). (The cases demo is left out: it takes most of a minute and none of these
figures needs it.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from onewindow.core import clock
from onewindow.demo import bundles as bundles_demo
from onewindow.demo import catalog as catalog_demo
from onewindow.demo import feedback as feedback_demo
from onewindow.demo import hall as hall_demo
from onewindow.demo import logins
from onewindow.demo import team as team_demo
from onewindow.insights import metrics
from onewindow.insights.rollups import rollup_refresh

ON = dt.datetime(2026, 11, 20, 18, tzinfo=dt.timezone(dt.timedelta(hours=8)))
ONE_POINT = 0.01


def _dashboard(scope: str) -> dict[str, Any]:
    p = metrics.parse_params({"scope": scope})
    return metrics.compute(start=p["from"], end=p["to"], baseline_start=p["baseline_from"],
                           baseline_end=p["baseline_to"], scope=scope)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock(), clock.frozen(ON):
        catalog_demo.load()
        logins.load()
        bundles_demo.load()
        hall_demo.load()
        feedback_demo.load()
        team_demo.load()
        rollup_refresh(full=True)
        yield
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_huli_hall_reads_back_the_seeds_waiting_handling_and_satisfaction(demo: None) -> None:
    with clock.frozen(ON):
        d = _dashboard("hall:huli")
    assert d["baseline"] == {"from": "2019-10-01", "to": "2019-10-31"}  # the month before the reform
    hall, sat = d["hall"], d["satisfaction"]["period"]
    assert hall["waiting_change"] == pytest.approx(-0.767, abs=ONE_POINT)
    assert hall["service_change"] == pytest.approx(-0.375, abs=ONE_POINT)
    assert sat["bad"] == 0 and sat["satisfaction_rate"] == 1.0
    assert sat["very_satisfied_share"] == pytest.approx(0.993, abs=ONE_POINT)


@pytest.mark.django_db
def test_fuan_hr_reads_back_the_speed_up_figures(demo: None) -> None:
    with clock.frozen(ON):
        speedup = _dashboard("dept:FA-RSJ")["speedup"]
    assert (speedup["candidates"], speedup["achieved"], speedup["meets_standard"]) == (25, 15, 15)
    assert speedup["mean_limit_share"] == pytest.approx(0.5, abs=ONE_POINT)  # 较改革前时限平均压减至 50%


@pytest.mark.django_db
def test_the_dashboard_page_shows_the_same_figures_with_their_formulas(demo: None, client_for: Any) -> None:
    from onewindow.core.access import Role

    with clock.frozen(ON):
        html = client_for(Role.SUPERVISOR).get("/insights/metrics/", {"scope": "hall:huli"}).content.decode()
        d = _dashboard("hall:huli")
    assert f'data-testid="waiting-change">{d["hall"]["waiting_change"] * 100:+.1f}%' in html
    assert f'data-testid="window-processing-change">{d["hall"]["service_change"] * 100:+.1f}%' in html
    assert "好评率 = （非常满意 + 满意）÷ 主动评价数" in html and "窗口办理时长 = Σ（办结时间 − 首次叫号时间）" in html


@pytest.mark.django_db
def test_huli_hall_reads_back_the_seeds_banners_and_letters_of_praise_on_the_page_and_the_api(
        demo: None, client_for: Any) -> None:
    from onewindow.core.access import Role

    client = client_for(Role.SUPERVISOR)
    with clock.frozen(ON):
        praise = _dashboard("hall:huli")["commendations"]
        api = client.get("/api/v1/metrics", {"scope": "hall:huli"}).json()["commendations"]
        html = client.get("/insights/metrics/", {"scope": "hall:huli"}).content.decode()
        client.cookies["django_language"] = "en"
        english = client.get("/insights/metrics/", {"scope": "hall:huli"}).content.decode()
    assert (praise["banner"], praise["letter"]) == (4, 44)  # seed: 收到锦旗4面、表扬信44封
    assert praise["period"]["total"] <= praise["total"] == 48 and api == praise
    assert 'data-testid="commendations">锦旗 4 面、表扬信 44 封</div>' in html
    assert "锦旗、表扬信 = 截至统计期末累计收到的锦旗面数" in html
    assert 'data-testid="commendations">Banners: 4 · letters: 44</div>' in english
    assert "Silk banners and letters of praise = the banners and letters of praise received up to" in english
