"""Every listening page, with its records, reads in English: interface text translated, the names of halls,
departments and issue categories in English where they have one, free Chinese text (topics, minutes, issues, the
leader's title, people's names, the agency) marked lang="zh", so the English crawl finds nothing to report."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from onewindow.core import clock
from onewindow.listening.models import Booking
from onewindow.listening.services import mystery, reception, voice
from tests.i18n.test_english_crawl import Reader
from tests.listening.conftest import World


def _read(client: Client, url: str) -> tuple[list[str], str]:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    reader = Reader()
    reader.feed(page)
    return reader.found, page


def test_every_listening_page_with_its_records_reads_in_english(world: World) -> None:
    sup, clerk = world.users["supervisor"], world.users["clerk"]
    world.hall.name_en = "Huli District Administrative Service Centre"
    world.hall.save()
    world.dept.name_en = "Huli District Administration for Market Regulation"
    world.dept.save()
    forum, _ = voice.forum_create(hall_id=world.hall.pk, held_on=dt.date(2019, 5, 1), topic="企业开办座谈",
                                  department_id=world.dept.pk, participants=12, minutes="企业反映材料重复提交",
                                  actor=sup)
    voice.forum_add_finding(forum_id=forum.pk, issue=voice.IssueInput("process", "开办要跑两个窗口"), actor=sup)
    voice.officer_enrol(name="陈体验", hall_id=world.hall.pk, username="officer", actor=sup)
    voice.session_submit(hall_id=world.hall.pk, service="食品经营许可", held_on=dt.date(2019, 6, 3),
                         note="等候时间较长", issues=[voice.IssueInput("process", "叫号屏不显示窗口")],
                         actor=world.users["officer"])
    day, _ = reception.day_publish(
        hall_id=world.hall.pk, held_on=clock.today() + dt.timedelta(days=3), leader_title="局长",
        department_id=world.dept.pk, actor=sup, slots=[reception.SlotInput(dt.time(9), dt.time(10), 3)])
    booking, _ = reception.booking_create(slot_id=day.slots.get().pk, actor=world.users["citizen"])
    reception.booking_mark(booking_id=booking.pk, attended=True, actor=clerk)
    reception.booking_route_issue(booking_id=booking.pk, category="process", text="证照变更要重复提交材料",
                                  actor=clerk)
    reception.booking_create(slot_id=day.slots.get().pk, actor=world.users["citizen2"])
    agency, _ = mystery.agency_save(name="厦门某第三方评估公司", contract_start=dt.date(2019, 1, 1),
                                    contract_end=dt.date(2019, 12, 31), actor=sup)
    mystery.visit_record(agency_id=agency.pk, hall_id=world.hall.pk, covert_from=dt.date(2019, 4, 8),
                         covert_to=dt.date(2019, 4, 12), actor=sup,
                         results=[mystery.PointResult(code="on-post", passed=False, note="午间两个窗口无人")])
    assert Booking.objects.count() == 2
    pages = {"supervisor": ["/listening/forums/", f"/listening/forums/{forum.pk}/", "/listening/officers/",
                            "/listening/mystery/", "/listening/figures/", "/listening/reception/desk/",
                            f"/listening/reception/desk/{day.pk}/", "/listening/reception/"],
             "clerk": ["/listening/reception/desk/", f"/listening/reception/desk/{day.pk}/"],
             "officer": ["/listening/experience/"], "citizen": ["/listening/reception/", "/listening/experience/"],
             "": ["/listening/reception/"]}
    shown = {}
    for name, urls in pages.items():
        client = world.client(name) if name else Client()
        client.cookies["django_language"] = "en"
        for url in urls:
            found, shown[(name, url)] = _read(client, url)
            assert not found, (name, url, found)
    desk = shown[("supervisor", f"/listening/reception/desk/{day.pk}/")]
    assert '<span lang="zh">局长</span> (Huli District Administration for Market Regulation)' in desk
    assert "09:00–10:00 (2/3 booked)" in desk and 'lang="zh">证照变更要重复提交材料</span>' in desk
    forum_page = shown[("supervisor", f"/listening/forums/{forum.pk}/")]
    assert "Date: 2019-05-01 · Hall: Huli District Administrative Service Centre" in forum_page
    assert 'lang="zh">企业反映材料重复提交</span>' in forum_page
    assert '<option value="process" lang="zh">办理环节与跑动</option>' in forum_page
    assert (f'<option value="{world.hall.pk}">Huli District Administrative Service Centre</option>'
            in shown[("supervisor", "/listening/forums/")])
    assert "Experience officer: <span lang=\"zh\">" in shown[("officer", "/listening/experience/")]
    assert 'lang="zh">厦门某第三方评估公司</span>' in shown[("supervisor", "/listening/mystery/")]
