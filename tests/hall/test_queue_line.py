"""The people ahead of a ticket come from the line each server process keeps (hall.queue_line): no count over the
waiting tickets per request, this process's moves seen at once, another process's within LINE_SECONDS."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onewindow.core import clock
from onewindow.hall import queue_line
from onewindow.hall.models import Ticket
from tests.hall.conftest import act, at, call_next, counter, issue

pytestmark = pytest.mark.django_db


def _counts(sql: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in sql.captured_queries if "COUNT(" in (q["sql"] or "").upper()]


def test_issuing_and_following_a_ticket_count_nothing_over_the_waiting_tickets(hall, frozen_morning):
    for _ in range(3):
        issue(Client(), hall)
    with CaptureQueriesContext(connection) as sql:
        fourth = issue(Client(), hall)
        follow = Client().get(f"/api/v1/tickets/{fourth['token']}").json()
        page = Client().get(reverse("hall:follow", args=[fourth["token"]]))
    assert (fourth["ahead"], follow["ahead"]) == (3, 3)
    assert page.status_code == 200
    assert not [q for q in _counts(sql) if "hall_ticket" in q], _counts(sql)


def test_a_follow_poll_reads_the_ticket_and_nothing_else_about_the_line(hall, frozen_morning):
    issue(Client(), hall)
    second = issue(Client(), hall)
    Client().get(f"/api/v1/tickets/{second['token']}")
    with CaptureQueriesContext(connection) as sql:
        again = Client().get(f"/api/v1/tickets/{second['token']}").json()
    assert again["ahead"] == 1
    ticket_reads = [q["sql"] for q in sql.captured_queries if '"hall_ticket"' in (q["sql"] or "")]
    assert len(ticket_reads) == 1, ticket_reads  # the ticket by its token; the line is already in memory


def test_calls_transfers_requeues_and_cancels_move_the_line_at_once(hall, frozen_morning, clerk_at, settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "NO_SHOW_POLICY": "requeue_once"}
    tickets = [issue(Client(), hall) for _ in range(4)]  # A001..A004
    last = tickets[3]["token"]

    def ahead() -> int:
        return Client().get(f"/api/v1/tickets/{last}").json()["ahead"]

    assert ahead() == 3
    one = clerk_at(counter(hall, 1))
    with clock.frozen(at(10, 5)):
        assert call_next(one)["number"] == "A001"
    assert ahead() == 2
    with clock.frozen(at(10, 6)):
        act(one, "no-show")  # A001 goes to the back of the line: behind A004
    assert ahead() == 2
    assert Client().get(f"/api/v1/tickets/{tickets[0]['token']}").json()["ahead"] == 3
    Client().post(reverse("hall:follow", args=[tickets[1]["token"]]))  # the holder cancels
    assert Ticket.objects.get(pk=tickets[1]["id"]).status == "cancelled"
    assert ahead() == 1
    with clock.frozen(at(10, 7)):
        assert call_next(one)["number"] == "A003"
        act(one, "transfer", {"to_category": "business"})  # A003 leaves the social line for the business one
    assert ahead() == 0


def test_a_move_made_by_another_process_shows_once_the_line_is_read_again(hall, frozen_morning, monkeypatch):
    first = issue(Client(), hall)
    second = issue(Client(), hall)
    assert Client().get(f"/api/v1/tickets/{second['token']}").json()["ahead"] == 1
    # another server process called A001: this process's line does not know yet
    Ticket.objects.filter(pk=first["id"]).update(status="called")
    assert Client().get(f"/api/v1/tickets/{second['token']}").json()["ahead"] == 1
    monkeypatch.setattr(queue_line, "LINE_SECONDS", 0.0)  # LINE_SECONDS later
    assert Client().get(f"/api/v1/tickets/{second['token']}").json()["ahead"] == 0


def test_a_priority_ticket_goes_ahead_of_normal_ones_in_the_line(hall, frozen_morning):
    normal = issue(Client(), hall)
    with clock.frozen(at(10, 1)):
        elderly = issue(Client(), hall, priority_reason="elderly")
    assert elderly["ahead"] == 0
    assert Client().get(f"/api/v1/tickets/{normal['token']}").json()["ahead"] == 1
