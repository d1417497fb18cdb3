"""Pages and read endpoints: kiosk, follow page, board JSON, console, rating pad, statistics and export."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.hall.models import ClerkStateEvent, Ticket
from tests.hall.conftest import WEDNESDAY, act, at, call_next, counter, issue, pair_pad

pytestmark = pytest.mark.django_db


def test_kiosk_issues_a_ticket_and_shows_number_people_ahead_and_qr(hall, frozen_morning):
    c = Client()
    page = c.get(f"/hall/{hall.code}/kiosk/")
    assert page.status_code == 200
    assert "社会民生" in page.content.decode()
    r = c.post(f"/hall/{hall.code}/kiosk/", {"category": "social", "priority_reason": "elderly"})
    assert r.status_code == 302
    shown = c.get(r["Location"]).content.decode()
    assert "A001" in shown and "<svg" in shown and "绿色通道" in shown
    assert Ticket.objects.get().priority_reason == "elderly"


def test_kiosk_outside_hours_shows_the_reason(hall):
    c = Client()
    with clock.frozen(at(7, 0)):
        r = c.post(f"/hall/{hall.code}/kiosk/", {"category": "social"}, follow=True)
    assert "当前不在开放时间，不能取号" in r.content.decode()  # the kiosk page itself always shows its hours
    assert Ticket.objects.count() == 0


def test_follow_page_shows_position_and_lets_the_holder_cancel(hall, frozen_morning):
    c = Client()
    issue(c, hall)
    t = issue(c, hall)
    page = c.get(f"/hall/t/{t['token']}/").content.decode()
    assert "A002" in page and "前面还有" in page
    c.post(f"/hall/t/{t['token']}/")
    assert Ticket.objects.get(pk=t["id"]).status == "cancelled"


def test_board_json_shows_calls_and_waiting_per_category_with_fixed_queries(hall, frozen_morning, clerk_at):
    c = Client()
    for _ in range(3):
        issue(c, hall, "social")
    issue(c, hall, "business")
    clerk = clerk_at(counter(hall, 5))
    called = call_next(clerk)
    board = c.get(f"/api/v1/halls/{hall.code}/board").json()
    assert board["calls"][0]["number"] == called["number"]
    assert board["calls"][0]["counter"] == 5 and board["calls"][0]["current"] is True
    waiting = {x["code"]: x["waiting"] for x in board["categories"]}
    assert waiting == {"social": 2, "business": 1}
    with CaptureQueriesContext(connection) as few:
        c.get(f"/api/v1/halls/{hall.code}/board")
    act(clerk, "finish")
    for _ in range(5):
        call_next(clerk)
        act(clerk, "finish") if Ticket.objects.filter(status="called").exists() else None
        issue(c, hall, "business")
    with CaptureQueriesContext(connection) as more:
        c.get(f"/api/v1/halls/{hall.code}/board")
    assert len(more) == len(few)
    assert c.get(f"/hall/{hall.code}/board/").status_code == 200


def test_console_runs_a_counter_from_sign_in_to_finish(hall, frozen_morning, client_for):
    issue(Client(), hall)
    clerk = client_for(Role.CLERK)
    page = clerk.get("/hall/console/").content.decode()
    assert "签入窗口" in page
    clerk.post("/hall/console/sign-in/", {"counter": counter(hall, 1).pk})
    clerk.post("/hall/console/action/", {"action": "call"})
    page = clerk.get("/hall/console/").content.decode()
    ticket = Ticket.objects.get()
    assert "A001" in page and f'href="/cases/clerk/accept/?ticket={ticket.pk}"' in page
    clerk.post("/hall/console/action/", {"action": "finish", "items_handled": "社会保障卡申领"})
    ticket.refresh_from_db()
    assert ticket.status == "finished" and ticket.items_handled == "社会保障卡申领"
    pad = pair_pad(clerk, counter(hall, 1)).get(f"/hall/counters/{counter(hall, 1).pk}/pad/").content.decode()
    assert "A001" in pad and "社会保障卡申领" in pad
    clerk.post("/hall/console/action/", {"action": "break"})
    clerk.post("/hall/console/action/", {"action": "sign_out"})
    assert list(ClerkStateEvent.objects.values_list("to_status", flat=True)) == [
        "available", "break", "signed_out"]


def test_citizens_do_not_reach_the_console_or_statistics(hall, client_for):
    citizen = client_for(Role.CITIZEN)
    assert citizen.get("/hall/console/").status_code == 403
    assert citizen.get(f"/hall/{hall.code}/stats/").status_code == 403
    assert citizen.get(f"/api/v1/halls/{hall.code}/stats").status_code == 403


def test_rating_pad_shows_the_finished_service_until_the_counter_calls_again(hall, clerk_at):
    c = Client()
    with clock.frozen(at(9, 0)):
        issue(c, hall)
        issue(c, hall)
        clerk = clerk_at(counter(hall, 1))
        call_next(clerk)
        c = pair_pad(clerk, counter(hall, 1))
        pad_url = f"/api/v1/counters/{counter(hall, 1).pk}/pad"
        assert c.get(pad_url).json()["prompt"] is None
        act(clerk, "finish", {"items_handled": "失业保险金申领"})
        prompt = c.get(pad_url).json()["prompt"]
        assert prompt["number"] == "A001" and prompt["items"] == "失业保险金申领" and prompt["counter"] == 1
        call_next(clerk)
        assert c.get(pad_url).json()["prompt"] is None


def test_statistics_come_from_events(hall, clerk_at, client_for):
    c = Client()
    with clock.frozen(at(9, 0)):
        clerk = clerk_at(counter(hall, 1))
        for _ in range(3):
            issue(c, hall)
    with clock.frozen(at(9, 10)):
        call_next(clerk)  # A001 waited 10
    with clock.frozen(at(9, 16)):
        act(clerk, "finish")  # served 6
        call_next(clerk)  # A002 waited 16
    with clock.frozen(at(9, 20)):
        act(clerk, "finish")  # served 4
        call_next(clerk)  # A003 waited 20
    with clock.frozen(at(9, 22)):
        act(clerk, "no-show")  # requeued
        call_next(clerk)
        act(clerk, "no-show")  # closed
    with clock.frozen(at(10, 0)):
        supervisor = client_for(Role.SUPERVISOR)
        stats = supervisor.get(f"/api/v1/halls/{hall.code}/stats?date={WEDNESDAY.isoformat()}").json()
    total = stats["total"]
    assert total["tickets"] == 3
    assert total["mean_wait"] == round((10 + 16 + 20) / 3, 1)
    assert total["p90_wait"] == 20
    assert total["mean_service"] == 5.0
    assert total["no_show_rate"] == round(100 / 3, 1)
    # signed in 09:00–10:00 = 60 min, busy 10 min
    assert total["utilisation"] == round(100 * 10 / 60, 1)
    assert stats["counters"][0]["label"] == "1号窗口"
    bad = supervisor.get(f"/api/v1/halls/{hall.code}/stats?date=2026-13-01")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "date"
    page = supervisor.get(f"/hall/{hall.code}/stats/?date={WEDNESDAY.isoformat()}")
    assert page.status_code == 200 and "data-figure" in page.content.decode()
    xlsx = supervisor.get(f"/hall/{hall.code}/stats.xlsx?date={WEDNESDAY.isoformat()}")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_appointment_pages_book_and_cancel(hall, client_for):
    from onewindow.hall.models import Appointment, AppointmentSlot, HallCategory

    hc = HallCategory.objects.get(hall=hall, prefix="A")
    slot = AppointmentSlot.objects.create(hall=hall, category=hc, date=WEDNESDAY + dt.timedelta(days=1),
                                          start=dt.time(9), end=dt.time(9, 30), capacity=3)
    citizen = client_for(Role.CITIZEN)
    with clock.frozen(at(10, 0)):
        page = citizen.get(f"/hall/appointments/?hall={hall.code}&category=social").content.decode()
        assert "09:00" in page
        r = citizen.post("/hall/appointments/book/", {"slot": slot.pk, "phone": "13812345678"}, follow=True)
        assert "预约成功" in r.content.decode()
        a = Appointment.objects.get()
        citizen.post(f"/hall/appointments/{a.pk}/cancel/")
    a.refresh_from_db()
    slot.refresh_from_db()
    assert a.status == "cancelled" and slot.booked == 0


def test_a_bundle_chosen_at_the_kiosk_queues_in_its_window_category(hall, frozen_morning, clerk_at):
    from django.apps import apps

    from onewindow.catalog.models import Department, WindowCategory

    Bundle = apps.get_model("bundles", "Bundle")
    department = Department.objects.create(code="T-SCJ", name="测试市场监督管理局")
    Bundle.objects.create(code="open-hotel", name="我要开旅馆", lead_department=department,
                          window_category=WindowCategory.objects.get(code="business"))
    c = Client()
    assert "我要开旅馆" in c.get(f"/hall/{hall.code}/kiosk/").content.decode()
    r = c.post(f"/hall/{hall.code}/kiosk/", {"bundle": "open-hotel"})
    assert r.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.number == "B001" and ticket.bundle_code == "open-hotel" and ticket.service_label == "我要开旅馆"
    clerk = clerk_at(counter(hall, 2))
    assert call_next(clerk)["number"] == "B001"


@pytest.mark.parametrize(("language", "voice_on", "counter_word"), [
    ("zh-hans", "语音播报：开", "号窗口"),
    ("en", "Voice announcements: on", " window"),
])
def test_the_board_script_draws_its_labels_in_the_page_language(hall, language, voice_on, counter_word):
    """board.js redraws the calls every two seconds: the words it writes come from the page, in its language
    (the spoken call stays Chinese, the hall's own language)."""
    page = Client().get(f"/hall/{hall.code}/board/", HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    assert f'data-text-voice-on="{voice_on}"' in html
    assert f'data-text-counter="{counter_word}"' in html


def test_the_board_json_carries_each_category_s_english_name_for_english_boards(hall):
    """The board JSON is published once per move for every screen; board.js shows name_en on English pages."""
    category = hall.categories.select_related("category").first().category
    category.name_en = "Social affairs"
    category.save(update_fields=["name_en"])
    board = Client().get(f"/api/v1/halls/{hall.code}/board").json()
    names = {c["code"]: (c["name"], c["name_en"]) for c in board["categories"]}
    assert names[category.code] == (category.name, "Social affairs")
