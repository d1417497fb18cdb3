"""The live board: with Redis each queue move publishes the board once; without Redis the board polls."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

import pytest
from django.test import Client

from onewindow.core import live
from onewindow.hall.live import board_channel
from onewindow.hall.models import Hall

from .conftest import counter

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def on_redis(settings) -> Iterator[object]:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    settings.REDIS_URL = REDIS_TEST_URL
    yield client
    for key in client.scan_iter(match="ow:live:hall:*"):
        client.delete(key)


def _take_and_call(hall: Hall, clerk_at: Callable) -> str:
    ticket = Client().post(f"/api/v1/halls/{hall.code}/tickets", {"category": "social"},
                           content_type="application/json").json()
    clerk = clerk_at(counter(hall, 1))
    called = clerk.post(f"/api/v1/counters/{counter(hall, 1).pk}/call-next")
    assert called.status_code == 200, called.content
    return ticket["number"]


@pytest.mark.django_db(transaction=True)
def test_with_redis_a_call_publishes_the_board_and_pollers_read_it_from_redis(
        hall: Hall, frozen_morning: None, clerk_at: Callable, on_redis: object, django_assert_max_num_queries) -> None:
    hall.code = f"h{secrets.token_hex(3)}"
    hall.save()
    number = _take_and_call(hall, clerk_at)
    published = live.last(board_channel(hall))
    assert published is not None and published["calls"][0]["number"] == number
    with django_assert_max_num_queries(2):  # the hall and its hours; the board itself comes from Redis
        answer = Client().get(f"/api/v1/halls/{hall.code}/board").json()
    assert answer["calls"][0]["number"] == number
    page = Client().get(f"/hall/{hall.code}/board/")
    assert b"data-stream=" in page.content
    stream = Client().get(f"/hall/{hall.code}/board/stream/")
    assert stream.status_code == 200 and stream["Content-Type"] == "text/event-stream"


@pytest.mark.django_db
def test_without_redis_the_board_polls_the_database_and_offers_no_stream(
        hall: Hall, frozen_morning: None, clerk_at: Callable, settings) -> None:
    settings.REDIS_URL = ""
    number = _take_and_call(hall, clerk_at)
    assert Client().get(f"/api/v1/halls/{hall.code}/board").json()["calls"][0]["number"] == number
    assert b"data-stream=" not in Client().get(f"/hall/{hall.code}/board/").content
    assert Client().get(f"/hall/{hall.code}/board/stream/").status_code == 404
