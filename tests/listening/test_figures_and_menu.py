"""The figure of findings per source and routing state (one selector, its formula on the page), and the menu: each
role sees only the listening pages it may open."""

from __future__ import annotations

import datetime as dt

from onewindow.listening.services import voice
from tests.listening.conftest import World


def test_findings_are_counted_per_source_and_state_with_the_formula_shown(world: World) -> None:
    sup = world.users["supervisor"]
    forum, _ = voice.forum_create(hall_id=world.hall.pk, held_on=dt.date(2019, 5, 1), topic="座谈",
                                  department_id=world.dept.pk, participants=5, actor=sup)
    for n in range(2):
        voice.forum_add_finding(forum_id=forum.pk, issue=voice.IssueInput("process", f"问题{n}"), actor=sup)
    client = world.client("supervisor")
    body = client.get("/api/v1/listening/figures").json()
    forum_row = next(r for r in body["sources"] if r["source"] == "forum")
    assert forum_row["total"] == 2 and forum_row["by_state"] == {"assigned": 2} and forum_row["answered"] == 0
    assert body["formula"] and body["mystery"]["total"] == 0
    assert client.get("/api/v1/listening/figures?since=2020-01-01").json()["sources"][0]["total"] == 0
    page = client.get("/listening/figures/").content.decode()
    assert body["formula"] in page
    assert client.get("/api/v1/listening/figures?since=bad").status_code == 400
    assert world.client("clerk").get("/api/v1/listening/figures").status_code == 403


def test_each_role_sees_only_the_listening_menu_entries_it_may_open(world: World) -> None:
    citizen = world.client("citizen").get("/listening/reception/").content.decode()
    assert "/listening/experience/" in citizen and "/listening/forums/" not in citizen
    clerk = world.client("clerk").get("/listening/reception/desk/").content.decode()
    assert "/listening/reception/desk/" in clerk and "/listening/figures/" not in clerk
    sup = world.client("supervisor").get("/listening/figures/").content.decode()
    for url in ("/listening/forums/", "/listening/officers/", "/listening/mystery/", "/listening/figures/"):
        assert url in sup


def test_english_pages_are_translated(world: World) -> None:
    client = world.client("supervisor")
    page = client.get("/listening/figures/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Listening" in page or "Findings" in page


def test_the_list_pages_issue_the_same_number_of_queries_whatever_their_length(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sup = world.users["supervisor"]
    client = world.client("supervisor")

    def add_forum(n: int) -> None:
        forum, _ = voice.forum_create(hall_id=world.hall.pk, held_on=dt.date(2019, 5, 1), topic=f"座谈{n}",
                                      department_id=world.dept.pk, participants=5, actor=sup)
        voice.forum_add_finding(forum_id=forum.pk, issue=voice.IssueInput("process", f"问题{n}"), actor=sup)

    def count(url: str) -> int:
        client.get(url)  # warm the per-user caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add_forum(0)
    one = count("/listening/forums/"), count("/listening/figures/")
    for n in range(1, 5):
        add_forum(n)
    assert (count("/listening/forums/"), count("/listening/figures/")) == one
