"""Counters and cached figures that cost no database round trip.

Two cache aliases (settings.CACHES) serve the hot path of public requests:

- ``ratelimit``: the counters behind ``core.security.rate_limit``. Process memory in the embedded default, so a
  rate-limited request makes no database query (the limits then hold per server process: with N processes a
  client may make up to N times the limit before every process refuses it); Redis when REDIS_URL is set, so one
  limit holds for the whole cluster. On Redis one call is one round trip (an atomic INCR that sets the expiry
  when it creates the key).
- ``figures``: figures worth keeping for a few seconds (public statistics, counts on a board), through
  ``cached_figure``. Process memory, or Redis with REDIS_URL.

Anything that every process must see even without Redis (a memo that outlives a restart, counters a citizen
could spread over processes to get more tries) belongs in the ``default`` cache (the database table, or Redis).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import BaseCache, caches

log = logging.getLogger(__name__)

RATELIMIT = "ratelimit"
FIGURES = "figures"

T = TypeVar("T")

# INCR, and set the window's expiry only when this call created the key: one atomic round trip.
_HIT_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""
_scripts: dict[int, Any] = {}
_MISSING = object()


def redis_client(cache: BaseCache) -> Any | None:
    """The redis-py client behind a Django RedisCache alias, or None for any other backend."""
    backend = getattr(cache, "_cache", None)
    get_client = getattr(backend, "get_client", None)
    if get_client is None or type(cache).__name__ != "RedisCache":
        return None
    return get_client(None, write=True)


def hit(key: str, per_seconds: int) -> int:
    """Count one event under ``key`` in a fixed window of ``per_seconds`` that starts with the first event, and
    return the count so far (1 for the first). Lives in the ``ratelimit`` cache."""
    cache = caches[RATELIMIT]
    client = redis_client(cache)
    if client is not None:
        script = _scripts.get(id(client))
        if script is None:
            script = _scripts.setdefault(id(client), client.register_script(_HIT_SCRIPT))
        return int(script(keys=[cache.make_and_validate_key(key)], args=[int(per_seconds)]))
    if cache.add(key, 1, timeout=per_seconds):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=per_seconds)
        return 1


def cached_figure(key: str, seconds: float, compute: Callable[[], T]) -> T:
    """``compute()`` at most once per ``seconds`` per process (per cluster with Redis); the value must pickle."""
    cache = caches[FIGURES]
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout=seconds)
    return value
