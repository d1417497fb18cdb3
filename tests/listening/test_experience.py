"""Experience officers: a manager enrols them (the name shown masked); an officer submits and sees only their own
sessions, whose issues are routed as suggestions (channel 体验官)."""

from __future__ import annotations

from onewindow.feedback.models import Suggestion, VoiceChannel
from onewindow.listening.models import ExperienceSession, Officer
from onewindow.listening.services.voice import officer_enrol
from tests.listening.conftest import World, post_json

SESSIONS = "/api/v1/listening/experience/sessions"


def _enrol(world: World) -> Officer:
    return officer_enrol(name="陈体验", hall_id=world.hall.pk, username="officer", actor=world.users["supervisor"])


def _session(world: World, **extra: object) -> dict[str, object]:
    return {"hall": world.hall.pk, "held_on": "2020-05-20", "service": "个体工商户设立登记",
            "issues": [{"category": "process", "text": "取号后等了40分钟"}], **extra}


def test_a_supervisor_enrols_an_officer_whose_name_is_masked_in_the_list(world: World) -> None:
    client = world.client("supervisor")
    made = post_json(client, "/api/v1/listening/officers", {"name": "陈体验", "hall": world.hall.pk,
                                                            "username": "officer"})
    assert made.status_code == 201 and made.json()["name"] == "陈*验"
    listed = client.get("/api/v1/listening/officers").json()
    assert listed[0]["name"] == "陈*验" and listed[0]["has_account"]
    page = client.get("/listening/officers/").content.decode()
    assert "陈*验" in page and "陈体验" not in page


def test_enrolling_a_non_citizen_account_or_twice_is_refused(world: World) -> None:
    client = world.client("supervisor")
    bad = post_json(client, "/api/v1/listening/officers", {"name": "某", "hall": world.hall.pk, "username": "clerk"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "username"
    _enrol(world)
    again = post_json(client, "/api/v1/listening/officers", {"name": "陈", "hall": world.hall.pk,
                                                             "username": "officer"})
    assert again.status_code == 400


def test_an_officer_submits_a_session_and_its_issue_is_routed_as_an_experience_suggestion(world: World) -> None:
    _enrol(world)
    client = world.client("officer")
    made = post_json(client, SESSIONS, _session(world), key="s-1")
    assert made.status_code == 201, made.content
    finding = made.json()["findings"][0]
    s = Suggestion.objects.get(number=finding["suggestion"]["number"])
    assert s.channel == VoiceChannel.EXPERIENCE and s.department == world.dept
    assert post_json(client, SESSIONS, _session(world), key="s-1").status_code == 200
    assert ExperienceSession.objects.count() == 1 and Suggestion.objects.count() == 1
    mine = client.get(SESSIONS).json()
    assert len(mine) == 1 and mine[0]["findings"][0]["text"] == "取号后等了40分钟"


def test_an_officer_sees_only_their_own_sessions_and_cannot_submit_for_another(world: World) -> None:
    _enrol(world)
    other = officer_enrol(name="王大明", hall_id=world.hall.pk, username="citizen2", actor=world.users["supervisor"])
    post_json(world.client("citizen2"), SESSIONS, _session(world, service="别人的体验", issues=[]))
    client = world.client("officer")
    assert client.get(SESSIONS).json() == []
    assert "别人的体验" not in client.get("/listening/experience/").content.decode()
    refused = post_json(client, SESSIONS, _session(world, officer=other.pk))
    assert refused.status_code == 403
    assert ExperienceSession.objects.filter(officer=other).count() == 1


def test_a_citizen_who_is_not_an_officer_cannot_submit_a_session(world: World) -> None:
    client = world.client("citizen")
    assert post_json(client, SESSIONS, _session(world)).status_code == 403
    assert client.get("/listening/experience/").status_code == 200
    assert world.client("clerk").get("/listening/experience/").status_code == 403
    assert ExperienceSession.objects.count() == 0 and Suggestion.objects.count() == 0


def test_the_experience_page_form_submits_a_session_with_issues(world: World) -> None:
    _enrol(world)
    client = world.client("officer")
    done = client.post("/listening/experience/", {
        "service": "食品经营许可", "held_on": "2020-07-01", "hall": world.hall.pk, "note": "",
        "issue_category": ["process", "process", "process"], "issue_text": ["材料要求与指南不一致", "", ""],
        "idempotency_key": "page-s"})
    assert done.status_code == 302
    assert ExperienceSession.objects.get().findings.count() == 1
    bad = client.post("/listening/experience/", {"service": "", "held_on": "", "hall": world.hall.pk})
    assert bad.status_code == 400
