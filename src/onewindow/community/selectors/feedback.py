"""Two-way feedback (双向反馈): each month, what an employer's in-service members did for their communities."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from onewindow.community.models import CoBuildingUnit, EventSignup, Member, Order
from onewindow.community.selectors.hours import service_credits
from onewindow.core.masking import mask_name


def employers() -> QuerySet[CoBuildingUnit]:
    """Co-building units that employ in-service members, with how many they employ."""
    return CoBuildingUnit.objects.filter(is_employer=True).annotate(
        n_members=Count("members", filter=Q(members__category=Member.Category.IN_SERVICE))).order_by("id")


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """"2026-10" → (2026-10-01, 2026-11-01). ValueError for anything else."""
    year, mon = (int(x) for x in month.split("-"))
    start = dt.date(year, mon, 1)
    end = dt.date(year + (mon == 12), mon % 12 + 1, 1)
    return start, end


def feedback_report(*, employer: CoBuildingUnit, month: str) -> dict[str, Any]:
    """Every in-service member of `employer`: orders done, hours credited, events attended in `month`.

    A fixed number of queries whatever the number of members.
    """
    start, end = month_bounds(month)
    people = list(Member.objects.filter(employer=employer, category=Member.Category.IN_SERVICE)
                  .select_related("home_compound__community").order_by("id"))
    ids = [m.pk for m in people]
    start_dt = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    end_dt = timezone.make_aware(dt.datetime.combine(end, dt.time()))
    order_rows = (Order.objects.filter(taker_member_id__in=ids, status=Order.Status.CONFIRMED,
                                       closed_at__gte=start_dt, closed_at__lt=end_dt)
                  .values("taker_member_id").annotate(n=Count("id")))
    orders_of = {r["taker_member_id"]: r["n"] for r in order_rows}
    minute_rows = (service_credits().filter(account__member_id__in=ids, transfer__created_at__gte=start_dt,
                                            transfer__created_at__lt=end_dt)
                   .values("account__member_id").annotate(s=Sum("amount")))
    minutes_of = {r["account__member_id"]: r["s"] for r in minute_rows}
    event_rows = (EventSignup.objects.filter(member_id__in=ids, attended=True, event__date__gte=start,
                                             event__date__lt=end).values("member_id").annotate(n=Count("id")))
    events_of = {r["member_id"]: r["n"] for r in event_rows}
    rows = []
    for m in people:
        minutes = minutes_of.get(m.pk, 0)
        rows.append({"id": m.pk, "name": m.name, "masked_name": mask_name(m.name), "compound": m.home_compound.name,
                     "community": m.home_compound.community.name, "reported": m.reported_at is not None,
                     "orders": orders_of.get(m.pk, 0), "minutes": minutes, "hours": round(minutes / 60, 1),
                     "events": events_of.get(m.pk, 0)})
    rows.sort(key=lambda r: (-r["minutes"], -r["events"], r["id"]))
    totals = {"members": len(rows), "active": sum(1 for r in rows if r["minutes"] or r["events"]),
              "orders": sum(r["orders"] for r in rows), "minutes": sum(r["minutes"] for r in rows),
              "events": sum(r["events"] for r in rows), "reported": sum(1 for r in rows if r["reported"])}
    totals["hours"] = round(totals["minutes"] / 60, 1)
    return {"employer": employer, "month": month, "rows": rows, "totals": totals}
