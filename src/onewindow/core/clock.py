"""The one seam for time. Tests move it with `frozen(...)`; nothing else calls timezone.now()."""

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen if _frozen is not None else timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


@contextlib.contextmanager
def frozen(at: dt.datetime) -> Iterator[None]:
    """Fix the clock at `at` (aware; naive is read as Asia/Shanghai) for the duration of the block."""
    global _frozen
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    previous, _frozen = _frozen, at
    try:
        yield
    finally:
        _frozen = previous
