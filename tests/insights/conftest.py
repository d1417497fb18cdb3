"""A recorded hall day built through the hall's models: tickets with append-only issued/called/finished events."""

import datetime as dt
import heapq
import random
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 11, 20)


def _fifo_day(rnd: random.Random, plan: dict[str, tuple[float, float, int]]) -> list[dict]:
    """Department windows, first come first served, no gap between customers: what the model assumes.
    plan: category → (arrivals per hour, mean service minutes, windows)."""
    start = dt.datetime.combine(DAY, dt.time(9, 0), tzinfo=TZ)
    out = []
    number = 0
    for code, (rate, minutes, windows) in plan.items():
        t = 0.0
        arrivals = []
        while True:
            t += rnd.expovariate(rate / 60)
            if t >= 8 * 60:
                break
            arrivals.append(t)
        free = [(0.0, number + i + 1) for i in range(windows)]
        number += windows
        heapq.heapify(free)
        for a in arrivals:
            at, counter = heapq.heappop(free)
            called = max(a, at)
            service = rnd.expovariate(1 / minutes)
            heapq.heappush(free, (called + service, counter))
            out.append({"category": code, "issued": start + dt.timedelta(minutes=a),
                        "called": start + dt.timedelta(minutes=called),
                        "finished": start + dt.timedelta(minutes=called + service), "counter": counter})
    return out


@pytest.fixture
def recorded_hall(db):
    """Hall "test-hall": categories A (2 windows) and B (1 window); one recorded day of ~190 tickets."""
    from onewindow.catalog.models import WindowCategory
    from onewindow.hall.models import Counter, CounterKind, Hall, HallCategory, Ticket, TicketEvent

    hall = Hall.objects.create(code="test-hall", name="测试大厅")
    cats = {}
    for i, code in enumerate(("A", "B")):
        wc = WindowCategory.objects.create(code=f"t-{code}", name=f"类别{code}", default_ticket_prefix=code, sort_order=i)
        cats[code] = HallCategory.objects.create(hall=hall, category=wc, prefix=code)
    counters = {}
    for number, code in ((1, "A"), (2, "A"), (3, "B")):
        counters[number] = Counter.objects.create(hall=hall, number=number, kind=CounterKind.DEPARTMENT)
        counters[number].categories.set([cats[code]])
    tickets = _fifo_day(random.Random(5), {"A": (16.0, 6.0, 2), "B": (8.0, 6.0, 1)})
    tickets.sort(key=lambda t: t["issued"])
    seq = {"A": 0, "B": 0}
    for t in tickets:
        code = t["category"]
        seq[code] += 1
        hc = cats[code]
        ticket = Ticket.objects.create(
            hall=hall, category=hc, issued_category=hc, day=DAY, seq=seq[code], number=f"{code}{seq[code]:03d}",
            token=f"tok-{code}-{seq[code]}", issued_at=t["issued"], effective_time=t["issued"], status="finished",
            counter=counters[t["counter"]])
        TicketEvent.objects.bulk_create([
            TicketEvent(ticket=ticket, action="issued", at=t["issued"], to_category=hc),
            TicketEvent(ticket=ticket, action="called", at=t["called"], counter=counters[t["counter"]]),
            TicketEvent(ticket=ticket, action="finished", at=t["finished"], counter=counters[t["counter"]]),
        ])
    return {"hall": hall, "day": DAY, "tickets": tickets}
