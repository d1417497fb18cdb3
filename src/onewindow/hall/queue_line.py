"""The people ahead of a waiting ticket, without a count over the waiting tickets on every request.

The kiosk prints "前面还有 N 人" on every ticket and the follow page asks again every few seconds, so this is read
far more often than the queue moves. Each server process keeps, per window category, the waiting tickets' call
order as a sorted list of keys `(−priority, effective time, id)` (the order call-next uses), read from the
database with one statement at most once every LINE_SECONDS per category. The people ahead of a ticket are then a
binary search in that list.

This process's own moves (a ticket issued, called, transferred, put back or cancelled) change its lists at once,
so one process (the development server, the tests, a single-worker hall) is always exact. Moves made by another
server process are seen once the list is read again, within LINE_SECONDS: the same freshness as the hall board,
which polls every two seconds. The figure is defined once here and shown as "people ahead" wherever it appears.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
import time
from dataclasses import dataclass, field

from onewindow.hall.models import Ticket, TicketStatus

LINE_SECONDS = 2.0

Key = tuple[int, dt.datetime, int]


@dataclass
class _Line:
    read_at: float
    keys: list[Key] = field(default_factory=list)


_lines: dict[int, _Line] = {}
_lock = threading.Lock()


def ticket_key(ticket: Ticket) -> Key:
    """A waiting ticket's place in the call order: higher priority first, then earlier effective time, then id."""
    return (-int(ticket.priority), ticket.effective_time, int(ticket.pk))


def _read(category_id: int) -> _Line:
    rows = (Ticket.objects.filter(category_id=category_id, status=TicketStatus.WAITING)
            .values_list("priority", "effective_time", "id"))
    return _Line(read_at=time.monotonic(), keys=sorted((-int(p), at, int(pk)) for p, at, pk in rows))


def _line(category_id: int) -> _Line:
    with _lock:
        line = _lines.get(category_id)
    if line is not None and time.monotonic() - line.read_at < LINE_SECONDS:
        return line
    fresh = _read(category_id)
    with _lock:
        _lines[category_id] = fresh
    return fresh


def people_ahead(ticket: Ticket) -> int:
    """Waiting tickets of the ticket's window category that will be called before it (0 unless it waits)."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    line = _line(ticket.category_id)
    with _lock:
        return bisect.bisect_left(line.keys, ticket_key(ticket))


def _remove(category_id: int, key: Key) -> None:
    line = _lines.get(category_id)
    if line is None:
        return
    i = bisect.bisect_left(line.keys, key)
    if i < len(line.keys) and line.keys[i] == key:
        del line.keys[i]


def _add(category_id: int, key: Key) -> None:
    line = _lines.get(category_id)
    if line is None:
        return  # read from the database when first asked
    i = bisect.bisect_left(line.keys, key)
    if i == len(line.keys) or line.keys[i] != key:
        line.keys.insert(i, key)


@dataclass(frozen=True)
class Place:
    """Where a ticket stood in the line before a move: its category and key, or None when it was not waiting."""

    category_id: int
    key: Key


def place_of(ticket: Ticket) -> Place | None:
    if ticket.status != TicketStatus.WAITING:
        return None
    return Place(ticket.category_id, ticket_key(ticket))


def ticket_moved(ticket: Ticket, before: Place | None) -> None:
    """Called by every queue move once its update succeeded: the ticket leaves its old place, and takes its new
    one if it waits again (transferred, put back after a no-show). Issued tickets come with `before=None`."""
    with _lock:
        if before is not None:
            _remove(before.category_id, before.key)
        if ticket.status == TicketStatus.WAITING:
            _add(ticket.category_id, ticket_key(ticket))


def forget_all() -> None:
    """Drop every list (tests: ids are reused after a rolled-back transaction)."""
    with _lock:
        _lines.clear()
