"""Small builders for cases tests that need rows of other apps (a hall ticket) without their fixtures."""

from __future__ import annotations

import datetime as dt
import itertools

from onewindow.catalog.models import WindowCategory
from onewindow.core import clock
from onewindow.hall.models import Hall, HallCategory, Ticket

_seq = itertools.count(1)


def hall_ticket() -> Ticket:
    """A waiting ticket in a small hall (one category), issued now."""
    n = next(_seq)
    hall = Hall.objects.create(code=f"cases-hall-{n}", name="测试行政服务中心")
    window, _ = WindowCategory.objects.get_or_create(code="social", defaults={"name": "社会民生",
                                                                             "default_ticket_prefix": "A"})
    category = HallCategory.objects.create(hall=hall, category=window, prefix="A")
    now = clock.now()
    return Ticket.objects.create(hall=hall, category=category, issued_category=category, day=dt.date.today(), seq=1,
                                 number="A001", token=f"cases-ticket-{n}", issued_at=now, effective_time=now)
