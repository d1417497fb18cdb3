"""The display board's live feed.

With REDIS_URL set, every queue move publishes the hall's board once, after its transaction commits, on the
channel `hall:<code>:board` (onewindow.core.live): boards connected by Server-Sent Events get it at once, and
boards that poll read the last published board from Redis with no database query. Without Redis nothing is
published and the board keeps polling the database every two seconds, as in the embedded demo.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from onewindow.core import live
from onewindow.hall import selectors
from onewindow.hall.models import Hall

BOARD_SECONDS = 120  # a published board stays readable this long; a quiet hall is recomputed after that


def board_channel(hall: Hall) -> str:
    return f"hall:{hall.code}:board"


def board_changed(hall_id: int) -> None:
    """Publish the hall's board after the current transaction commits (nothing without Redis)."""
    if not live.enabled():
        return

    def publish() -> None:
        hall = Hall.objects.filter(pk=hall_id).first()
        if hall is not None:
            live.publish(board_channel(hall), selectors.board(hall), last_seconds=BOARD_SECONDS)

    transaction.on_commit(publish)


def board_now(hall: Hall) -> dict[str, Any]:
    """The board as the last queue move published it, or computed from the database."""
    published = live.last(board_channel(hall)) if live.enabled() else None
    return published if published is not None else selectors.board(hall)
