"""Hall fixtures: a small hall (two categories, three counters) open Mon–Fri 09:00–17:30, and a clock
frozen on a Wednesday morning."""

import datetime as dt
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from onewindow.catalog.models import WindowCategory
from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.hall.models import Counter, Hall, HallCategory, OpeningHours

TZ = ZoneInfo("Asia/Shanghai")
WEDNESDAY = dt.date(2026, 11, 25)


def at(hour: int, minute: int = 0, day: dt.date = WEDNESDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


@pytest.fixture
def frozen_morning() -> Iterator[None]:
    with clock.frozen(at(10, 0)):
        yield


@pytest.fixture
def hall(db: None) -> Hall:
    h = Hall.objects.create(code="testhall", name="测试行政服务中心", no_lunch_break=True)
    for wd in range(5):
        OpeningHours.objects.create(hall=h, weekday=wd, opens=dt.time(9), closes=dt.time(17, 30))
    social, _ = WindowCategory.objects.get_or_create(code="social", defaults={"name": "社会民生", "default_ticket_prefix": "A"})
    business, _ = WindowCategory.objects.get_or_create(code="business", defaults={"name": "经营管理", "default_ticket_prefix": "B"})
    a = HallCategory.objects.create(hall=h, category=social, prefix="A", default_service_minutes=6)
    b = HallCategory.objects.create(hall=h, category=business, prefix="B", default_service_minutes=10)
    c1 = Counter.objects.create(hall=h, number=1, name="社会民生")
    c1.categories.set([a])
    c2 = Counter.objects.create(hall=h, number=2, name="经营管理")
    c2.categories.set([b])
    c5 = Counter.objects.create(hall=h, number=5, name="综合")
    c5.categories.set([a, b])
    return h


def counter(hall: Hall, number: int) -> Counter:
    return Counter.objects.get(hall=hall, number=number)


@pytest.fixture
def clerk_at(client_for: Callable[..., Client]) -> Callable[[Counter], Client]:
    """clerk_at(counter) → a signed-in clerk client that has signed in at that counter."""

    def make(c: Counter) -> Client:
        client = client_for(Role.CLERK)
        r = client.post(f"/api/v1/counters/{c.pk}/sign-in")
        assert r.status_code == 201, r.content
        client.counter = c  # type: ignore[attr-defined]
        return client

    return make


def pairing_path(staff: Client, c: Counter) -> str:
    """The pairing address a clerk signed in at `c` (or a hall administrator) is shown, as a path."""
    import re
    from urllib.parse import urlparse

    page = staff.get(f"/hall/counters/{c.pk}/pads/")
    assert page.status_code == 200, page.status_code
    found = re.search(r'data-testid="pad-pairing-link">([^<]+)<', page.content.decode())
    assert found, "no pairing link on the page"
    return urlparse(found.group(1)).path


def pair_pad(staff: Client, c: Counter) -> Client:
    """A fresh browser paired as the rating pad of counter `c` by `staff`."""
    pad = Client()
    response = pad.post(pairing_path(staff, c))
    assert response.status_code == 302 and response["Location"] == f"/hall/counters/{c.pk}/pad/", response
    return pad


def issue(client: Client, hall: Hall, category: str = "social", **extra: object) -> dict:
    r = client.post(f"/api/v1/halls/{hall.code}/tickets", {"category": category, **extra}, content_type="application/json")
    assert r.status_code == 201, r.content
    return r.json()


def call_next(clerk: Client) -> dict | None:
    r = clerk.post(f"/api/v1/counters/{clerk.counter.pk}/call-next")  # type: ignore[attr-defined]
    assert r.status_code == 200, r.content
    return r.json()["ticket"]


def act(clerk: Client, action: str, body: dict | None = None, status: int = 200) -> dict:
    r = clerk.post(f"/api/v1/counters/{clerk.counter.pk}/{action}", body or {}, content_type="application/json")  # type: ignore[attr-defined]
    assert r.status_code == status, r.content
    return r.json()


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _kiosk_network_not_rate_limited(settings) -> None:
    """The test client's address plays the hall's own kiosk network (tests/security checks the limit)."""
    settings.RATE_LIMIT_EXEMPT = ["127.0.0.0/8"]


@pytest.fixture(autouse=True)
def _kiosks_are_not_rate_limited(settings) -> None:
    """The hall's own kiosks are exempt from the public rate limit (ONEWINDOW_RATE_LIMIT_EXEMPT); the tests
    issue hundreds of tickets from 127.0.0.1 the way a kiosk does."""
    settings.RATE_LIMIT_EXEMPT = ["127.0.0.0/8"]
