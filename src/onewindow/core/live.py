"""Live updates (the hall's display board) pushed through Redis publish/subscribe when REDIS_URL is set.

Without Redis every function here degrades to nothing: ``publish`` does nothing, ``last`` answers None and
``listen`` ends at once, so the caller falls back to what it did before (the board polls and reads the
database). Redis trouble never fails the caller: a ticket is called whether or not a board hears of it.

- ``publish(channel, payload)``: keep ``payload`` as the channel's last value (for ``last_seconds``) and send it
  to every listener. Call it after the transaction commits (``transaction.on_commit``).
- ``last(channel)``: the last value published, or None: a poller reads it with one Redis GET, no database query.
- ``listen(channel)``: the values published from now on, and None every ``tick`` seconds so a stream can send a
  keep-alive; it ends after ``seconds`` (the browser's EventSource reconnects by itself).
- ``sse_stream(channel)``: the same as Server-Sent Events, for a ``StreamingHttpResponse``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)

_lock = threading.Lock()
_client: Any = None
_client_url = ""


def _redis() -> Any | None:
    global _client, _client_url
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    if _client is None or _client_url != url:
        with _lock:
            if _client is None or _client_url != url:
                import redis

                _client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5,
                                               health_check_interval=30)
                _client_url = url
    return _client


def enabled() -> bool:
    return bool(getattr(settings, "REDIS_URL", ""))


def _key(channel: str) -> str:
    return f"ow:live:{channel}"


def publish(channel: str, payload: dict[str, Any], *, last_seconds: int = 60) -> bool:
    """Send ``payload`` to the channel's listeners and keep it as its last value. True when Redis took it."""
    client = _redis()
    if client is None:
        return False
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)
    try:
        with client.pipeline(transaction=False) as pipe:
            pipe.set(_key(channel) + ":last", data, ex=last_seconds)
            pipe.publish(_key(channel), data)
            pipe.execute()
    except Exception:
        log.warning("live: could not publish on %s", channel, exc_info=True)
        return False
    return True


def forget(channel: str) -> None:
    """Drop the channel's last value (the next poller recomputes it)."""
    client = _redis()
    if client is None:
        return
    try:
        client.delete(_key(channel) + ":last")
    except Exception:
        log.warning("live: could not forget %s", channel, exc_info=True)


def last(channel: str) -> dict[str, Any] | None:
    client = _redis()
    if client is None:
        return None
    try:
        data = client.get(_key(channel) + ":last")
    except Exception:
        log.warning("live: could not read %s", channel, exc_info=True)
        return None
    return json.loads(data) if data else None


def listen(channel: str, *, seconds: float = 300, tick: float = 15) -> Iterator[dict[str, Any] | None]:
    """Yield each payload published on ``channel`` from now on, and None every ``tick`` seconds without one."""
    client = _redis()
    if client is None:
        return
    try:
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(_key(channel))
    except Exception:
        log.warning("live: could not subscribe to %s", channel, exc_info=True)
        return
    deadline = time.monotonic() + seconds
    quiet_since = time.monotonic()
    try:
        while time.monotonic() < deadline:
            message = pubsub.get_message(timeout=min(1.0, tick))
            if message and message.get("type") == "message":
                quiet_since = time.monotonic()
                yield json.loads(message["data"])
            elif time.monotonic() - quiet_since >= tick:
                quiet_since = time.monotonic()
                yield None
    except Exception:
        log.warning("live: subscription to %s broke off", channel, exc_info=True)
    finally:
        with contextlib.suppress(Exception):
            pubsub.close()


def sse_stream(channel: str, *, seconds: float = 300, tick: float = 15) -> Iterator[bytes]:
    """Server-Sent Events: the channel's last value first (if any), then each value published, with a comment
    line as keep-alive. Ends after ``seconds``; EventSource reconnects by itself (``retry`` 2 s)."""
    yield b"retry: 2000\n\n"
    current = last(channel)
    if current is not None:
        yield b"data: " + json.dumps(current, ensure_ascii=False).encode() + b"\n\n"
    for payload in listen(channel, seconds=seconds, tick=tick):
        if payload is None:
            yield b": keep-alive\n\n"
        else:
            yield b"data: " + json.dumps(payload, ensure_ascii=False).encode() + b"\n\n"
