"""Reform metrics checked against hand-computed fixtures, through GET /api/v1/metrics, the page and the export."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from onewindow.bundles.models import Bundle, BundleItem
from onewindow.catalog.models import ItemHistory, ItemMaterial
from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.insights.rollups import rollup_refresh
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db
NOW = b.at(dt.date(2026, 11, 25), 18)
Q = {"from": "2026-11-01", "to": "2026-11-30", "baseline_from": "2019-10-01", "baseline_to": "2020-06-30"}


@pytest.fixture
def reform() -> dict:
    d = b.department()
    slow = b.item(d, legal_limit=20, promised_limit=5, max_visits=1, visits_reason="核验原件")
    fast = b.item(d, legal_limit=10, promised_limit=0, handling_type="1", online_depth=5, max_visits=0)
    ItemMaterial.objects.create(item=fast, material=slow.materials.first().material)  # one shared document
    for it, old in ((slow, (15, "2", 3, 1)), (fast, (10, "2", 3, 1))):
        ItemHistory.objects.create(item=it, version=1, effective_from=dt.date(2020, 1, 1), legal_limit=it.legal_limit,
                                   promised_limit=old[0], handling_type=old[1], online_depth=old[2], max_visits=old[3])
        ItemHistory.objects.create(item=it, version=2, effective_from=dt.date(2020, 7, 1), legal_limit=it.legal_limit,
                                   promised_limit=it.promised_limit, handling_type=it.handling_type,
                                   online_depth=it.online_depth, max_visits=it.max_visits)
    bundle = Bundle.objects.create(code="b-hotel", name="我要开旅馆", lead_department=d, visits=0)
    BundleItem.objects.create(bundle=bundle, item=slow, order=1)
    BundleItem.objects.create(bundle=bundle, item=fast, order=2)
    h = b.hall()
    # hall: before 30 and 50 minutes; after 10, 6, 14 (a no-show is not called)
    for w in (30, 50):
        b.ticket(h, dt.date(2019, 10, 21), wait_minutes=w)
    for w in (10, 6, 14):
        b.ticket(h, dt.date(2026, 11, 20), wait_minutes=w)
    b.ticket(h, dt.date(2026, 11, 20), wait_minutes=None, status="no_show")
    # cases: before 8 and 4 working days; after 2 and 0, as a bundle
    b.case(slow, accepted_on=dt.date(2020, 3, 2), completed=b.at(dt.date(2020, 3, 12), 9), due_date=dt.date(2020, 3, 20))
    b.case(slow, accepted_on=dt.date(2020, 3, 2), completed=b.at(dt.date(2020, 3, 6), 9), due_date=dt.date(2020, 3, 3))
    b.case(slow, accepted_on=dt.date(2026, 11, 16), completed=b.at(dt.date(2026, 11, 18), 9),
           due_date=dt.date(2026, 11, 23), bundle="b-hotel")
    b.case(fast, accepted_on=dt.date(2026, 11, 16), completed=b.at(dt.date(2026, 11, 16), 9, ) + dt.timedelta(minutes=30),
           due_date=dt.date(2026, 11, 16), bundle="b-hotel")
    for level in ("very_satisfied", "very_satisfied", "satisfied", "dissatisfied"):
        b.rating(d, level, b.at(dt.date(2026, 11, 20)), h=h)
    b.rating(d, "very_dissatisfied", b.at(dt.date(2026, 11, 21)), h=h, default=True)
    with clock.frozen(NOW):
        rollup_refresh(full=True)
    return {"dept": d, "hall": h}


def get(client, **params):
    with clock.frozen(NOW):
        r = client.get("/api/v1/metrics", Q | params)
    assert r.status_code == 200, r.content
    return r.json()


def test_every_figure_matches_the_hand_computation(client_for, reform) -> None:
    m = get(client_for(Role.SUPERVISOR))
    cat = m["catalog"]
    # before: promised 15 + 10 of legal 30; after: 5 + 0
    assert cat["baseline"]["compression_legal"] == pytest.approx(1 - 25 / 30, abs=1e-4)
    assert cat["period"]["compression_legal"] == pytest.approx(1 - 5 / 30, abs=1e-4)
    assert cat["compression_before"] == pytest.approx(1 - 5 / 25, abs=1e-4)
    assert (cat["period"]["instant_share"], cat["baseline"]["instant_share"]) == (0.5, 0.0)
    assert (cat["period"]["online_share"], cat["baseline"]["online_share"]) == (0.5, 0.0)
    hall = m["hall"]
    assert hall["baseline"]["waiting_minutes"] == 40.0 and hall["period"]["waiting_minutes"] == 10.0
    assert hall["waiting_change"] == -0.75
    assert hall["period"]["tickets"] == 4 and hall["period"]["no_show_share"] == 0.25
    cases = m["cases"]
    assert cases["baseline"]["processing_workdays"] == 6.0  # (8 + 4) / 2
    assert cases["period"]["processing_workdays"] == 1.0  # (2 + 0) / 2
    assert cases["processing_change"] == pytest.approx(1 / 6 - 1, abs=1e-4)
    assert cases["baseline"]["on_time_rate"] == 0.5 and cases["period"]["on_time_rate"] == 1.0
    assert cases["period"]["processing_hours"] == pytest.approx((48 + 0.5) / 2, abs=0.06)  # rounded to 0.1 h
    sat = m["satisfaction"]["period"]
    assert sat["ratings"] == 4 and sat["good_rate"] == 0.75 and sat["very_satisfied_share"] == 0.5
    assert sat["defaulted"] == 1
    (bundle,) = m["bundles"]
    # item materials 1 + 2 rows, one shared document: 3 → 2; visits 1 → 0; 2 applications
    assert (bundle["applications"], bundle["materials_before"], bundle["materials_after"]) == (2, 3, 2)
    assert (bundle["materials_saved"], bundle["visits_saved"]) == (2, 2)
    assert set(m["definitions"]) >= {"waiting", "processing", "compression_legal", "instant_share", "online_share"}


def test_scopes_narrow_the_figures(client_for, reform) -> None:
    sup = client_for(Role.SUPERVISOR)
    by_hall = get(sup, scope="hall:huli")
    assert by_hall["hall"]["period"]["waiting_minutes"] == 10.0
    # a hall's cases are those of the departments its window categories take in: none here (no categories)
    assert by_hall["cases"]["period"]["completed"] == 0 and by_hall["cases"]["period"]["on_time_rate"] is None
    by_bundle = get(sup, scope="bundle:b-hotel")
    assert by_bundle["cases"]["period"]["completed"] == 2 and by_bundle["cases"]["baseline"]["completed"] == 0
    assert by_bundle["hall"]["period"] is None
    by_dept = get(sup, scope="dept:HL-SCJ")
    assert by_dept["satisfaction"]["period"]["ratings"] == 4
    other = b.department("HL-ZJJ", "湖里区住房和建设局")
    assert get(sup, scope=f"dept:{other.code}")["cases"]["period"]["completed"] == 0


def test_bad_parameters_name_the_field(client_for, reform) -> None:
    sup = client_for(Role.SUPERVISOR)
    r = sup.get("/api/v1/metrics", Q | {"scope": "dept:NOPE"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "scope"
    r = sup.get("/api/v1/metrics", Q | {"from": "2026-12-01"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "from"
    r = sup.get("/api/v1/metrics", Q | {"to": "yesterday"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "to"
    assert client_for(Role.CITIZEN).get("/api/v1/metrics").status_code == 403


def test_the_dashboard_page_shows_definitions_charts_and_exports(client_for, reform) -> None:
    sup = client_for(Role.SUPERVISOR)
    with clock.frozen(NOW):
        page = sup.get("/insights/metrics/", Q)
    html = page.content.decode()
    assert page.status_code == 200 and "−75" not in html
    assert 'data-testid="waiting-change">-75.0%' in html and "平均等候时间 = Σ（首次叫号时间 − 取号时间）" in html
    assert 'class="chart" data-figure=' in html and "/vendor/plotly.min.js" in html
    with clock.frozen(NOW):
        x = sup.get("/insights/metrics/export.xlsx", Q)
    rows = list(load_workbook(io.BytesIO(x.content)).worksheets[0].iter_rows(values_only=True))
    waiting = next(r for r in rows if r[0] == "平均等候时间（分钟）")
    assert waiting[1:4] == (40.0, 10.0, -0.75)


def test_an_incremental_rollup_picks_up_new_events(reform) -> None:
    from onewindow.insights.models import TicketDaily

    later = b.at(dt.date(2026, 11, 26), 10)
    with clock.frozen(later):
        b.ticket(reform["hall"], dt.date(2026, 11, 26), wait_minutes=20)
    with clock.frozen(later + dt.timedelta(hours=1)):
        result = rollup_refresh()
    assert result["start"] == "2026-11-26"
    assert TicketDaily.objects.get(day=dt.date(2026, 11, 26)).wait_seconds == 1200


def test_banners_and_letters_of_praise_are_counted_per_hall_up_to_the_period_end_and_no_data_shows_as_such(
        client_for, reform) -> None:
    from onewindow.team.services.commendations import commendation_record

    sup = client_for(Role.SUPERVISOR)
    huli, other = reform["hall"], b.hall("fuan", "福安市行政服务中心")
    with clock.frozen(NOW):
        html = sup.get("/insights/metrics/", Q | {"scope": "hall:huli"}).content.decode()
    assert get(sup, scope="hall:huli")["commendations"] is None  # nothing recorded: 无数据, not 0
    assert 'data-testid="commendations">无数据</div>' in html and "范围内没有登记锦旗、表扬信" in html
    with clock.frozen(NOW):
        for n, (kind, day, hall) in enumerate((("banner", dt.date(2019, 12, 2), huli),  # before the period
                                               ("letter", dt.date(2026, 11, 3), huli),
                                               ("letter", dt.date(2026, 11, 24), huli),
                                               ("banner", dt.date(2026, 11, 10), other))):
            commendation_record(kind=kind, received_on=day, hall=hall, actor=None, key=f"t-{n}")
    by_hall = get(sup, scope="hall:huli", to="2026-11-20")["commendations"]
    assert by_hall == {"banner": 1, "letter": 1, "total": 2, "until": "2026-11-20",
                       "period": {"banner": 0, "letter": 1, "total": 1}}
    assert get(sup)["commendations"]["total"] == 4 and get(sup, scope="hall:fuan")["commendations"]["banner"] == 1
    assert get(sup, scope="dept:HL-SCJ")["commendations"] is None  # recorded per hall
    with clock.frozen(NOW):
        page = sup.get("/insights/metrics/", Q | {"scope": "hall:huli", "to": "2026-11-20"}).content.decode()
        dept = sup.get("/insights/metrics/", Q | {"scope": "dept:HL-SCJ"}).content.decode()
        sup.cookies["django_language"] = "en"
        english = sup.get("/insights/metrics/", Q | {"scope": "dept:HL-SCJ"}).content.decode()
        x = sup.get("/insights/metrics/export.xlsx", Q | {"scope": "hall:huli"})
    assert 'data-testid="commendations">锦旗 1 面、表扬信 1 封</div>' in page
    assert "截至 2026-11-20 · 统计期内锦旗 0 面、表扬信 1 封" in page and "锦旗、表扬信 = 截至统计期末累计" in page
    assert 'data-testid="commendations">无数据</div>' in dept and "按部门或一件事统计时不适用" in dept
    assert 'data-testid="commendations">No data</div>' in english and "not applicable when grouped by" in english
    rows = list(load_workbook(io.BytesIO(x.content)).worksheets[0].iter_rows(values_only=True))
    assert next(r for r in rows if r[0] == "表扬信（封，截至统计期末）")[2] == 2
