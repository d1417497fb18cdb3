"""The queue through the HTTP API: numbering, opening hours, ordering, transfer, no-show, appointments."""

import datetime as dt

import pytest
from django.test import Client, override_settings

from onewindow.core import clock
from onewindow.hall.models import AppointmentSlot, Ticket, TicketEvent
from tests.hall.conftest import WEDNESDAY, act, at, call_next, counter, issue

pytestmark = pytest.mark.django_db


def test_ticket_numbers_are_prefix_and_three_digits_per_category_and_restart_next_day(hall, frozen_morning):
    c = Client()
    assert [issue(c, hall, "social")["number"] for _ in range(3)] == ["A001", "A002", "A003"]
    assert issue(c, hall, "business")["number"] == "B001"
    with clock.frozen(at(9, 5, WEDNESDAY + dt.timedelta(days=1))):
        assert issue(c, hall, "social")["number"] == "A001"
        assert issue(c, hall, "business")["number"] == "B001"


def test_issue_answers_people_ahead_and_an_estimated_wait_from_the_default(hall, frozen_morning, clerk_at):
    c = Client()
    issue(c, hall)
    issue(c, hall)
    third = issue(c, hall)
    assert third["ahead"] == 2
    # no history, no counter signed in: 2 ahead × 6 default minutes ÷ 1
    assert third["wait_minutes"] == 12
    clerk_at(counter(hall, 1))
    clerk_at(counter(hall, 5))
    fourth = issue(c, hall)
    assert fourth["ahead"] == 3
    assert fourth["wait_minutes"] == 9  # 3 × 6 ÷ 2 counters serving social


def test_wait_estimate_learns_from_recent_service_times(hall, clerk_at):
    c = Client()
    clerk = clerk_at(counter(hall, 1))
    for minute in (0, 20, 40):  # three services of 20 minutes each
        with clock.frozen(at(9, minute)):
            issue(c, hall)
            call_next(clerk)
        with clock.frozen(at(9, minute + 19) + dt.timedelta(seconds=60)):
            act(clerk, "finish")
    with clock.frozen(at(10, 30)):
        issue(c, hall)
        second = issue(c, hall)
    # smoothed mean = (3·20 + 3·6) / 6 = 13 minutes, one counter, one ahead
    assert second["wait_minutes"] == 13


def test_closed_hours_are_refused_with_a_clear_message_and_nothing_is_created(hall):
    c = Client()
    for moment in (at(8, 59), at(17, 30), at(10, 0, WEDNESDAY + dt.timedelta(days=3))):  # before, at closing, Saturday
        with clock.frozen(moment):
            r = c.post(f"/api/v1/halls/{hall.code}/tickets", {"category": "social"}, content_type="application/json")
        assert r.status_code == 400
        body = r.json()
        assert "开放时间" in body["detail"]
        assert body["errors"][0]["field"] == "time"
    assert Ticket.objects.count() == 0


def test_lunch_break_closes_a_hall_that_has_one(hall):
    hall.no_lunch_break = False
    hall.lunch_start, hall.lunch_end = dt.time(12), dt.time(14, 30)
    hall.save()
    c = Client()
    with clock.frozen(at(12, 30)):
        r = c.post(f"/api/v1/halls/{hall.code}/tickets", {"category": "social"}, content_type="application/json")
        assert r.status_code == 400
    with clock.frozen(at(14, 30)):
        assert issue(c, hall)["number"] == "A001"


def test_unknown_category_names_the_field(hall, frozen_morning):
    r = Client().post(f"/api/v1/halls/{hall.code}/tickets", {"category": "nope"}, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "category"


def test_call_next_takes_highest_priority_then_earliest_among_the_counters_categories(hall, clerk_at):
    c = Client()
    with clock.frozen(at(9, 0)):
        issue(c, hall, "social")  # A001
        issue(c, hall, "business")  # B001
    with clock.frozen(at(9, 5)):
        issue(c, hall, "social")  # A002
        issue(c, hall, "business", priority_reason="elderly")  # B002, green channel
    with clock.frozen(at(9, 10)):
        comprehensive = clerk_at(counter(hall, 5))
        social_only = clerk_at(counter(hall, 1))
        assert call_next(comprehensive)["number"] == "B002"  # priority first
        assert call_next(social_only)["number"] == "A001"  # only social, earliest
        act(comprehensive, "finish")
        assert call_next(comprehensive)["number"] == "B001"  # issued 09:00, before A002
        act(comprehensive, "finish")
        assert call_next(comprehensive)["number"] == "A002"
        act(comprehensive, "finish")
        assert call_next(comprehensive) is None


def test_a_counter_must_finish_before_calling_again(hall, frozen_morning, clerk_at):
    c = Client()
    issue(c, hall)
    issue(c, hall)
    clerk = clerk_at(counter(hall, 1))
    call_next(clerk)
    r = clerk.post(f"/api/v1/counters/{clerk.counter.pk}/call-next")
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "ticket"


def test_only_the_clerk_signed_in_at_a_counter_can_call_there(hall, frozen_morning, clerk_at, client_for):
    clerk_at(counter(hall, 1))
    from onewindow.core.access import Role

    other = client_for(Role.CLERK)
    r = other.post(f"/api/v1/counters/{counter(hall, 1).pk}/call-next")
    assert r.status_code == 403
    anonymous = Client().post(f"/api/v1/counters/{counter(hall, 1).pk}/call-next")
    assert anonymous.status_code == 401


def test_transfer_to_another_category_keeps_its_place_by_original_issue_time(hall, clerk_at):
    c = Client()
    with clock.frozen(at(9, 0)):
        issue(c, hall, "social")  # A001, the one to transfer
    with clock.frozen(at(9, 1)):
        issue(c, hall, "business")  # B001
    with clock.frozen(at(9, 2)):
        social = clerk_at(counter(hall, 1))
        business = clerk_at(counter(hall, 2))
        assert call_next(social)["number"] == "A001"
        moved = act(social, "transfer", {"to_category": "business"})
        assert moved["status"] == "waiting"
        assert moved["category"] == "business"
        assert moved["number"] == "A001"  # keeps its number
        assert call_next(business)["number"] == "A001"  # ahead of B001, issued a minute later
    event = TicketEvent.objects.get(action="transferred")
    assert event.from_category.prefix == "A"
    assert event.to_category.prefix == "B"


def test_transfer_to_a_counter_is_called_only_there(hall, frozen_morning, clerk_at):
    c = Client()
    issue(c, hall, "social")
    one = clerk_at(counter(hall, 1))
    five = clerk_at(counter(hall, 5))
    call_next(one)
    act(one, "transfer", {"to_counter": counter(hall, 2).pk})
    assert call_next(five) is None
    act(one, "finish", status=409)  # nothing current any more
    two = clerk_at(counter(hall, 2))
    assert call_next(two)["number"] == "A001"


def test_no_show_requeues_once_at_the_back_then_closes(hall, clerk_at):
    c = Client()
    with clock.frozen(at(9, 0)):
        issue(c, hall)  # A001
        issue(c, hall)  # A002
        clerk = clerk_at(counter(hall, 1))
        assert call_next(clerk)["number"] == "A001"
    with clock.frozen(at(9, 3)):
        assert act(clerk, "no-show")["status"] == "waiting"
        assert call_next(clerk)["number"] == "A002"  # A001 went to the back
        act(clerk, "finish")
        assert call_next(clerk)["number"] == "A001"
        assert act(clerk, "no-show")["status"] == "no_show"  # second time: closed
        assert call_next(clerk) is None
    kinds = list(TicketEvent.objects.filter(ticket__number="A001").values_list("action", flat=True))
    assert kinds == ["issued", "called", "requeued", "called", "no_show"]


@override_settings(ONEWINDOW={"NO_SHOW_POLICY": "close", "APPOINTMENT_GRACE_MINUTES": 15, "DEFAULT_SERVICE_MINUTES": 8})
def test_no_show_close_policy_ends_the_ticket_at_once(hall, frozen_morning, clerk_at):
    issue(Client(), hall)
    clerk = clerk_at(counter(hall, 1))
    call_next(clerk)
    assert act(clerk, "no-show")["status"] == "no_show"
    assert call_next(clerk) is None


def test_recall_and_start_write_events_and_finish_frees_the_counter(hall, frozen_morning, clerk_at):
    issue(Client(), hall)
    clerk = clerk_at(counter(hall, 1))
    call_next(clerk)
    act(clerk, "recall")
    assert act(clerk, "start")["status"] == "serving"
    assert act(clerk, "finish", {"items_handled": "城乡居民医保参保登记"})["status"] == "finished"
    kinds = list(TicketEvent.objects.values_list("action", flat=True))
    assert kinds == ["issued", "called", "recalled", "started", "finished"]
    act(clerk, "recall", status=409)


def _slot(hall, start: dt.time, capacity: int = 2) -> AppointmentSlot:
    from onewindow.hall.models import HallCategory

    hc = HallCategory.objects.get(hall=hall, prefix="A")
    end = (dt.datetime.combine(WEDNESDAY, start) + dt.timedelta(minutes=30)).time()
    return AppointmentSlot.objects.create(hall=hall, category=hc, date=WEDNESDAY, start=start, end=end, capacity=capacity)


def test_appointment_capacity_is_never_exceeded_and_cancel_frees_a_place(hall, client_for):
    from onewindow.core.access import Role

    slot = _slot(hall, dt.time(10, 0), capacity=2)
    citizens = [client_for(Role.CITIZEN) for _ in range(3)]
    with clock.frozen(at(8, 0)):
        codes = []
        for i, cz in enumerate(citizens):
            r = cz.post("/api/v1/appointments", {"slot_id": slot.pk, "phone": f"1380000000{i}"}, content_type="application/json")
            codes.append(r.status_code)
        assert codes == [201, 201, 409]
        slot.refresh_from_db()
        assert slot.booked == 2
        first = citizens[0].get(f"/api/v1/halls/{hall.code}/slots?category=social").json()
        assert first[0]["remaining"] == 0
        mine = citizens[0].post("/api/v1/appointments", {"slot_id": slot.pk, "phone": "13800000000"},
                                content_type="application/json")
        assert mine.status_code == 409  # already booked that day
        appointment_id = __import__("onewindow.hall.models", fromlist=["Appointment"]).Appointment.objects.first().pk
        assert citizens[1].post(f"/api/v1/appointments/{appointment_id}/cancel").status_code == 404  # not theirs
        assert citizens[0].post(f"/api/v1/appointments/{appointment_id}/cancel").status_code == 200
        slot.refresh_from_db()
        assert slot.booked == 1
        r = citizens[2].post("/api/v1/appointments", {"slot_id": slot.pk, "phone": "13800000002"}, content_type="application/json")
        assert r.status_code == 201


def test_appointment_check_in_joins_as_priority_at_slot_time_and_late_arrivals_queue_normally(hall, client_for, clerk_at):
    from onewindow.core.access import Role

    early_slot = _slot(hall, dt.time(9, 30))
    later_slot = _slot(hall, dt.time(10, 30))
    cz1, cz2 = client_for(Role.CITIZEN), client_for(Role.CITIZEN)
    with clock.frozen(at(8, 0)):
        late_code = cz1.post("/api/v1/appointments", {"slot_id": early_slot.pk, "phone": "13900000001"},
                             content_type="application/json").json()["code"]
        early_code = cz2.post("/api/v1/appointments", {"slot_id": later_slot.pk, "phone": "13900000002"},
                              content_type="application/json").json()["code"]
    c = Client()
    with clock.frozen(at(10, 0)):
        issue(c, hall)  # A001 normal, issued 10:00
        r = c.post(f"/api/v1/halls/{hall.code}/check-in", {"code": late_code}, content_type="application/json")
        late = r.json()  # 30 min after its 09:30 slot: beyond the 15 minute grace
        assert late["priority"] == 0
        r = c.post(f"/api/v1/halls/{hall.code}/check-in", {"code": early_code}, content_type="application/json")
        early = r.json()  # 30 minutes early for 10:30
        assert early["priority"] == 1
        again = c.post(f"/api/v1/halls/{hall.code}/check-in", {"code": early_code}, content_type="application/json")
        assert again.status_code == 409
        clerk = clerk_at(counter(hall, 1))
        assert call_next(clerk)["number"] == "A001"  # the appointment does not jump in before its slot
        act(clerk, "finish")
        assert call_next(clerk)["number"] == late["number"]
        act(clerk, "finish")
        assert call_next(clerk) is None
    with clock.frozen(at(10, 31)):
        issue(c, hall)  # a normal ticket taken after the slot started
        assert call_next(clerk)["number"] == early["number"]  # priority at its slot time
        bad = c.post(f"/api/v1/halls/{hall.code}/check-in", {"code": "00000000"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "code"  # (inside the opening hours)


def test_ticket_link_application_stores_the_link_once(hall, frozen_morning, clerk_at):
    from onewindow.cases.models import Applicant, Application
    from onewindow.core.errors import NotFound
    from onewindow.hall.models import TicketApplication
    from onewindow.hall.services.queue import ticket_link_application

    t = issue(Client(), hall)
    clerk = clerk_at(counter(hall, 1))
    call_next(clerk)
    applicant = Applicant.objects.create(name="林晓梅", id_number="350981199001011234", created_at=clock.now())
    application = Application.objects.create(number="A20261125001", kind="bundle", code="social-card", name="社会保障卡申领",
                                             channel="window", applicant=applicant, submitted_at=clock.now(),
                                             ticket_id=t["id"])
    ticket_link_application(ticket_id=t["id"], application_id=application.pk, actor=clerk.user)
    ticket_link_application(ticket_id=t["id"], application_id=application.pk, actor=clerk.user)
    assert list(TicketApplication.objects.values_list("ticket_id", "application_id")) == [(t["id"], application.pk)]
    with pytest.raises(NotFound):
        ticket_link_application(ticket_id=t["id"], application_id=application.pk + 999, actor=clerk.user)
    page = clerk.get("/hall/console/").content.decode()
    # by the number people say, as a link (issue 19), never by the database id
    assert '已关联申请：<a href="/cases/a/A20261125001/" data-testid="linked-application">A20261125001</a>' in page
    assert f"#{application.pk}" not in page


def test_phone_ticket_needs_a_mobile_and_one_open_ticket_per_phone(hall, frozen_morning):
    c = Client()
    r = c.post(f"/api/v1/halls/{hall.code}/tickets", {"category": "social", "source": "phone", "phone": "123"},
               content_type="application/json")
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "phone"
    ok = issue(c, hall, source="phone", phone="13812345678")
    assert ok["number"] == "A001"
    r = c.post(f"/api/v1/halls/{hall.code}/tickets", {"category": "business", "source": "phone", "phone": "13812345678"},
               content_type="application/json")
    assert r.status_code == 409


def test_bookings_not_checked_in_expire_after_their_day(hall, client_for):
    from onewindow.core.access import Role
    from onewindow.hall.models import Appointment, AppointmentEvent
    from onewindow.hall.tasks import expire_appointments

    slot = _slot(hall, dt.time(11, 0))
    with clock.frozen(at(8, 0)):
        r = client_for(Role.CITIZEN).post("/api/v1/appointments", {"slot_id": slot.pk, "phone": "13700000001"},
                                          content_type="application/json")
        assert r.status_code == 201
    with clock.frozen(at(23, 0)):
        assert expire_appointments.call() == 0  # still its day
    with clock.frozen(at(8, 0, WEDNESDAY + dt.timedelta(days=1))):
        assert expire_appointments.call() == 1
    assert Appointment.objects.get().status == "expired"
    assert list(AppointmentEvent.objects.values_list("action", flat=True)) == ["booked", "expired"]
