"""Every ticket, clerk-state and appointment move goes through core.events.transition(): one event row naming who
did it, the shared 409 wording when the move is not allowed (nothing changed), and the audit log kept for the
clerk's own acts while the queue's own moves are recorded only in their event tables."""

import pytest
from django.test import Client

from onewindow.core.audit import AuditEntry
from onewindow.hall.models import ClerkSession, ClerkStateEvent, Ticket, TicketEvent
from tests.hall.conftest import act, call_next, counter, issue

pytestmark = pytest.mark.django_db


def test_a_called_ticket_cannot_be_cancelled_and_says_why_in_the_shared_wording(hall, frozen_morning, clerk_at):
    holder = Client()
    t = issue(holder, hall)
    call_next(clerk_at(counter(hall, 1)))
    holder.post(f"/hall/t/{t['token']}/")
    page = holder.get(f"/hall/t/{t['token']}/").content.decode()
    assert "A001当前状态为「已叫号」，不能取消" in page
    assert Ticket.objects.get(pk=t["id"]).status == "called"
    assert list(TicketEvent.objects.values_list("action", flat=True)) == ["issued", "called"]


def test_ticket_events_name_the_clerk_and_the_moves_and_stay_out_of_the_audit_log(hall, frozen_morning, clerk_at):
    issue(Client(), hall)
    clerk = clerk_at(counter(hall, 1))
    call_next(clerk)
    act(clerk, "finish", {"items_handled": "城乡居民医保参保登记"})
    rows = list(TicketEvent.objects.values_list("action", "from_status", "to_status", "actor", "actor_label",
                                                "reason", "counter__number"))
    user = clerk.user  # type: ignore[attr-defined]
    assert rows == [("issued", "", "waiting", None, "", "", None),
                    ("called", "waiting", "called", user.pk, user.profile.display_name, "", 1),
                    ("finished", "called", "finished", user.pk, user.profile.display_name, "城乡居民医保参保登记", 1)]
    assert not AuditEntry.objects.filter(target_type="hall.ticket").exists()


def test_the_clerks_own_acts_are_audited_and_the_queues_moves_are_not(hall, frozen_morning, clerk_at):
    issue(Client(), hall)
    clerk = clerk_at(counter(hall, 1))
    call_next(clerk)
    act(clerk, "finish")
    assert clerk.post("/api/v1/clerk/state", {"state": "break"}, content_type="application/json").status_code == 200
    assert clerk.post("/api/v1/clerk/sign-out").status_code == 200
    assert list(ClerkStateEvent.objects.values_list("action", "from_status", "to_status")) == [
        ("sign_in", "", "available"), ("break", "available", "break"), ("sign_out", "break", "signed_out")]
    audited = list(AuditEntry.objects.filter(target_type="hall.clerksession").order_by("id")
               .values_list("action", flat=True))
    assert audited == ["clerksession.sign_in", "clerksession.break", "clerksession.sign_out"]


def test_a_booking_cancelled_twice_is_refused_the_second_time(hall, client_for):
    import datetime as dt

    from onewindow.core import clock
    from onewindow.core.access import Role
    from onewindow.hall.models import AppointmentEvent, AppointmentSlot, HallCategory
    from tests.hall.conftest import WEDNESDAY, at

    slot = AppointmentSlot.objects.create(hall=hall, category=HallCategory.objects.get(hall=hall, prefix="A"),
                                          date=WEDNESDAY, start=dt.time(11), end=dt.time(11, 30), capacity=2)
    citizen = client_for(Role.CITIZEN)
    with clock.frozen(at(9, 0)):
        booking = citizen.post("/api/v1/appointments", {"slot_id": slot.pk, "phone": "13800000001"},
                               content_type="application/json").json()
        assert citizen.post(f"/api/v1/appointments/{booking['id']}/cancel").status_code == 200
        again = citizen.post(f"/api/v1/appointments/{booking['id']}/cancel")
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "status"
    assert "当前状态为「已取消」" in again.json()["detail"]
    assert list(AppointmentEvent.objects.values_list("action", "actor")) == [
        ("booked", citizen.user.pk), ("cancelled", citizen.user.pk)]  # type: ignore[attr-defined]
    slot.refresh_from_db()
    assert slot.booked == 0  # given back once


def test_calling_and_finishing_write_no_clerk_rows_but_a_call_ends_a_break(hall, frozen_morning, clerk_at):
    """A call and a finish write ticket events only (the counter's current ticket says it serves); a clerk on a
    break who calls someone is back at work, and a session an older version left `serving` is freed."""
    issue(Client(), hall)
    issue(Client(), hall)
    clerk = clerk_at(counter(hall, 1))
    assert clerk.post("/api/v1/clerk/state", {"state": "break"}, content_type="application/json").status_code == 200
    call_next(clerk)
    act(clerk, "finish")
    ClerkSession.objects.update(state="serving")  # as an older version left it mid-ticket
    call_next(clerk)
    act(clerk, "finish")
    assert list(ClerkStateEvent.objects.values_list("action", "to_status")) == [
        ("sign_in", "available"), ("break", "break"), ("resume", "available"), ("free", "available")]
    assert ClerkSession.objects.get().state == "available"
