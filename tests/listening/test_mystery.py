"""Third-party 蹲守 visits: recorded as supervision inspections with the 蹲守 checklist; failed points become
supervision findings through supervision's own submit; the page lists visits with their findings."""

from __future__ import annotations

import datetime as dt

from onewindow.listening.models import Agency, MysteryVisit
from onewindow.listening.services.mystery import TEMPLATE_CODE, agency_save
from onewindow.supervision.models import Finding, Inspection, InspectionStatus
from tests.listening.conftest import World, post_json

VISITS = "/api/v1/listening/mystery/visits"


def _agency(world: World) -> Agency:
    return agency_save(name="厦门某第三方评估公司", contract_start=dt.date(2019, 1, 1),
                       contract_end=dt.date(2019, 12, 31), actor=world.users["supervisor"])[0]


def _visit(world: World, agency: Agency, **extra: object) -> dict[str, object]:
    return {"agency": agency.pk, "hall": world.hall.pk, "covert_from": "2019-04-08", "covert_to": "2019-04-12",
            "results": [{"code": "on-post", "passed": False, "note": "午间两个窗口无人"},
                        {"code": "badge", "passed": True}], **extra}


def test_a_visit_is_a_submitted_inspection_whose_failed_point_is_a_supervision_finding(world: World) -> None:
    agency = _agency(world)
    client = world.client("supervisor")
    made = post_json(client, VISITS, _visit(world, agency), key="v-1")
    assert made.status_code == 201, made.content
    visit = MysteryVisit.objects.get()
    assert visit.inspection.template.code == TEMPLATE_CODE
    assert visit.inspection.status == InspectionStatus.SUBMITTED
    findings = Finding.objects.filter(inspection_result__inspection=visit.inspection)
    assert findings.count() == 1 and "午间两个窗口无人" in findings.get().message
    assert made.json()["findings"][0]["message"] == findings.get().message
    assert post_json(client, VISITS, _visit(world, agency), key="v-1").status_code == 200
    assert Inspection.objects.count() == 1
    page = client.get("/listening/mystery/").content.decode()
    assert "午间两个窗口无人" in page and visit.inspection.number in page


def test_a_visit_outside_the_contract_or_with_an_unknown_point_is_refused_and_nothing_is_written(
        world: World) -> None:
    agency = _agency(world)
    client = world.client("supervisor")
    outside = post_json(client, VISITS, _visit(world, agency, covert_from="2020-01-02", covert_to="2020-01-03"))
    assert outside.status_code == 400 and outside.json()["errors"][0]["field"] == "covert_from"
    unknown = post_json(client, VISITS, _visit(world, agency, results=[{"code": "nope", "passed": False}]))
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "results"
    assert Inspection.objects.count() == 0 and MysteryVisit.objects.count() == 0


def test_a_clerk_or_a_citizen_cannot_record_or_list_visits(world: World) -> None:
    agency = _agency(world)
    for name in ("clerk", "citizen"):
        client = world.client(name)
        assert post_json(client, VISITS, _visit(world, agency)).status_code == 403
        assert client.get(VISITS).status_code == 403
        assert client.get("/listening/mystery/").status_code == 403


def test_the_mystery_page_registers_an_agency_and_records_a_visit(world: World) -> None:
    client = world.client("head")
    assert client.post("/listening/mystery/", {"form": "agency", "name": "第三方A", "contract_start": "2019-01-01",
                                               "contract_end": "2019-12-31"}).status_code == 302
    agency = Agency.objects.get()
    done = client.post("/listening/mystery/", {"form": "visit", "agency": agency.pk, "hall": world.hall.pk,
                                               "covert_from": "2019-05-06", "covert_to": "2019-05-07",
                                               "failed": ["tidy"], "note_tidy": "饮水机无水",
                                               "idempotency_key": "pv"})
    assert done.status_code == 302
    assert Finding.objects.filter(message__contains="饮水机无水").count() == 1
    bad = client.post("/listening/mystery/", {"form": "agency", "name": "B", "contract_start": "2019-05-01",
                                              "contract_end": "2019-01-01"})
    assert bad.status_code == 400
