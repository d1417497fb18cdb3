"""Daily rollups for the reform-metrics dashboard (tables in insights/models.py).

The dashboard never scans cases, tickets or ratings: it sums these rows (one per day × department × bundle,
day × hall, day × department × hall), so its cost grows with the number of days in the period, not with the
number of records. The background worker rebuilds the days touched since the last run every night
(`rollup_refresh`), `onewindow insights rollup [--full]` does it on demand.

Each rebuild of a day range deletes that range's rows and writes them again from the events, in one
transaction, so a rerun gives the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from onewindow.core import clock
from onewindow.core.calendar import workdays_between
from onewindow.insights.models import CaseDaily, RatingDaily, RollupState, TicketDaily

BATCH = 5000


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


def _bundle_expr() -> Case:
    return Case(When(application__kind="bundle", then=F("application__code")), default=Value(""))


def _hours(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 3600
    return float(value) / 3_600_000_000  # microseconds (SQLite)


def rebuild_cases(start: dt.date, end: dt.date) -> int:
    from onewindow.cases.models import Application
    from onewindow.cases.models import Case as CaseRow

    lo, hi = _bounds(start, end)
    rows: dict[tuple[dt.date, int, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    # completed cases, grouped finely enough to count working days per (accepted day, completed day)
    completed = (CaseRow.objects.filter(completed_at__gte=lo, completed_at__lt=hi)
                 .annotate(day=TruncDate("completed_at"), bundle=_bundle_expr())
                 .annotate(late=Case(When(due_date__isnull=False, due_date__lt=F("day"), then=Value(1)),
                                     default=Value(0)))
                 .values("day", "department_id", "bundle", "accepted_on", "handling_type", "late")
                 .annotate(n=Count("pk"), hours=Sum(ExpressionWrapper(F("completed_at") - F("received_at"),
                                                                      output_field=DurationField()))))
    wd_cache: dict[tuple[dt.date, dt.date], int] = {}
    for r in completed:
        key = (r["day"], r["department_id"], r["bundle"])
        row = rows[key]
        n = r["n"]
        row["completed"] += n
        if not r["late"]:
            row["completed_on_time"] += n
        if r["handling_type"] == "1":
            row["completed_instant"] += n
        if r["accepted_on"] is not None:
            pair = (r["accepted_on"], r["day"])
            if pair not in wd_cache:
                wd_cache[pair] = max(0, workdays_between(*pair)) if pair[1] > pair[0] else 0
            row["processing_workdays"] += wd_cache[pair] * n
        row["processing_hours"] += _hours(r["hours"])
    accepted = (CaseRow.objects.filter(accepted_on__gte=start, accepted_on__lte=end).annotate(bundle=_bundle_expr())
                .values("accepted_on", "department_id", "bundle").annotate(n=Count("pk")))
    for r in accepted:
        rows[(r["accepted_on"], r["department_id"], r["bundle"])]["accepted"] += r["n"]
    apps = (Application.objects.filter(submitted_at__gte=lo, submitted_at__lt=hi)
            .annotate(day=TruncDate("submitted_at"),
                      bundle=Case(When(kind="bundle", then=F("code")), default=Value("")))
            .values("day", "bundle").annotate(n=Count("pk")))
    for r in apps:
        rows[(r["day"], 0, r["bundle"])]["applications"] += r["n"]
    objs = [CaseDaily(day=d, department_id=dept, bundle_code=b, **{k: (v if k == "processing_hours" else int(v))
                                                                    for k, v in vals.items()})
            for (d, dept, b), vals in rows.items()]
    with transaction.atomic():
        CaseDaily.objects.filter(day__gte=start, day__lte=end).delete()
        CaseDaily.objects.bulk_create(objs, batch_size=BATCH)
    return len(objs)


@dataclass
class _Ticket:
    """One ticket of the range with the times its waiting and service are measured from."""

    day: dt.date
    hall_id: int
    issued_at: dt.datetime
    status: str
    called_at: dt.datetime | None = None  # first call
    finished_at: dt.datetime | None = None  # last finish


def _tickets(start: dt.date, end: dt.date) -> Iterable[_Ticket]:
    from onewindow.hall.models import Ticket, TicketEvent

    tickets = {pk: _Ticket(day, hall_id, issued_at, status) for pk, day, hall_id, issued_at, status in
               Ticket.objects.filter(day__gte=start, day__lte=end)
               .values_list("pk", "day", "hall_id", "issued_at", "status").iterator(chunk_size=BATCH)}
    events = (TicketEvent.objects.filter(ticket__day__gte=start, ticket__day__lte=end, action__in=["called", "finished"])
              .values_list("ticket_id", "action", "at").order_by())
    for ticket_id, kind, at in events.iterator(chunk_size=BATCH):
        t = tickets.get(ticket_id)
        if t is None:
            continue
        if kind == "called":
            if t.called_at is None or at < t.called_at:
                t.called_at = at
        elif t.finished_at is None or at > t.finished_at:
            t.finished_at = at
    return tickets.values()


def rebuild_tickets(start: dt.date, end: dt.date) -> int:
    agg: dict[tuple[dt.date, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for t in _tickets(start, end):
        row = agg[(t.day, t.hall_id)]
        row["issued"] += 1
        if t.status == "no_show":
            row["no_show"] += 1
        if t.called_at is not None:
            row["called"] += 1
            row["wait_seconds"] += max(0.0, (t.called_at - t.issued_at).total_seconds())
            if t.finished_at is not None and t.status == "finished":
                row["served"] += 1
                row["service_seconds"] += max(0.0, (t.finished_at - t.called_at).total_seconds())
    objs = [TicketDaily(day=d, hall_id=h, **{k: (v if k.endswith("seconds") else int(v)) for k, v in vals.items()})
            for (d, h), vals in agg.items()]
    with transaction.atomic():
        TicketDaily.objects.filter(day__gte=start, day__lte=end).delete()
        TicketDaily.objects.bulk_create(objs, batch_size=BATCH)
    return len(objs)


def rebuild_ratings(start: dt.date, end: dt.date) -> int:
    from django.db.models.functions import Coalesce

    from onewindow.feedback.models import Rating

    lo, hi = _bounds(start, end)
    rows = (Rating.objects.filter(sequence=1, rated_at__gte=lo, rated_at__lt=hi)
            .annotate(day=TruncDate("rated_at"), dept=Coalesce("department_id", 0), hall_key=Coalesce("hall_id", 0))
            .values("day", "dept", "hall_key")
            .annotate(total=Count("pk", filter=Q(is_default=False)),
                      very_satisfied=Count("pk", filter=Q(is_default=False, level="very_satisfied")),
                      satisfied=Count("pk", filter=Q(is_default=False, level="satisfied")),
                      basic=Count("pk", filter=Q(is_default=False, level="basic")),
                      bad=Count("pk", filter=Q(is_default=False, level__in=["dissatisfied", "very_dissatisfied"])),
                      defaulted=Count("pk", filter=Q(is_default=True))))
    objs = [RatingDaily(day=r["day"], department_id=r["dept"], hall_id=r["hall_key"], total=r["total"],
                        very_satisfied=r["very_satisfied"], satisfied=r["satisfied"], basic=r["basic"], bad=r["bad"],
                        defaulted=r["defaulted"]) for r in rows]
    with transaction.atomic():
        RatingDaily.objects.filter(day__gte=start, day__lte=end).delete()
        RatingDaily.objects.bulk_create(objs, batch_size=BATCH)
    return len(objs)


def _earliest() -> dt.date:
    from onewindow.cases.models import Application
    from onewindow.cases.models import Case as CaseRow
    from onewindow.feedback.models import Rating
    from onewindow.hall.models import Ticket

    candidates = [
        Application.objects.aggregate(m=Min("submitted_at"))["m"],
        CaseRow.objects.aggregate(m=Min("received_at"))["m"],
        Rating.objects.aggregate(m=Min("rated_at"))["m"],
    ]
    days = [timezone.localdate(c) for c in candidates if c is not None]
    t = Ticket.objects.aggregate(m=Min("day"))["m"]
    if t is not None:
        days.append(t)
    return min(days) if days else clock.today()


def _touched_since(mark: dt.datetime) -> dt.date | None:
    """The earliest day whose rows may have changed since `mark` (from the append-only event logs)."""
    from onewindow.cases.models import Application, CaseEvent
    from onewindow.feedback.models import Rating
    from onewindow.hall.models import TicketEvent

    days = []
    for qs, field in ((CaseEvent.objects.filter(at__gte=mark), "at"),
                      (Application.objects.filter(submitted_at__gte=mark), "submitted_at"),
                      (Rating.objects.filter(rated_at__gte=mark), "rated_at"),
                      (TicketEvent.objects.filter(at__gte=mark), "at")):
        m = qs.aggregate(m=Min(field))["m"]
        if m is not None:
            days.append(timezone.localdate(m))
    # a case accepted long ago and completed now changes only the completion day; an accept event is dated
    # the day it happens, so the earliest event day bounds every row that can change
    return min(days) if days else None


def rollup_refresh(*, full: bool = False, start: dt.date | None = None, end: dt.date | None = None) -> dict[str, Any]:
    """Rebuild the rollups: everything (`full`), a given range, or the days touched since the last run."""
    now = clock.now()
    end = end or clock.today()
    state, _ = RollupState.objects.get_or_create(name="daily")
    if start is None:
        if full or state.watermark is None:
            start = _earliest()
        else:
            start = _touched_since(state.watermark - dt.timedelta(minutes=5))
            if start is None:
                state.rebuilt_at = now
                state.save(update_fields=["rebuilt_at"])
                return {"start": None, "end": end.isoformat(), "cases": 0, "tickets": 0, "ratings": 0}
    start = min(start, end)
    result = {"start": start.isoformat(), "end": end.isoformat(), "cases": rebuild_cases(start, end),
              "tickets": rebuild_tickets(start, end), "ratings": rebuild_ratings(start, end)}
    state.rebuilt_at = now
    state.watermark = now
    state.save(update_fields=["rebuilt_at", "watermark"])
    return result
