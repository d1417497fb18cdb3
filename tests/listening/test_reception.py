"""Leader reception days: a manager publishes a day with slots; citizens book (signed in, one active booking per
day, capacity held, idempotent by key), cancel their own; staff mark attended or no-show and route the issue raised
as a suggestion (channel 局领导接访). The public list shows free places and no booker."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.errors import Conflict
from onewindow.feedback.models import Suggestion, VoiceChannel
from onewindow.listening.models import Booking, BookingEvent, BookingStatus, ReceptionDay, ReceptionSlot
from onewindow.listening.services import reception
from tests.listening.conftest import World, post_json

DAYS = "/api/v1/listening/reception/days"
BOOK = "/api/v1/listening/reception/bookings"


def _publish(world: World, capacity: int = 2, days_ahead: int = 3) -> ReceptionDay:
    day, _ = reception.day_publish(
        hall_id=world.hall.pk, held_on=clock.today() + dt.timedelta(days=days_ahead), leader_title="局长",
        department_id=world.other_dept.pk, actor=world.users["supervisor"],
        slots=[reception.SlotInput(dt.time(9), dt.time(10), capacity),
               reception.SlotInput(dt.time(10), dt.time(11), capacity)])
    return day


def _slot(day: ReceptionDay) -> ReceptionSlot:
    return day.slots.order_by("starts_at").first()  # type: ignore[return-value]


def test_a_supervisor_publishes_a_day_and_anyone_sees_its_free_places_without_bookers(world: World) -> None:
    future = (clock.today() + dt.timedelta(days=5)).isoformat()
    made = post_json(world.client("supervisor"), DAYS, {
        "hall": world.hall.pk, "held_on": future, "leader_title": "副局长", "department": world.other_dept.pk,
        "slots": [{"starts_at": "09:00", "ends_at": "10:00", "capacity": 3}]}, key="d-1")
    assert made.status_code == 201, made.content
    post_json(world.client("citizen"), BOOK, {"slot": made.json()["slots"][0]})
    from django.test import Client

    listed = Client().get(DAYS).json()
    assert listed[0]["slots"][0]["free"] == 2 and "citizen" not in str(listed)
    page = Client().get("/listening/reception/").content.decode()
    assert "副局长" in page and "林晓梅" not in page and "林*梅" not in page


def test_a_clerk_or_a_citizen_cannot_publish_a_day(world: World) -> None:
    body = {"hall": world.hall.pk, "held_on": (clock.today() + dt.timedelta(days=5)).isoformat(),
            "leader_title": "局长", "department": world.dept.pk,
            "slots": [{"starts_at": "09:00", "ends_at": "10:00", "capacity": 3}]}
    assert post_json(world.client("clerk"), DAYS, body).status_code == 403
    assert post_json(world.client("citizen"), DAYS, body).status_code == 403
    bad = post_json(world.client("head"), DAYS, {**body, "slots": [{"starts_at": "10:00", "ends_at": "09:00",
                                                                      "capacity": 3}]})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "slots"
    assert ReceptionDay.objects.count() == 0


def test_a_citizen_books_once_per_day_and_a_replayed_key_returns_the_same_booking(world: World) -> None:
    day = _publish(world)
    slots = list(day.slots.order_by("starts_at"))
    client = world.client("citizen")
    first = post_json(client, BOOK, {"slot": slots[0].pk}, key="b-1")
    again = post_json(client, BOOK, {"slot": slots[0].pk}, key="b-1")
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    second = post_json(client, BOOK, {"slot": slots[1].pk}, key="b-2")
    assert second.status_code == 409 and second.json()["errors"][0]["field"] == "slot"
    assert Booking.objects.count() == 1
    slots[0].refresh_from_db()
    assert slots[0].booked == 1


def test_a_full_slot_refuses_the_next_booking(world: World) -> None:
    slot = _slot(_publish(world, capacity=1))
    assert post_json(world.client("citizen"), BOOK, {"slot": slot.pk}).status_code == 201
    full = post_json(world.client("citizen2"), BOOK, {"slot": slot.pk})
    assert full.status_code == 409
    slot.refresh_from_db()
    assert slot.booked == 1 and Booking.objects.count() == 1


def test_staff_and_anonymous_callers_cannot_book(world: World) -> None:
    slot = _slot(_publish(world))
    from django.test import Client

    assert post_json(Client(), BOOK, {"slot": slot.pk}).status_code == 401
    assert post_json(world.client("clerk"), BOOK, {"slot": slot.pk}).status_code == 403
    assert Client().post("/listening/reception/book/", {"slot": slot.pk}).status_code == 302  # to the login page


def test_a_citizen_cancels_their_own_booking_and_the_place_is_freed_but_not_someone_elses(world: World) -> None:
    slot = _slot(_publish(world, capacity=1))
    booking_id = post_json(world.client("citizen"), BOOK, {"slot": slot.pk}).json()["id"]
    other = world.client("citizen2").post(f"{BOOK}/{booking_id}/cancel")
    assert other.status_code == 404
    assert world.client("citizen2").post(f"/listening/reception/bookings/{booking_id}/cancel/").status_code == 404
    done = world.client("citizen").post(f"{BOOK}/{booking_id}/cancel")
    assert done.status_code == 200 and done.json()["status"] == BookingStatus.CANCELLED
    slot.refresh_from_db()
    assert slot.booked == 0
    assert world.client("citizen").post(f"{BOOK}/{booking_id}/cancel").status_code == 409
    assert post_json(world.client("citizen2"), BOOK, {"slot": slot.pk}).status_code == 201
    assert list(BookingEvent.objects.filter(booking_id=booking_id).values_list("action", flat=True)) == [
        "booked", "cancelled"]


def test_staff_mark_attendance_and_route_the_issue_as_a_reception_suggestion(world: World) -> None:
    day = _publish(world)
    slot = _slot(day)
    booking_id = post_json(world.client("citizen"), BOOK, {"slot": slot.pk}).json()["id"]
    refused = world.client("citizen").post(f"{BOOK}/{booking_id}/attended")
    assert refused.status_code == 403
    early = post_json(world.client("clerk"), f"{BOOK}/{booking_id}/issue", {"category": "process", "text": "x"})
    assert early.status_code == 409
    clerk = world.client("clerk")
    assert clerk.post(f"{BOOK}/{booking_id}/attended").json()["status"] == BookingStatus.ATTENDED
    assert clerk.post(f"{BOOK}/{booking_id}/no_show").status_code == 409
    routed = post_json(clerk, f"{BOOK}/{booking_id}/issue", {"category": "process", "text": "施工许可审批慢"},
                       key="i-1")
    assert routed.status_code == 201, routed.content
    s = Suggestion.objects.get(number=routed.json()["suggestion"]["number"])
    assert s.channel == VoiceChannel.RECEPTION and s.department == world.dept
    desk = clerk.get(f"/api/v1/listening/reception/days/{day.pk}/bookings").json()
    assert desk["bookings"][0]["citizen"] == "林*梅"
    page = clerk.get(f"/listening/reception/desk/{day.pk}/").content.decode()
    assert "林*梅" in page and "林晓梅" not in page and s.number in page


def test_the_desk_pages_mark_no_show_and_the_citizen_page_books(world: World) -> None:
    day = _publish(world)
    slot = _slot(day)
    assert world.client("citizen").post("/listening/reception/book/", {"slot": slot.pk,
                                                                       "idempotency_key": "pb"}).status_code == 302
    booking = Booking.objects.get()
    page = world.client("citizen").get("/listening/reception/").content.decode()
    assert "取消预约" in page
    marked = world.client("clerk").post(f"/listening/reception/desk/bookings/{booking.pk}/no_show/",
                                        {"day": day.pk})
    assert marked.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW
    assert world.client("citizen").get("/listening/reception/desk/").status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_exceed_a_slots_capacity(world: World, make_user) -> None:  # type: ignore[no-untyped-def]
    slot = _slot(_publish(world, capacity=3))
    citizens: list[User] = [make_user(f"c{i}", Role.CITIZEN) for i in range(12)]
    barrier = threading.Barrier(len(citizens))
    outcomes: list[str] = []
    lock = threading.Lock()

    def work(user: User) -> None:
        try:
            barrier.wait(timeout=30)
            try:
                reception.booking_create(slot_id=slot.pk, actor=user, idempotency_key=f"k-{user.pk}")
                result = "ok"
            except Conflict:
                result = "full"
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(u,)) for u in citizens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("ok") == 3 and outcomes.count("full") == 9
    slot.refresh_from_db()
    assert slot.booked == 3 and Booking.objects.filter(slot=slot).count() == 3
