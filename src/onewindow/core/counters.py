"""Human-readable numbers from locked per-day counters."""

import datetime as dt

from django.db import transaction

from onewindow.core.models import DailyCounter


def counter_next(*, scope: str, day: dt.date) -> int:
    """Return the next value of (scope, day), starting at 1. Gapless within committed transactions.

    Call inside the transaction that creates the numbered record, so a rollback gives the number back.
    """
    with transaction.atomic():
        DailyCounter.objects.get_or_create(scope=scope, day=day)
        counter = DailyCounter.objects.select_for_update().get(scope=scope, day=day)
        counter.value += 1
        counter.save(update_fields=["value"])
        return counter.value
