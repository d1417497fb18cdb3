"""The 24-hour locker and the free envelope: a code works once, only for its application and its locker, and
expires; only a paired terminal opens anything; nobody reads another's custody by number; every move is an event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from onewindow.core import clock
from onewindow.intake.models import Custody, CustodyEvent, CustodyStatus, LockerDevice
from onewindow.intake.services.lockers import locker_pair, locker_pairing_code
from tests.intake.conftest import citizen_application, post

pytestmark = pytest.mark.django_db

OPEN = "/api/v1/intake/terminal/open"


def book(world, number: str, who: str = "citizen", locker: str = "huli-1f") -> dict:
    response = post(world.clients[who], f"/api/v1/intake/applications/{number}/drops", {"locker": locker})
    assert response.status_code == 201, response.content
    return response.json()


def terminal(world, number: str, code: str, secret: str | None = None):
    headers = {"HTTP_X_LOCKER_DEVICE": secret if secret is not None else world.terminal}
    return post(_anon(), OPEN,
                {"application": number, "code": code}, **headers)


def _anon():
    from django.test import Client

    return Client()


def test_a_drop_code_opens_a_compartment_once_and_the_clerk_collects(world) -> None:
    number = citizen_application(world)
    booked = book(world, number)
    assert booked["status"] == "booked" and len(booked["code"]) == 8
    opened = terminal(world, number, booked["code"].lower())
    assert opened.status_code == 200, opened.content
    assert opened.json()["compartment"] == 1 and opened.json()["status"] == "dropped"
    again = terminal(world, number, booked["code"])
    assert again.status_code == 404 and again.json()["errors"][0]["field"] == "code"
    collected = post(world.clients["clerk"], f"/api/v1/intake/custody/{booked['number']}/collect")
    assert collected.status_code == 200 and collected.json()["status"] == "collected"
    custody = world.clients["citizen"].get(f"/api/v1/intake/applications/{number}/custody").json()
    assert [e["action"] for e in custody["items"][0]["events"]] == ["book", "drop", "collect"]
    assert custody["items"][0]["events"][2]["by"] == "陈雅琴"
    page = world.clients["citizen"].get(f"/intake/applications/{number}/").content.decode()
    assert "窗口已取件" in page and booked["code"] not in page


def test_a_code_opens_only_for_its_own_application_and_its_own_locker(world) -> None:
    first = citizen_application(world)
    second = citizen_application(world)
    code = book(world, first)["code"]
    assert terminal(world, second, code).status_code == 404
    assert terminal(world, first, code, secret=world.other_terminal).status_code == 404
    assert Custody.objects.get().status == CustodyStatus.BOOKED
    assert terminal(world, first, code).status_code == 200


def test_an_expired_code_opens_nothing(world) -> None:
    number = citizen_application(world)
    code = book(world, number)["code"]
    with clock.frozen(timezone.now() + dt.timedelta(hours=73)):
        response = terminal(world, number, code)
    assert response.status_code == 409 and response.json()["errors"][0]["field"] == "code"
    assert Custody.objects.get().status == CustodyStatus.BOOKED


def test_a_new_booking_replaces_the_old_code(world) -> None:
    number = citizen_application(world)
    old = book(world, number)["code"]
    new = book(world, number)["code"]
    assert terminal(world, number, old).status_code == 404
    assert terminal(world, number, new).status_code == 200
    assert sorted(Custody.objects.values_list("status", flat=True)) == ["cancelled", "dropped"]


def test_only_a_paired_unrevoked_terminal_opens_anything(world) -> None:
    number = citizen_application(world)
    code = book(world, number)["code"]
    assert terminal(world, number, code, secret="").status_code == 403
    assert terminal(world, number, code, secret="made-up-secret").status_code == 403
    LockerDevice.objects.filter(locker=world.locker).update(revoked_at=timezone.now())
    assert terminal(world, number, code, secret=world.terminal).status_code == 403
    assert Custody.objects.get().status == CustodyStatus.BOOKED


def test_a_pairing_code_pairs_one_terminal_only(world) -> None:
    code = locker_pairing_code(locker=world.locker, actor=world.users["clerk"])
    first = post(_anon(), "/api/v1/intake/terminal/pair", {"code": code, "label": "北门"})
    assert first.status_code == 201 and first.json()["locker"] == "huli-1f"
    second = post(_anon(), "/api/v1/intake/terminal/pair", {"code": code})
    assert second.status_code == 409
    assert post(_anon(), "/api/v1/intake/terminal/pair", {"code": code + "x"}).status_code == 404
    with pytest.raises(Exception):  # noqa: B017 — a citizen cannot issue a pairing code
        locker_pair(code=locker_pairing_code(locker=world.locker, actor=world.users["citizen"]))


def test_a_citizen_cannot_read_or_act_on_another_citizens_custody(world) -> None:
    number = citizen_application(world)
    booked = book(world, number)
    other = world.clients["other_citizen"]
    assert other.get(f"/intake/applications/{number}/").status_code == 404
    assert other.get(f"/api/v1/intake/applications/{number}/custody").status_code == 404
    assert post(other, f"/api/v1/intake/applications/{number}/drops", {"locker": "huli-1f"}).status_code == 404
    assert post(other, f"/api/v1/intake/applications/{number}/envelopes").status_code == 404
    assert post(other, f"/api/v1/intake/custody/{booked['number']}/cancel").status_code == 404
    assert other.post(f"/intake/custody/{booked['number']}/cancel/").status_code == 404
    reviewer = world.clients["reviewer"]  # department staff read a case of their department, never act for the applicant
    assert post(reviewer, f"/api/v1/intake/custody/{booked['number']}/cancel").status_code in (403, 404)
    assert Custody.objects.get().status == CustodyStatus.BOOKED


def test_a_citizen_cannot_collect_or_place_results_only_a_clerk_can(world) -> None:
    number = citizen_application(world)
    booked = book(world, number)
    terminal(world, number, booked["code"])
    response = post(world.clients["citizen"], f"/api/v1/intake/custody/{booked['number']}/collect")
    assert response.status_code == 403
    assert post(world.clients["citizen"], f"/api/v1/intake/applications/{number}/results",
                {"locker": "huli-1f"}).status_code == 403
    assert Custody.objects.get().status == CustodyStatus.DROPPED


def test_results_go_into_the_locker_and_the_applicant_picks_them_up_with_a_code_of_their_own(world) -> None:
    number = citizen_application(world)
    placed = post(world.clients["clerk"], f"/api/v1/intake/applications/{number}/results", {"locker": "huli-1f"})
    assert placed.status_code == 201 and placed.json()["status"] == "ready"
    item = placed.json()["number"]
    issued = post(world.clients["citizen"], f"/api/v1/intake/custody/{item}/issue_code")
    assert issued.status_code == 200
    picked = terminal(world, number, issued.json()["code"])
    assert picked.status_code == 200 and picked.json()["status"] == "picked_up"
    assert terminal(world, number, issued.json()["code"]).status_code == 404
    actions = list(CustodyEvent.objects.filter(custody__number=item).values_list("action", flat=True))
    assert actions == ["place", "issue_code", "pickup"]


def test_a_full_locker_refuses_a_drop_and_frees_a_compartment_once_collected(world) -> None:
    numbers = [citizen_application(world) for _ in range(3)]
    codes = [book(world, n)["code"] for n in numbers]
    assert terminal(world, numbers[0], codes[0]).json()["compartment"] == 1
    assert terminal(world, numbers[1], codes[1]).json()["compartment"] == 2
    full = terminal(world, numbers[2], codes[2])
    assert full.status_code == 409 and full.json()["errors"][0]["field"] == "locker"
    first = Custody.objects.get(application__number=numbers[0])
    assert post(world.clients["clerk"], f"/api/v1/intake/custody/{first.number}/collect").status_code == 200
    assert terminal(world, numbers[2], codes[2]).json()["compartment"] == 1


def test_the_free_envelope_is_requested_mailed_with_a_tracking_number_and_received_by_the_clerk(world) -> None:
    number = citizen_application(world)
    requested = post(world.clients["citizen"], f"/api/v1/intake/applications/{number}/envelopes")
    assert requested.status_code == 201
    item = requested.json()["number"]
    assert post(world.clients["citizen"], f"/api/v1/intake/applications/{number}/envelopes").status_code == 409
    bad = post(world.clients["citizen"], f"/api/v1/intake/custody/{item}/mail", {"tracking_number": "x"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "tracking_number"
    mailed = post(world.clients["citizen"], f"/api/v1/intake/custody/{item}/mail", {"tracking_number": "SF1234567890"})
    assert mailed.status_code == 200 and mailed.json()["tracking_number"] == "SF1234567890"
    assert post(world.clients["citizen"], f"/api/v1/intake/custody/{item}/receive").status_code == 403
    received = post(world.clients["clerk"], f"/api/v1/intake/custody/{item}/receive")
    assert received.status_code == 200 and received.json()["status"] == "received"
    again = post(world.clients["clerk"], f"/api/v1/intake/custody/{item}/receive")
    assert again.status_code == 409


def test_custody_pages_work_for_the_applicant_and_the_hall(world) -> None:
    number = citizen_application(world)
    citizen = world.clients["citizen"]
    assert number in citizen.get("/intake/mine/").content.decode()
    response = citizen.post(f"/intake/applications/{number}/book_drop/", {"locker": "huli-1f"})
    assert response.status_code == 200
    code = response.context["new_code"]["code"]
    assert code in response.content.decode()
    assert terminal(world, number, code).status_code == 200
    desk = world.clients["clerk"].get("/intake/lockers/").content.decode()
    assert number in desk
    item = Custody.objects.get()
    done = world.clients["clerk"].post(f"/intake/custody/{item.number}/collect/", {"next": "/intake/lockers/"})
    assert done.status_code == 302 and done["Location"] == "/intake/lockers/"
    pairing = world.clients["clerk"].post("/intake/lockers/huli-1f/pairing/")
    assert pairing.status_code == 200 and pairing.context["pairing"]
    assert world.clients["citizen"].get("/intake/lockers/").status_code == 403
