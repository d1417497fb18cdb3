"""Partner outlets and 帮办: submissions flow into the same cases with the outlet (or the consent) recorded;
outlet staff see only their own outlet's applications; the figures count volume, returns and time to acceptance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from onewindow.cases.models import Application, CaseStatus, Channel
from onewindow.cases.services import lifecycle
from onewindow.core import clock
from onewindow.intake.models import ChannelKind, IntakeChannel
from tests.intake.conftest import outlet_payload, post

pytestmark = pytest.mark.django_db

OUTLET_API = "/api/v1/intake/outlet/applications"
ASSISTED_API = "/api/v1/intake/assisted/applications"


def test_outlet_staff_submit_into_the_same_cases_with_the_outlet_and_staff_recorded(world) -> None:
    response = post(world.clients["teller"], OUTLET_API, outlet_payload(idempotency_key="k-1"))
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    app = Application.objects.get(number=number)
    assert app.channel == Channel.WINDOW and app.submitted_by == world.users["teller"]
    assert [c.status for c in app.cases.all()] == [CaseStatus.RECEIVED]
    channel = IntakeChannel.objects.get(application=app)
    assert (channel.kind, channel.outlet, channel.hall, channel.staff) == (
        ChannelKind.OUTLET, world.outlet, world.hall, world.users["teller"])
    assert channel.staff_label == "柜员甲"
    again = post(world.clients["teller"], OUTLET_API, outlet_payload(idempotency_key="k-1"))
    assert again.status_code == 200 and again.json()["number"] == number
    assert IntakeChannel.objects.count() == 1


def test_outlet_staff_see_their_own_outlets_applications_and_never_another_outlets(world) -> None:
    number = post(world.clients["teller"], OUTLET_API, outlet_payload()).json()["number"]
    colleague = world.clients["teller2"].get(OUTLET_API).json()
    assert [r["number"] for r in colleague["results"]] == [number]
    assert world.clients["teller2"].get(f"/intake/applications/{number}/").status_code == 200
    other = world.clients["other_teller"]
    assert other.get(OUTLET_API).json()["results"] == []
    assert number not in other.get("/intake/outlet/").content.decode()
    assert other.get(f"/intake/applications/{number}/").status_code == 404
    assert other.get(f"/api/v1/intake/applications/{number}/custody").status_code == 404
    assert post(other, f"/api/v1/intake/applications/{number}/envelopes").status_code == 404


def test_an_outlet_takes_only_the_items_on_its_list(world) -> None:
    response = post(world.clients["teller"], OUTLET_API, outlet_payload(item="T-EMPLOY"))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "item"
    assert not Application.objects.exists()


def test_outlet_staff_without_an_active_outlet_and_other_roles_cannot_submit(world) -> None:
    world.outlet.active = False
    world.outlet.save()
    response = post(world.clients["teller"], OUTLET_API, outlet_payload())
    assert response.status_code == 403 and response.json()["errors"][0]["field"] == "outlet"
    assert post(world.clients["citizen"], OUTLET_API, outlet_payload()).status_code == 403
    assert post(world.clients["clerk"], OUTLET_API, outlet_payload()).status_code == 403
    assert not Application.objects.exists()


def test_outlet_page_submits_and_shows_the_application(world) -> None:
    client = world.clients["teller"]
    assert "食品经营许可" in client.get("/intake/outlet/").content.decode()
    form = {"idem": "page-1", "applicant.kind": "person", "applicant.name": "陈美玲",
            "applicant.id_number": outlet_payload()["applicant"]["id_number"], "applicant.phone": "13905931234",
            "form.employer": "厦门湖里金山便利店", "checked": ["M-ID", "M-PHOTO"]}
    response = client.post("/intake/outlet/submit/?item=T-MARKET", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    app = Application.objects.get()
    assert response["Location"] == f"/intake/applications/{app.number}/"
    assert app.intake_channel.outlet == world.outlet
    bad = client.post("/intake/outlet/submit/?item=T-MARKET", {**form, "idem": "page-2", "applicant.name": ""})
    assert bad.status_code == 400 and Application.objects.count() == 1


def assisted_payload(**over: object) -> dict[str, object]:
    data: dict[str, object] = {**outlet_payload(item="T-EMPLOY", form={"employer": "福安市闽东电机有限公司",
                                                                       "start_date": "2026-03-02"},
                                                checked_materials=["M-ID", "M-CONTRACT"]),
                               "hall": "huli", "consent_method": "fingerprint", "consent_witness": "王芳"}
    data.update(over)
    return data


def test_hall_clerk_submits_for_an_elderly_citizen_with_the_consent_recorded(world) -> None:
    response = post(world.clients["clerk"], ASSISTED_API, assisted_payload())
    assert response.status_code == 201, response.content
    channel = IntakeChannel.objects.get(application__number=response.json()["number"])
    assert channel.kind == ChannelKind.ASSISTED and channel.outlet is None and channel.hall == world.hall
    assert channel.consent_method == "fingerprint" and channel.consent_witness == "王芳"
    assert channel.consent_at is not None and channel.staff == world.users["clerk"]


def test_assisted_submission_without_consent_is_refused_naming_each_field_and_nothing_is_written(world) -> None:
    response = post(world.clients["clerk"], ASSISTED_API, assisted_payload(consent_method="", consent_witness=""))
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"consent_method"}
    verbal = post(world.clients["clerk"], ASSISTED_API, assisted_payload(consent_method="verbal", consent_witness=""))
    assert verbal.status_code == 400 and verbal.json()["errors"][0]["field"] == "consent_witness"
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    late = post(world.clients["clerk"], ASSISTED_API, assisted_payload(consent_at=future))
    assert late.status_code == 400 and late.json()["errors"][0]["field"] == "consent_at"
    assert post(world.clients["teller"], ASSISTED_API, assisted_payload()).status_code == 403
    assert not Application.objects.exists()


def _submit_at(world, when: dt.datetime, teller: str = "teller") -> Application:
    with clock.frozen(when):
        number = post(world.clients[teller], OUTLET_API, outlet_payload()).json()["number"]
    return Application.objects.get(number=number)


def test_outlet_figures_count_volume_returns_and_median_hours_to_acceptance(world) -> None:
    day = timezone.make_aware(dt.datetime(2026, 11, 2, 9, 0))
    clerk = world.users["clerk"]
    a = _submit_at(world, day)
    b = _submit_at(world, day + dt.timedelta(hours=1))
    c = _submit_at(world, day + dt.timedelta(hours=2))
    _submit_at(world, day + dt.timedelta(hours=3), teller="other_teller")
    with clock.frozen(day + dt.timedelta(hours=2)):
        lifecycle.application_accept(application=a, actor=clerk)  # 2 hours
    with clock.frozen(day + dt.timedelta(hours=7)):
        lifecycle.application_accept(application=b, actor=clerk)  # 6 hours
    with clock.frozen(day + dt.timedelta(hours=4)):
        lifecycle.case_not_accept(case=c.cases.get(), actor=clerk, reason="材料不全，营业场所证明缺失")
    with clock.frozen(day + dt.timedelta(days=1)):
        response = world.clients["supervisor"].get("/api/v1/intake/outlets/figures")
        page = world.clients["supervisor"].get("/intake/outlets/figures/")
    assert response.status_code == 200
    rows = {r["outlet"]: r for r in response.json()["outlets"]}
    mine = rows["icbc-jinshan"]
    assert (mine["volume"], mine["accepted"], mine["returned"]) == (3, 2, 1)
    assert mine["return_rate"] == round(1 / 3, 4) and mine["median_hours_to_acceptance"] == 4.0
    other = rows["ccb-huli"]
    assert (other["volume"], other["accepted"], other["returned"], other["median_hours_to_acceptance"]) == (1, 0, 0, None)
    assert page.status_code == 200 and "工商银行金山支行" in page.content.decode()
    for who in ("teller", "clerk", "citizen"):
        assert world.clients[who].get("/api/v1/intake/outlets/figures").status_code == 403
        assert world.clients[who].get("/intake/outlets/figures/").status_code == 403


def test_figures_refuse_a_date_outside_the_calendar_naming_the_field(world) -> None:
    response = world.clients["supervisor"].get("/api/v1/intake/outlets/figures?since=0001-13-01")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "since"
