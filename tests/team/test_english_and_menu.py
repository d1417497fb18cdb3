"""The team's pages in English, and the menu: a clerk and a supervisor see the team page, the public sees the
stars, a citizen never sees the team page."""

from __future__ import annotations

from django.test import Client

from onewindow.team.services.assessments import assessment_compute_month
from tests.team.conftest import World


def test_the_public_stars_page_and_the_team_page_read_in_english(served: World) -> None:
    assessment_compute_month(month=served.month, actor=served.users["supervisor"])
    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get("/team/stars/").content.decode()
    assert "Government Service Star" in page and "政务服务之星" not in page
    sup = served.clients["supervisor"]
    sup.cookies["django_language"] = "en"
    text = sup.get(f"/team/?hall=huli&month={served.month:%Y-%m}").content.decode()
    assert "Score = (volume weight" in text and "No data" in text and "综合得分" not in text


def test_the_menu_shows_each_role_only_what_it_may_open(world: World) -> None:
    assert 'href="/team/"' in world.clients["clerk"].get("/team/stars/").content.decode()
    assert 'href="/team/"' in world.clients["supervisor"].get("/team/stars/").content.decode()
    citizen = world.clients["citizen"].get("/team/stars/").content.decode()
    assert 'href="/team/"' not in citizen and 'href="/team/stars/"' in citizen


def test_the_api_description_of_the_team_reads_in_english(db: None) -> None:
    spec = Client().get("/api/openapi.json", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Published service stars" in spec and "Record a banner or praise letter received" in spec
