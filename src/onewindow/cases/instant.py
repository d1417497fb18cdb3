"""即办件 against the seed's service limit: "对可一次办好、立等可取的即办事项，服务时限不超过30分钟".

One read: of the on-the-spot cases (handling type 即办件) completed, how many were done within the limit from
acceptance (the case's first "accept" event; its reception when it was never separately accepted) to completion.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, DateTimeField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from onewindow.cases.models import Case, CaseEvent

INSTANT = "1"
#: the seed's limit for on-the-spot items (minutes)
INSTANT_LIMIT_MINUTES = 30


@dataclass(frozen=True)
class InstantShare:
    completed: int
    within_limit: int
    limit_minutes: int = INSTANT_LIMIT_MINUTES

    @property
    def share(self) -> float | None:
        """within / completed; None (no data, not 0%) when no on-the-spot case was completed."""
        return self.within_limit / self.completed if self.completed else None


def instant_within_limit(*, item_ids: list[int] | None = None, department_ids: list[int] | None = None,
                         since: dt.datetime | None = None, limit_minutes: int = INSTANT_LIMIT_MINUTES
                         ) -> InstantShare:
    """The on-the-spot cases completed (of these items or departments, since a moment) and those done within
    `limit_minutes` of acceptance. One aggregate query, whatever the number of cases."""
    qs = Case.objects.filter(handling_type=INSTANT, completed_at__isnull=False)
    if item_ids is not None:
        qs = qs.filter(item_id__in=item_ids)
    if department_ids is not None:
        qs = qs.filter(department_id__in=department_ids)
    if since is not None:
        qs = qs.filter(completed_at__gte=since)
    accepted = Subquery(CaseEvent.objects.filter(case=OuterRef("pk"), action="accept").order_by("at").values("at")[:1])
    started = Coalesce(accepted, F("received_at"), output_field=DateTimeField())
    deadline = ExpressionWrapper(started + dt.timedelta(minutes=limit_minutes), output_field=DateTimeField())
    counts = qs.annotate(deadline=deadline).aggregate(
        completed=Count("pk"), within=Count("pk", filter=Q(completed_at__lte=F("deadline"))))
    return InstantShare(completed=counts["completed"], within_limit=counts["within"], limit_minutes=limit_minutes)
