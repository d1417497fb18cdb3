"""Lists answer with a fixed number of queries; concurrent ratings of one service through one link make one first
rating (never a first rating and a follow-up: the same rating through the same link is a replay)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onewindow.core.access import Role
from onewindow.feedback.links import make_token, rating_url
from onewindow.feedback.models import Rating

pytestmark = pytest.mark.django_db


def _count(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_and_endpoints_do_not_grow_with_the_list(make_ticket, categories, client_for) -> None:
    supervisor = client_for(Role.SUPERVISOR)

    def add(n: int) -> None:
        for _ in range(n):
            t = make_ticket()
            Client().post(rating_url(target_kind="ticket", target_id=t.pk, channel="4"),
                          {"level": "dissatisfied", "reasons": ["213"], "identity": "anonymous"})
            Client().post("/api/v1/feedback/suggestions", {"category": "hall-env", "description": "座椅",
                                                          "phone": "13812345678"}, content_type="application/json")

    paths = ["/feedback/ratings/", "/feedback/rectifications/", "/feedback/suggestions/?state=",
             "/api/v1/feedback/ratings", "/api/v1/feedback/rectifications", "/api/v1/feedback/suggestions",
             "/open311/v2/requests.json", "/feedback/stats/"]
    add(1)
    for p in paths:  # warm the per-user caches (roles) so both counts see the same fixed cost
        _count(supervisor, p)
    few = {p: _count(supervisor, p) for p in paths}
    add(5)
    many = {p: _count(supervisor, p) for p in paths}
    assert many == few


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_ratings_of_one_service_make_one_first_rating(make_ticket) -> None:
    ticket = make_ticket()
    token = make_token(target_kind="ticket", target_id=ticket.pk, channel="4")
    barrier = threading.Barrier(4)
    codes: list[int] = []

    def rate() -> None:
        barrier.wait()
        r = Client().post("/api/v1/feedback/ratings", {"token": token, "level": "satisfied"},
                          content_type="application/json")
        codes.append(r.status_code)
        connection.close()

    threads = [threading.Thread(target=rate) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # the same rating through the same link: one first rating; the others are refused as a race or a replay
    assert list(Rating.objects.values_list("sequence", flat=True)) == [1]
    assert sorted(codes) == [201, 409, 409, 409]
