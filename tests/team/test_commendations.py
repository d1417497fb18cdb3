"""Commendations (锦旗, 表扬信): recorded by supervisors and department heads through the service, counted per hall,
window and clerk; the counts are public, the giver's name is masked, a clerk sees only their own."""

from __future__ import annotations

from django.test import Client

from onewindow.team.models import Commendation
from onewindow.team.selectors import commendation_counts
from tests.team.conftest import World, post

API = "/api/v1/team/"


def _letter(world: World, **over: object) -> dict[str, object]:
    body: dict[str, object] = {"kind": "letter", "received_on": world.days[0].isoformat(), "hall": "huli",
                               "counter": 1, "clerk": world.users["clerk"].pk, "giver": "张三丰",
                               "text": "耐心细致，一次办好"}
    body.update(over)
    return body


def test_a_supervisor_records_a_letter_once_and_the_counts_are_public(world: World) -> None:
    sup = world.clients["supervisor"]
    first = post(sup, f"{API}commendations", _letter(world, key="l-1"))
    assert first.status_code == 201 and first.json()["from"] == "张*丰"
    assert post(sup, f"{API}commendations", _letter(world, key="l-1")).status_code == 200
    assert post(world.clients["head"], f"{API}commendations", _letter(world, kind="banner", counter=None,
                                                                      clerk=None)).status_code == 201
    assert commendation_counts(hall=world.hall) == {"banner": 1, "letter": 1, "total": 2}
    public = Client().get(f"{API}commendations/counts?hall=huli").json()
    assert public["banner"] == 1 and public["letter"] == 1
    assert {(r["counter"], r["letter"]) for r in public["by_counter"]} == {(1, 1), (None, 0)}
    page = Client().get("/team/stars/").content.decode()
    assert "表扬信 1" in page


def test_a_clerk_cannot_record_and_sees_only_their_own(world: World) -> None:
    assert post(world.clients["clerk"], f"{API}commendations", _letter(world)).status_code == 403
    post(world.clients["supervisor"], f"{API}commendations", _letter(world))
    post(world.clients["supervisor"], f"{API}commendations", _letter(world, clerk=world.users["clerk2"].pk))
    mine = world.clients["clerk"].get(f"{API}commendations").json()
    assert len(mine["results"]) == 1 and mine["by_clerk"][0]["clerk"] == "陈雅琴"
    assert "张三丰" not in str(mine)
    assert len(world.clients["supervisor"].get(f"{API}commendations").json()["results"]) == 2
    assert Client().get(f"{API}commendations").status_code == 401


def test_bad_input_is_refused_naming_the_field_and_nothing_is_recorded(world: World) -> None:
    sup = world.clients["supervisor"]
    cases = [(_letter(world, kind="flower"), "kind"), (_letter(world, received_on="2999-01-01"), "received_on"),
             (_letter(world, received_on="yesterday"), "received_on"), (_letter(world, counter=77), "counter"),
             (_letter(world, hall="nowhere"), "hall"), (_letter(world, clerk=world.users["supervisor"].pk), "clerk")]
    for body, field in cases:
        response = post(sup, f"{API}commendations", body)
        assert 400 <= response.status_code < 500, body
        assert response.json()["errors"][0]["field"] == field
    assert Commendation.objects.count() == 0


def test_the_page_form_records_a_banner(world: World) -> None:
    sup = world.clients["supervisor"]
    response = sup.post("/team/manage/commend/", {"hall": "huli", "kind": "banner", "counter": "2",
                                                  "received_on": world.days[0].isoformat(), "giver": "李女士"})
    assert response.status_code == 302
    row = Commendation.objects.get()
    assert row.kind == "banner" and row.counter == world.counters[1]
    page = sup.get("/team/?hall=huli").content.decode()
    assert "锦旗 1" in page
