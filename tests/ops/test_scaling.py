"""Scale-out switches (issue 15): which backends REDIS_URL selects, rate limits without database round trips,
read-your-writes with a report replica, and the real Redis path (skipped when no Redis answers on 6379)."""

from __future__ import annotations

import importlib.util
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from django.core.cache import caches
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from onewindow.core import live
from onewindow.core.cache import cached_figure, hit
from onewindow.core.dbrouter import PRIMARY_COOKIE
from onewindow.core.security import RateLimited, rate_limit

SETTINGS_FILE = Path(sys.modules["onewindow.settings"].__file__ or "")
REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


def _settings_with(monkeypatch: pytest.MonkeyPatch, **env: str) -> ModuleType:
    """settings.py evaluated afresh under the given environment (the running settings stay as they are)."""
    for name in ("REDIS_URL", "DATABASE_REPLICA_URL", "ONEWINDOW_CACHE_BACKEND", "ONEWINDOW_TASKS_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(f"settings_probe_{secrets.token_hex(4)}", SETTINGS_FILE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _redis_or_skip() -> object:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return client


# --------------------------------------------------------------------------- settings selection


def test_without_redis_url_the_embedded_default_needs_only_the_database(monkeypatch) -> None:
    s = _settings_with(monkeypatch)
    assert s.REDIS_URL == ""
    assert s.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert s.CACHES["ratelimit"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s.CACHES["figures"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert s.SESSION_ENGINE == "onewindow.core.session_auth"  # the database, session and user read together
    assert "django_rq" not in s.INSTALLED_APPS and "replica" not in s.DATABASES


def test_redis_url_puts_caches_sessions_rate_limits_and_tasks_on_redis(monkeypatch) -> None:
    s = _settings_with(monkeypatch, REDIS_URL="redis://127.0.0.1:6390/3")
    for alias in ("default", "ratelimit", "figures"):
        assert s.CACHES[alias]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        assert s.CACHES[alias]["LOCATION"] == "redis://127.0.0.1:6390/3"
    assert len({s.CACHES[a]["KEY_PREFIX"] for a in s.CACHES}) == 3  # the aliases never share a key
    assert s.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    assert s.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert s.RQ_QUEUES["default"]["URL"] == "redis://127.0.0.1:6390/3"
    assert "django_rq" in s.INSTALLED_APPS


def test_a_replica_url_adds_the_replica_alias_mirrored_in_tests(monkeypatch) -> None:
    s = _settings_with(monkeypatch, DATABASE_REPLICA_URL="postgres://report@127.0.0.1:5433/onewindow")
    assert s.DATABASES["replica"]["PORT"] == 5433
    assert s.DATABASES["replica"]["TEST"] == {"MIRROR": "default"}
    assert s.READ_YOUR_WRITES_SECONDS > 0


# --------------------------------------------------------------------------- rate limits: the fast path


@pytest.mark.django_db
def test_rate_limiting_on_the_embedded_fast_path_makes_no_database_query() -> None:
    request = RequestFactory().post("/api/v1/feedback/suggestions/lookup", REMOTE_ADDR="198.51.100.40")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            rate_limit(request, scope="test.fast", limit=3, per_seconds=60, keys={"phone:abc": 5})
        with pytest.raises(RateLimited):
            rate_limit(request, scope="test.fast", limit=3, per_seconds=60)
    assert queries.captured_queries == []
    # another address has its own count
    rate_limit(RequestFactory().post("/", REMOTE_ADDR="198.51.100.41"), scope="test.fast", limit=3, per_seconds=60)


@pytest.mark.django_db
def test_a_rate_limited_public_request_spends_no_query_on_its_limit() -> None:
    client = Client(REMOTE_ADDR="198.51.100.42")
    body = {"number": "S-NOPE", "phone_last4": "1234"}
    statuses = []
    for _ in range(21):  # feedback.lookup: 20 per 5 minutes per address
        with CaptureQueriesContext(connection) as queries:
            r = client.post("/api/v1/feedback/suggestions/lookup", body, content_type="application/json")
        statuses.append(r.status_code)
        assert not [q["sql"] for q in queries.captured_queries if "onewindow_cache" in q["sql"]]
    assert statuses[-1] == 429 and 429 not in statuses[:-1]


def test_a_counter_window_starts_with_its_first_hit_and_expires() -> None:
    from django.core.cache import caches

    assert [hit("rl:test.window", 60) for _ in range(3)] == [1, 2, 3]
    caches["ratelimit"].delete("rl:test.window")
    assert hit("rl:test.window", 60) == 1


def test_a_cached_figure_is_computed_once_while_it_lives() -> None:
    calls = []

    def compute() -> int:
        calls.append(1)
        return 42

    assert cached_figure("test:figure", 30, compute) == 42
    assert cached_figure("test:figure", 30, compute) == 42
    assert len(calls) == 1


def test_without_redis_the_live_board_push_degrades_to_nothing(settings) -> None:
    settings.REDIS_URL = ""
    assert not live.enabled()
    assert live.publish("hall:test:board", {"n": 1}) is False
    assert live.last("hall:test:board") is None
    assert list(live.listen("hall:test:board", seconds=0.1)) == []


# --------------------------------------------------------------------------- read your writes (report replica)


@pytest.fixture
def replica(transactional_db: None, settings) -> Iterator[str]:
    """A second alias, "replica", that is a separate connection to the same test database: queries captured on
    it are the marker that a read went to the replica."""
    default = connections["default"]
    wrapper = type(default)(dict(default.settings_dict), alias="replica")
    setattr(connections._connections, "replica", wrapper)  # noqa: B010 — a connection made in the test
    with pytest.warns(UserWarning, match="DATABASES"):
        settings.DATABASES = {**settings.DATABASES, "replica": wrapper.settings_dict}
    settings.READ_YOUR_WRITES_SECONDS = 15
    try:
        yield "replica"
    finally:
        wrapper.close()
        delattr(connections._connections, "replica")


def _reads(client: Client, path: str) -> tuple[int, int, int]:
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections["replica"]) as replica:
        r = client.get(path)
    return r.status_code, len(primary.captured_queries), len(replica.captured_queries)


def test_public_statistics_read_the_replica_until_the_browser_writes_then_its_own_write_from_the_primary(
        replica) -> None:
    stats = "/supervision/public/ranking/"
    reader, writer = Client(), Client()
    status, on_primary, on_replica = _reads(reader, stats)
    assert status == 200 and on_replica > 0 and on_primary == 0

    r = writer.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})  # any write that succeeds
    assert r.status_code == 302 and writer.cookies[PRIMARY_COOKIE]["max-age"] == 15
    status, on_primary, on_replica = _reads(writer, stats)
    assert status == 200 and on_primary > 0 and on_replica == 0  # the writer reads its own write

    status, on_primary, on_replica = _reads(reader, stats)  # everybody else still reads the replica
    assert on_replica > 0 and on_primary == 0


def test_a_refused_write_does_not_pin_reads_to_the_primary(replica) -> None:
    client = Client()
    r = client.post("/api/v1/feedback/suggestions/lookup", {"number": "x"}, content_type="application/json")
    assert r.status_code >= 400 and PRIMARY_COOKIE not in client.cookies
    assert not Client().get("/supervision/public/ranking/").cookies.get(PRIMARY_COOKIE)


def test_without_a_replica_no_cookie_is_set(db) -> None:
    client = Client()
    assert client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}).status_code == 302
    assert PRIMARY_COOKIE not in client.cookies


def test_sessions_and_the_database_cache_are_never_read_from_the_replica(settings) -> None:
    from django.contrib.sessions.models import Session

    from onewindow.core.dbrouter import ReportReplicaRouter, report_reads
    from onewindow.core.models import UserSession

    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}
    with report_reads():
        assert ReportReplicaRouter().db_for_read(Session) is None
        assert ReportReplicaRouter().db_for_read(UserSession) is None


# --------------------------------------------------------------------------- the real Redis


@pytest.fixture
def on_redis(settings) -> Iterator[object]:
    client = _redis_or_skip()
    prefix = f"owtest{secrets.token_hex(4)}"
    settings.REDIS_URL = REDIS_TEST_URL
    settings.CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_TEST_URL,
                "KEY_PREFIX": f"{prefix}:{alias}"}
        for alias in ("default", "ratelimit", "figures")
    }
    try:
        yield client
    finally:
        for key in client.scan_iter(match=f"{prefix}:*"):  # type: ignore[attr-defined]
            client.delete(key)  # type: ignore[attr-defined]
        for key in client.scan_iter(match="ow:live:test-*"):  # type: ignore[attr-defined]
            client.delete(key)  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_with_redis_rate_limits_count_in_redis_with_their_window_and_no_query(on_redis) -> None:
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.50")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(2):
            rate_limit(request, scope="test.redis", limit=2, per_seconds=120)
        with pytest.raises(RateLimited):
            rate_limit(request, scope="test.redis", limit=2, per_seconds=120)
    assert queries.captured_queries == []
    key = caches["ratelimit"].make_and_validate_key("rl:test.redis:198.51.100.50")
    assert int(on_redis.get(key)) == 3  # type: ignore[attr-defined]
    assert 0 < on_redis.ttl(key) <= 120  # type: ignore[attr-defined]


def test_with_redis_cached_figures_and_the_default_cache_live_in_redis(on_redis) -> None:
    assert cached_figure("test:fig", 30, lambda: {"waiting": 7}) == {"waiting": 7}
    assert cached_figure("test:fig", 30, lambda: {"waiting": 8}) == {"waiting": 7}
    assert on_redis.exists(caches["figures"].make_and_validate_key("test:fig"))  # type: ignore[attr-defined]
    caches["default"].set("test:shared", "seen by every process")
    assert on_redis.exists(caches["default"].make_and_validate_key("test:shared"))  # type: ignore[attr-defined]


def test_with_redis_the_board_push_reaches_a_listener_and_keeps_the_last_value(on_redis) -> None:
    import threading
    import time

    received: list[object] = []

    def listen() -> None:
        for payload in live.listen("test-board", seconds=3, tick=0.5):
            if payload is not None:
                received.append(payload)
                return

    listener = threading.Thread(target=listen)
    listener.start()
    time.sleep(0.3)  # subscribed
    assert live.publish("test-board", {"calling": "A001", "counter": 3})
    listener.join(5)
    assert received == [{"calling": "A001", "counter": 3}]
    assert live.last("test-board") == {"calling": "A001", "counter": 3}
    stream = live.sse_stream("test-board", seconds=0.1)
    assert next(stream).startswith(b"retry:")
    assert next(stream) == b'data: {"calling": "A001", "counter": 3}\n\n'
