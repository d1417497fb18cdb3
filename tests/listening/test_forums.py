"""Forums: a manager records a forum and its findings, each routed as a feedback suggestion (channel 群众座谈); the
page shows the suggestion's state and department; wrong roles and replayed keys are refused or answered once."""

from __future__ import annotations

import datetime as dt

from onewindow.core import clock
from onewindow.feedback.models import Suggestion, SuggestionState, VoiceChannel
from onewindow.listening.models import Forum, ListeningFinding
from tests.listening.conftest import World, post_json

FORUMS = "/api/v1/listening/forums"


def _forum_body(world: World, **extra: object) -> dict[str, object]:
    return {"hall": world.hall.pk, "held_on": "2019-06-12", "topic": "企业开办座谈会",
            "host_department": world.other_dept.pk, "participants": 12, "minutes": "与会企业代表反映…", **extra}


def test_a_supervisor_records_a_forum_and_its_finding_is_routed_as_a_forum_suggestion(world: World) -> None:
    client = world.client("supervisor")
    made = post_json(client, FORUMS, _forum_body(world), key="forum-1")
    assert made.status_code == 201, made.content
    forum_id = made.json()["id"]
    routed = post_json(client, f"{FORUMS}/{forum_id}/findings",
                       {"category": "process", "text": "开办企业要跑三个窗口"}, key="f-1")
    assert routed.status_code == 201, routed.content
    s = Suggestion.objects.get(number=routed.json()["suggestion"]["number"])
    assert s.channel == VoiceChannel.FORUM
    assert s.department == world.dept and s.state == SuggestionState.ASSIGNED
    assert s.received_at.date() == dt.date(2019, 6, 12)
    detail = client.get(f"{FORUMS}/{forum_id}").json()
    assert detail["findings"][0]["suggestion"]["department"] == world.dept.name
    page = client.get(f"/listening/forums/{forum_id}/")
    text = page.content.decode()
    assert page.status_code == 200 and "开办企业要跑三个窗口" in text and s.number in text and "办理中" in text


def test_a_replayed_forum_key_makes_one_forum_and_one_suggestion(world: World) -> None:
    client = world.client("supervisor")
    first = post_json(client, FORUMS, _forum_body(world), key="forum-r")
    again = post_json(client, FORUMS, _forum_body(world), key="forum-r")
    assert (first.status_code, again.status_code) == (201, 200)
    assert Forum.objects.count() == 1
    url = f"{FORUMS}/{first.json()['id']}/findings"
    body = {"category": "process", "text": "排队时间长"}
    assert post_json(client, url, body, key="k").status_code == 201
    assert post_json(client, url, body, key="k").status_code == 200
    assert ListeningFinding.objects.count() == 1 and Suggestion.objects.count() == 1
    changed = post_json(client, url, {**body, "text": "别的问题"}, key="k")
    assert changed.status_code == 409


def test_a_citizen_or_a_clerk_cannot_open_or_record_forums(world: World) -> None:
    for name in ("citizen", "clerk"):
        client = world.client(name)
        assert client.get("/listening/forums/").status_code == 403
        assert post_json(client, FORUMS, _forum_body(world)).status_code == 403
    assert Forum.objects.count() == 0


def test_a_forum_with_bad_fields_is_refused_naming_each_field_and_nothing_is_written(world: World) -> None:
    client = world.client("head")
    bad = post_json(client, FORUMS, _forum_body(world, participants=0, topic="  ", host_department=99999))
    assert bad.status_code == 400
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"participants", "topic", "host_department"} <= fields
    future = (clock.today() + dt.timedelta(days=3)).isoformat()
    assert post_json(client, FORUMS, _forum_body(world, held_on=future)).json()["errors"][0]["field"] == "held_on"
    assert Forum.objects.count() == 0


def test_out_of_range_ids_and_dates_are_refused_naming_the_field(world: World) -> None:
    client = world.client("supervisor")
    huge = post_json(client, FORUMS, _forum_body(world, hall=10**17))
    assert huge.status_code in (400, 422) and "hall" in huge.content.decode()
    assert post_json(client, FORUMS, _forum_body(world, held_on="0001-01-01")).status_code in (400, 422)
    assert client.get(f"{FORUMS}/{10**17}").status_code in (400, 404, 422)
    assert Forum.objects.count() == 0


def test_a_finding_with_an_unknown_category_is_refused_and_no_suggestion_is_made(world: World) -> None:
    client = world.client("supervisor")
    forum_id = post_json(client, FORUMS, _forum_body(world)).json()["id"]
    bad = post_json(client, f"{FORUMS}/{forum_id}/findings", {"category": "nope", "text": "x"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "category"
    assert Suggestion.objects.count() == 0 and ListeningFinding.objects.count() == 0


def test_the_forum_page_form_records_a_forum_and_routes_a_finding(world: World) -> None:
    client = world.client("supervisor")
    made = client.post("/listening/forums/", {
        "topic": "老年人办事座谈", "held_on": "2020-03-02", "hall": world.hall.pk,
        "host_department": world.dept.pk, "participants": "8", "minutes": "", "idempotency_key": "page-1"})
    assert made.status_code == 302
    forum = Forum.objects.get()
    routed = client.post(f"/listening/forums/{forum.pk}/", {"category": "process", "text": "自助机字太小",
                                                            "idempotency_key": "pf-1"})
    assert routed.status_code == 302
    assert ListeningFinding.objects.get().suggestion.channel == VoiceChannel.FORUM
    refused = client.post("/listening/forums/", {"topic": "", "held_on": "2020-03-02", "hall": world.hall.pk,
                                                 "host_department": world.dept.pk, "participants": "8"})
    assert refused.status_code == 400 and "topic" in refused.content.decode()
