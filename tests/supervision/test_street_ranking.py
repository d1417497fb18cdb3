"""The street ranking (街道排名): each street of a district is its 便民服务中心 and the community stations under
it, scored from the ratings given at those halls, their inspections and the notices addressed to them, and
ranked among the district's streets. A street nobody rated or inspected that month is 无数据, never a score; a
district the user may not see is refused (404) on the page and in the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.models import Profile, Region, RegionLevel
from onewindow.demo import regions as regions_demo
from onewindow.hall.models import Hall
from onewindow.supervision import rankings
from onewindow.supervision.models import ChecklistPoint, ChecklistTemplate, StreetScore
from onewindow.supervision.services.inspections import inspection_record, inspection_start, inspection_submit
from onewindow.supervision.services.notices import notice_create, notice_respond
from onewindow.supervision.services.ranking import ranking_publish
from tests.supervision import builders as b

pytestmark = pytest.mark.django_db
HULI, FUAN = "350206", "350981"
MONTH = dt.date(2026, 10, 1)


def _inspect(hall: Hall, day: dt.date, *, failing: int) -> None:
    with clock.frozen(b.at(day, 9)):
        insp = inspection_start(hall_id=hall.pk, template_code="daily", actor=None)
        for i, point in enumerate(ChecklistPoint.objects.filter(template__code="daily").order_by("order")):
            inspection_record(inspection_id=insp.pk, point_id=point.pk, passed=i >= failing,
                              note="未佩戴工作牌" if i < failing else "", actor=None)
        inspection_submit(inspection_id=insp.pk, actor=None)


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """Huli's 64 halls (the demo's hierarchy) and Fu'an's hall; October 2026: street 1 rated 3 good of 4 at its
    centre, one station inspected (9 of 10 points) and one notice answered on time; street 2's centre inspected
    (10 of 10); street 3 only a notice; streets 4 and 5 nothing."""
    regions = regions_demo.ensure_regions()
    for code in ("huli", "fuan-hr"):
        b.hall(code, code)
    regions_demo.load_halls()
    template = ChecklistTemplate.objects.create(code="daily", name="日常检查")
    ChecklistPoint.objects.bulk_create([ChecklistPoint(template=template, group="attire", code=f"p{i}",
                                                       text=f"检查点{i}", order=i) for i in range(10)])
    streets = list(Region.objects.filter(level=RegionLevel.STREET, parent__code=HULI).order_by("code"))
    centre = {s.code: Hall.objects.get(region=s) for s in streets}
    station = Hall.objects.filter(parent=centre[streets[0].code]).order_by("code").first()
    assert station is not None and station.level == "community"
    when = b.at(dt.date(2026, 10, 9))
    for level in ("very_satisfied", "very_satisfied", "satisfied", "dissatisfied"):
        b.rating(None, level, when, h=centre[streets[0].code])
    b.rating(None, "dissatisfied", when, h=centre[streets[0].code], default=True)  # a default rating: left out
    _inspect(station, dt.date(2026, 10, 12), failing=1)
    _inspect(centre[streets[1].code], dt.date(2026, 10, 13), failing=0)
    with clock.frozen(b.at(dt.date(2026, 10, 14))):
        answered = notice_create(source="manual", hall_id=centre[streets[0].code].pk, title="着装",
                                 problem="未佩戴工作牌", workdays=5, actor=None)
        notice_create(source="manual", hall_id=centre[streets[2].code].pk, title="指南", problem="指南过期",
                      workdays=5, actor=None)
    with clock.frozen(b.at(dt.date(2026, 10, 16), 15)):
        notice_respond(notice_id=answered.pk, response="已整改", actor=None)
    with clock.frozen(b.at(dt.date(2026, 11, 20))):
        rankings.scores_compute(month=MONTH)
    return {"regions": regions, "streets": streets}


def scoped(client_for: Any, region: Region | None, *roles: str) -> Any:
    client = client_for(*roles)
    Profile.objects.filter(user=client.user).update(region=region)
    return client


def test_streets_are_scored_from_their_halls_and_a_street_without_data_is_not_ranked(world: dict) -> None:
    s1, s2, s3, s4, s5 = world["streets"]
    rows = {r.street.code: r for r in StreetScore.objects.filter(month=MONTH).select_related("street")}
    assert set(rows) == {s1.code, s2.code}  # street 3 has only a notice: no data, no score
    one, two = rows[s1.code], rows[s2.code]
    assert one.parts["counts"]["halls"] == 1 + Hall.objects.filter(parent__region=s1).count()
    assert (one.parts["satisfaction"], one.parts["inspection"], one.parts["rectification"],
            one.parts["notices"]) == (75.0, 90.0, 100.0, 90.0)
    # (25 × 75 + 30 × 90 + 20 × 100 + 15 × 90) ÷ 90 = 88.06; street 2: (30 × 100 + 15 × 100) ÷ 45 = 100
    assert one.total == Decimal("88.06") and two.total == Decimal("100.00")
    assert (two.rank, one.rank) == (1, 2)
    assert two.parts["satisfaction"] is None and two.parts["rectification"] is None
    with clock.frozen(b.at(dt.date(2026, 11, 20))):
        from onewindow.supervision.street_scores import street_unranked

        assert [s.code for s in street_unranked(month=MONTH, district=world["regions"][HULI])] == [
            s3.code, s4.code, s5.code]


def test_the_page_and_the_api_show_the_ranking_with_its_formulas_and_no_data(client_for: Any, world: dict) -> None:
    s1, s2, s3, _, _ = world["streets"]
    huli = scoped(client_for, world["regions"][HULI], Role.SUPERVISOR)
    with clock.frozen(b.at(dt.date(2026, 11, 20))):
        page = huli.get("/supervision/ranking/streets/?month=2026-10")
        api = huli.get("/api/v1/scores/streets?month=2026-10").json()
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-testid="street-total-{s2.code}"><strong>100.00</strong>' in html
    assert f'data-testid="street-total-{s1.code}"><strong>88.06</strong>' in html
    assert f'data-testid="street-no-data-{s3.code}"' in html and f"street-total-{s3.code}" not in html
    assert "现场检查合格率 = " in html and "街道 = 街道便民服务中心及其下各社区便民服务站" in html
    assert api["district"] == HULI and [(i["street"], i["rank"], i["total"]) for i in api["items"]] == [
        (s2.code, 1, 100.0), (s1.code, 2, 88.06)]
    assert api["items"][1]["parts"] == {"satisfaction": 75.0, "inspection": 90.0, "rectification": 100.0,
                                        "notices": 90.0}
    assert [u["street"] for u in api["unranked"]][0] == s3.code and all(u["total"] is None for u in api["unranked"])
    assert api["weights"] == {"satisfaction": 25, "inspection": 30, "rectification": 20, "notices": 15,
                              "notice_penalty": 10}
    with clock.frozen(b.at(dt.date(2026, 11, 20))):
        english = huli.get("/supervision/ranking/streets/?month=2026-10", HTTP_ACCEPT_LANGUAGE="en")
    text = english.content.decode()
    assert "Inspection pass rate = " in text and "No data" in text


def test_a_district_the_user_may_not_see_is_refused(client_for: Any, world: dict) -> None:
    huli = scoped(client_for, world["regions"][HULI], Role.SUPERVISOR)
    fuan = scoped(client_for, world["regions"][FUAN], Role.SUPERVISOR)
    with clock.frozen(b.at(dt.date(2026, 11, 20))):
        assert huli.get(f"/supervision/ranking/streets/?month=2026-10&district={FUAN}").status_code == 404
        r = huli.get(f"/api/v1/scores/streets?month=2026-10&district={FUAN}")
        assert r.status_code == 404 and [e["field"] for e in r.json()["errors"]] == ["district"]
        # Fu'an's supervisor asking for Huli's streets, or for the ranking of their own district without streets
        assert fuan.get(f"/supervision/ranking/streets/?month=2026-10&district={HULI}").status_code == 404
        assert fuan.get(f"/api/v1/scores/streets?month=2026-10&district={HULI}").status_code == 404
        assert fuan.get("/api/v1/scores/streets?month=2026-10").status_code == 404
        # a supervisor of one street does not read the other streets of the district
        street = scoped(client_for, world["streets"][0], Role.SUPERVISOR)
        assert street.get(f"/api/v1/scores/streets?month=2026-10&district={HULI}").status_code == 404
        assert scoped(client_for, None, Role.CLERK).get("/supervision/ranking/streets/").status_code == 403
        assert scoped(client_for, None, Role.CLERK).get("/api/v1/scores/streets").status_code == 403
        province = scoped(client_for, None, Role.SUPERVISOR)
        assert province.get("/api/v1/scores/streets?month=2026-10").json()["district"] == HULI
        assert province.get("/api/v1/scores/streets?district=999999").status_code == 404


def test_publishing_freezes_the_street_ranking_and_shows_it_to_the_public(client: Any, world: dict) -> None:
    s1, s2, *_ = world["streets"]
    assert client.get("/supervision/public/ranking/?month=2026-10").status_code == 404  # not published yet
    with clock.frozen(b.at(dt.date(2026, 11, 20))):
        ranking_publish(month=MONTH, published=True, actor=None)
        from onewindow.core.errors import Conflict

        with pytest.raises(Conflict):
            rankings.scores_compute(month=MONTH)
        html = client.get(f"/supervision/public/ranking/?month=2026-10&region={HULI}").content.decode()
        assert f'data-testid="public-streets-{HULI}"' in html
        assert f'data-testid="street-total-{s2.code}"><strong>100.00</strong>' in html
        other = client.get(f"/supervision/public/ranking/?month=2026-10&region={FUAN}").content.decode()
    assert "public-streets-" not in other  # Fu'an has no streets in the demo: no street table
