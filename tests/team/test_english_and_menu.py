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


def _untranslated(client: Client, url: str) -> tuple[list[str], str]:
    """Chinese outside lang="zh" on the English page (as the English crawl reads it), and the page."""
    from tests.i18n.test_english_crawl import Reader

    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    reader = Reader()
    reader.feed(page)
    return reader.found, page


def test_every_team_page_with_its_records_reads_in_english(served: World) -> None:
    from onewindow.team.models import Star
    from onewindow.team.services.assessments import assessment_publish_month
    from onewindow.team.services.commendations import commendation_record
    from onewindow.team.services.exams import attempt_start, exam_create, question_upsert
    from onewindow.team.services.stars import star_choose, star_publish

    sup, clerk = served.users["supervisor"], served.users["clerk"]
    assessment_compute_month(month=served.month, actor=sup)
    assessment_publish_month(month=served.month, actor=sup)
    star, _ = star_choose(hall=served.hall, month=served.month, actor=sup)
    commendation_record(kind="banner", received_on=served.days[0], hall=served.hall, counter=served.counters[0],
                        clerk=clerk, giver="张先生", text="服务热情周到", actor=sup)
    for i in range(3):
        question_upsert(code=f"Q{i}", category="一窗受理", kind="single", text=f"第{i}题：一窗受理的要求是？",
                        options=["前台综合受理", "各部门分别收件"], answer=[0], actor=sup)
    exam, _ = exam_create(code="2026-01", title="一月业务考试", month=served.month, pass_line=60, count=3, actor=sup)
    attempt_start(exam=exam, clerk=clerk)
    month = f"{served.month:%Y-%m}"
    clients = {name: served.clients[name] for name in ("supervisor", "head", "clerk")} | {"public": Client()}
    for client in clients.values():
        client.cookies["django_language"] = "en"
    pages = {"supervisor": [f"/team/?hall=huli&month={month}", f"/team/exams/{exam.code}/results/"],
             "head": [f"/team/?hall=huli&month={month}"],
             "clerk": ["/team/", f"/team/exams/{exam.code}/"], "public": ["/team/stars/"]}
    shown = {}
    for name, urls in pages.items():
        for url in urls:
            found, shown[(name, url)] = _untranslated(clients[name], url)
            assert not found, (name, url, found)
    manager = shown[("supervisor", f"/team/?hall=huli&month={month}")]
    assert 'lang="zh">陈雅琴</span>' in manager and "Counter 1 (Comprehensive window)" in manager
    assert "Current weights: volume 30" in manager and "(score " in manager and "Counter 1</td>" not in manager
    assert '<option value="1" lang="zh">Counter 1 社会民生综合窗口</option>' in manager
    assert 'lang="zh">第0题：一窗受理的要求是？</span>' in shown[("clerk", f"/team/exams/{exam.code}/")]
    assert "Pass line 60 points" in shown[("clerk", f"/team/exams/{exam.code}/")]
    assert 'lang="zh">服务热情周到</span>' in shown[("clerk", "/team/")]
    star_publish(star=Star.objects.get(pk=star.pk), actor=sup)
    found, public = _untranslated(clients["public"], "/team/stars/")
    assert not found and 'lang="zh">湖里区行政服务中心</span>' in public and "Counter 1" in public
    assert "Banners: 1; letters of praise: 0" in public
