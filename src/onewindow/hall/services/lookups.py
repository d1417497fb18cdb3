"""The hall, window category and counter a request names, or a ServiceError naming the field.

Every kiosk ticket names its hall and category and every counter action its counter, so these lookups run on
each request of the queue's hot path. A hall's setup (the hall, its opening hours, its active categories) and
a counter's (the counter, its hall, the categories it serves) change a few times a year, so they are kept in
the ``figures`` cache (core.cache: process memory, or Redis with REDIS_URL) for CONFIG_SECONDS. A change saved
in this process (the admin, services.setup, a test) drops them at once through the signals below; another
server process sees it within CONFIG_SECONDS (+ LOCAL_SECONDS).

In front of that cache each process keeps the objects themselves for LOCAL_SECONDS: the figures cache hands out
a fresh copy on every read (it unpickles the hall with its hours, the categories, the counter), and a queue
cycle asks six times; those reads were a twentieth of the server's CPU per cycle (docs/operations.md "Hot
paths"). The objects are therefore shared between the requests of a process: read them, never change them
(the setup services load their own rows to change).
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from django.core.cache import caches
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext as _

from onewindow.core.cache import FIGURES
from onewindow.core.errors import NotFound, ServiceError
from onewindow.hall.models import ClerkSession, Counter, Hall, HallCategory, OpeningHours

CONFIG_SECONDS = 30
LOCAL_SECONDS = 2.0
LOCAL_ENTRIES = 10_000  # past this many keys the process forgets them all (a key per hall, category set, counter)
SAFE_CODE = re.compile(r"[A-Za-z0-9_.-]{1,60}")
_MISSING = object()
# Bumped by every change of a hall's setup in this process: the cache keys carry it, so older entries are
# never read again (they expire on their own).
_generation = [0]


def setup_key(kind: str, value: object) -> str:
    """A cache key that no longer matches once a hall's setup (or who is signed in at its counters) changed."""
    return f"hall.config:{_generation[0]}:{kind}:{value}"


# key → (monotonic deadline, value); the keys carry the generation, so a change here is never read stale
_local: dict[str, tuple[float, Any]] = {}
_local_lock = threading.Lock()


def setup_changed(**_kwargs: Any) -> None:
    """A hall, its hours, categories or counters changed: read them from the database again."""
    _generation[0] += 1
    forget_all()


def forget_all() -> None:
    """Drop this process's copies (a change here; tests: ids are reused after a rolled-back transaction)."""
    with _local_lock:
        _local.clear()


for _model in (Hall, OpeningHours, HallCategory, Counter):
    post_save.connect(setup_changed, sender=_model, dispatch_uid=f"hall.config.save.{_model.__name__}")
    post_delete.connect(setup_changed, sender=_model, dispatch_uid=f"hall.config.delete.{_model.__name__}")
m2m_changed.connect(setup_changed, sender=Counter.categories.through, dispatch_uid="hall.config.skills")
# a clerk signing in changes how many counters serve a category, hence the wait a kiosk estimates
post_save.connect(setup_changed, sender=ClerkSession, dispatch_uid="hall.config.clerk_session")
post_save.connect(setup_changed, sender="catalog.WindowCategory", dispatch_uid="hall.config.window_category")


def cached(key: str, load: Any) -> Any:
    """The value kept under `key` (this process's copy for LOCAL_SECONDS, then the figures cache for
    CONFIG_SECONDS), or `load()` kept for both; None (an unknown name) is not kept."""
    now = time.monotonic()
    hit = _local.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    cache = caches[FIGURES]
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = load()
        if value is not None:  # unknown names are not kept: they would only fill the cache
            cache.set(key, value, timeout=CONFIG_SECONDS)
    if value is not None:
        with _local_lock:
            if len(_local) >= LOCAL_ENTRIES:
                _local.clear()
            _local[key] = (now + LOCAL_SECONDS, value)
    return value


def _load_hall(kind: str, value: object) -> Hall | None:
    return Hall.objects.filter(active=True, **{kind: value}).prefetch_related("opening_hours").first()


def hall_by_code(code: str) -> Hall | None:
    """An active hall with its opening hours, or None."""
    if not SAFE_CODE.fullmatch(code):  # hall codes are short slugs; anything else is looked up, never kept
        return _load_hall("code", code)
    return cached(setup_key("hall", code), lambda: _load_hall("code", code))


def hall_categories(hall: Hall) -> list[HallCategory]:
    """The hall's active window categories with their catalog category."""
    return cached(setup_key("categories", hall.pk), lambda: list(
        HallCategory.objects.select_related("category").filter(hall=hall, active=True)))


def get_hall(hall: Hall | str | int) -> Hall:
    """An active hall by object, id or code."""
    if isinstance(hall, Hall):
        return hall
    text = str(hall)
    found = (cached(setup_key("hall.pk", text), lambda: _load_hall("pk", int(text))) if text.isdigit()
             else hall_by_code(text))
    if found is None:
        raise NotFound(_("大厅不存在"), field="hall")
    return found


def _find_category(choices: list[HallCategory], text: str) -> HallCategory | None:
    """By catalog code, then ticket prefix, then id (the order the kiosk and the API name them)."""
    for match in (lambda c: c.category.code == text, lambda c: c.prefix == text.upper(),
                  lambda c: text.isdigit() and c.pk == int(text)):
        found = next((c for c in choices if match(c)), None)
        if found is not None:
            return found
    return None


def get_hall_category(hall: Hall, category: str | int | HallCategory) -> HallCategory:
    """An active category of `hall` by object, catalog code, ticket prefix or id."""
    if isinstance(category, HallCategory):
        if category.hall_id != hall.pk:
            raise ServiceError(_("该大厅没有此窗口类别"), field="category")
        return category
    found = _find_category(hall_categories(hall), str(category))
    if found is None:
        raise ServiceError(_("请选择本大厅的窗口类别"), field="category")
    return found


def _load_counter(pk: int) -> Counter | None:
    found = Counter.objects.select_related("hall").filter(pk=pk, active=True).first()
    if found is not None:
        found.skill_ids = list(found.categories.values_list("pk", flat=True))  # type: ignore[attr-defined]
    return found


def get_counter(counter: Counter | int) -> Counter:
    """An active counter with its hall and the ids of the categories it serves (`counter.skill_ids`)."""
    if isinstance(counter, Counter):
        return counter
    try:
        pk = int(counter)
    except (TypeError, ValueError):
        raise NotFound(_("窗口不存在"), field="counter") from None
    found = cached(setup_key("counter", pk), lambda: _load_counter(pk))
    if found is None:
        raise NotFound(_("窗口不存在"), field="counter")
    return found


def counter_skills(counter: Counter) -> list[int]:
    """The ids of the categories `counter` serves (from the cached setup when it came from `get_counter`)."""
    skills = getattr(counter, "skill_ids", None)
    return list(skills) if skills is not None else list(counter.categories.values_list("pk", flat=True))
