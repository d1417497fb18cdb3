"""The queue's hot reads are SQL written once (hall.queue_selectors): they must answer what the querysets they
replaced answered — the clerk named as before, only the counter's own clerk acting, the right ticket next."""

import pytest
from django.test import Client

from onewindow.core.access import Role
from onewindow.core.models import Profile
from onewindow.hall.models import Ticket, TicketEvent
from tests.hall.conftest import act, call_next, counter, issue

pytestmark = pytest.mark.django_db


def test_events_name_the_clerk_by_the_profiles_display_name_or_else_the_username(hall, frozen_morning, clerk_at):
    issue(Client(), hall)
    issue(Client(), hall, "business")
    named = clerk_at(counter(hall, 1))
    Profile.objects.filter(user=named.user).update(display_name="王窗口")  # type: ignore[attr-defined]
    unnamed = clerk_at(counter(hall, 2))
    Profile.objects.filter(user=unnamed.user).delete()  # type: ignore[attr-defined]
    for clerk in (named, unnamed):
        call_next(clerk)
        act(clerk, "finish")
    labels = list(TicketEvent.objects.exclude(action="issued").order_by("id").values_list("action", "actor_label"))
    username = unnamed.user.username  # type: ignore[attr-defined]
    assert labels == [("called", "王窗口"), ("finished", "王窗口"), ("called", username), ("finished", username)]


def test_a_clerk_signed_in_elsewhere_cannot_finish_or_recall_another_counters_ticket(hall, frozen_morning, clerk_at):
    issue(Client(), hall)
    owner = clerk_at(counter(hall, 1))
    ticket = call_next(owner)
    other = clerk_at(counter(hall, 2))
    for action in ("finish", "recall", "start", "no-show"):
        r = other.post(f"/api/v1/counters/{counter(hall, 1).pk}/{action}", {}, content_type="application/json")
        assert r.status_code == 403, (action, r.content)
    assert Ticket.objects.get(pk=ticket["id"]).status == "called"
    assert act(owner, "finish")["status"] == "finished"


def test_a_staff_member_not_signed_in_at_the_counter_is_refused_its_call(hall, frozen_morning, client_for):
    issue(Client(), hall)
    stranger = client_for(Role.CLERK)
    r = stranger.post(f"/api/v1/counters/{counter(hall, 1).pk}/call-next")
    assert r.status_code == 409  # nobody is signed in there
    assert Ticket.objects.get().status == "waiting"


def test_a_clerk_signed_in_elsewhere_is_refused_a_call_at_another_counter_and_the_ticket_stays_waiting(
        hall, frozen_morning, clerk_at):
    issue(Client(), hall)
    owner = clerk_at(counter(hall, 1))
    other = clerk_at(counter(hall, 2))
    # on PostgreSQL the session read and the claim are one statement: the claim it made is rolled back
    r = other.post(f"/api/v1/counters/{counter(hall, 1).pk}/call-next")
    assert r.status_code == 403, r.content
    assert Ticket.objects.get().status == "waiting"
    called = call_next(owner)
    assert called is not None and called["counter"] == 1


def test_call_next_answers_the_ticket_with_its_category_and_counter(hall, frozen_morning, clerk_at):
    issue(Client(), hall, "business")
    clerk = clerk_at(counter(hall, 5))
    called = call_next(clerk)
    assert called is not None
    assert (called["number"], called["category"], called["category_name"], called["counter"], called["status"]) == (
        "B001", "business", "经营管理", 5, "called")
    finished = act(clerk, "finish")
    assert (finished["category"], finished["counter"], finished["token"]) == ("business", 5, "")


def test_a_ticket_sent_to_one_counter_is_called_there_before_a_later_one_of_its_category(hall, clerk_at):
    from onewindow.core import clock
    from tests.hall.conftest import at

    with clock.frozen(at(10, 0)):
        issue(Client(), hall)
    with clock.frozen(at(10, 1)):
        issue(Client(), hall)
    one, five = clerk_at(counter(hall, 1)), clerk_at(counter(hall, 5))
    with clock.frozen(at(10, 2)):
        first = call_next(one)
        act(one, "transfer", {"to_counter": counter(hall, 5).pk})
    with clock.frozen(at(10, 3)):
        assert call_next(five)["number"] == first["number"]  # type: ignore[index]
        assert call_next(one)["number"] == "A002"  # type: ignore[index]


def test_people_ahead_count_priority_first_then_earlier_tickets(hall, clerk_at):
    from onewindow.core import clock
    from tests.hall.conftest import at

    with clock.frozen(at(10, 0)):
        issue(Client(), hall)
    with clock.frozen(at(10, 1)):
        elderly = issue(Client(), hall, priority_reason="elderly")
    with clock.frozen(at(10, 2)):
        late = issue(Client(), hall)
    assert elderly["ahead"] == 0
    assert late["ahead"] == 2
    follow = Client().get(f"/api/v1/tickets/{late['token']}").json()
    assert follow["ahead"] == 2
