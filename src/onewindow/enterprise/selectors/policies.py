"""Reads for the policy window: the catalog, worklists, what was paid (public) and the figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from onewindow.core import clock
from onewindow.core.access import user_department_id
from onewindow.core.actors import Actor, actor_user
from onewindow.enterprise.models import Enterprise, Policy, PolicyApplication

S = PolicyApplication.Status


def policies(*, published_only: bool = True) -> QuerySet[Policy]:
    qs = Policy.objects.select_related("department").annotate(
        paid_count=Count("applications", filter=Q(applications__status=S.PAID)))
    return qs.filter(published=True) if published_only else qs


def enterprises_of(actor: Actor) -> QuerySet[Enterprise]:
    user = actor_user(actor)
    if user is None:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(user=user).order_by("name")


def applications_for_enterprises(enterprises: QuerySet[Enterprise]) -> QuerySet[PolicyApplication]:
    return PolicyApplication.objects.select_related("policy", "enterprise").filter(enterprise__in=enterprises)


def department_worklist(actor: Actor, *, status: str = "") -> QuerySet[PolicyApplication]:
    """The applications under the policies of the actor's department (none when they have no department)."""
    department_id = user_department_id(actor_user(actor))
    qs = PolicyApplication.objects.select_related("policy__department", "enterprise").filter(
        policy__department_id=department_id) if department_id else PolicyApplication.objects.none()
    if status in S.values:
        qs = qs.filter(status=status)
    return qs.order_by("due_on", "id") if status == S.SUBMITTED else qs


def all_applications(*, status: str = "") -> QuerySet[PolicyApplication]:
    qs = PolicyApplication.objects.select_related("policy__department", "enterprise")
    return qs.filter(status=status) if status in S.values else qs


def payments(policy: Policy) -> QuerySet[PolicyApplication]:
    """What was paid under a policy: enterprise names and sums are public business data (no person named)."""
    return (PolicyApplication.objects.filter(policy=policy, status=S.PAID).select_related("enterprise")
            .only("number", "paid_amount", "paid_on", "enterprise__name", "enterprise__name_en",
                  "enterprise__credit_code").order_by("-paid_on", "number"))


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    decided = row["approved"] + row["rejected"] + row["paid"]
    row["paid_sum"] = row["paid_sum"] or Decimal("0")
    row["decided"] = decided
    row["approval_rate"] = round(100 * (row["approved"] + row["paid"]) / decided, 1) if decided else None
    return row


def _counts() -> dict[str, Any]:
    today = clock.today()
    return {
        "filed": Count("applications", filter=~Q(applications__status=S.WITHDRAWN)),
        "pending": Count("applications", filter=Q(applications__status=S.SUBMITTED)),
        "overdue": Count("applications", filter=Q(applications__status=S.SUBMITTED, applications__due_on__lt=today)),
        "approved": Count("applications", filter=Q(applications__status=S.APPROVED)),
        "rejected": Count("applications", filter=Q(applications__status=S.REJECTED)),
        "paid": Count("applications", filter=Q(applications__status=S.PAID)),
        "paid_sum": Sum("applications__paid_amount", filter=Q(applications__status=S.PAID)),
    }


def statistics_by_policy() -> list[dict[str, Any]]:
    rows = (Policy.objects.filter(published=True).values("id", "code", "title", "title_en", "department__name",
                                                         "department__name_en")
            .annotate(**_counts()).order_by("department__sort_order", "code"))
    return [_figures(dict(r)) for r in rows]


def statistics_by_department() -> list[dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    for r in statistics_by_policy():
        key = r["department__name"]
        agg = rows.setdefault(key, {"department__name": key, "department__name_en": r["department__name_en"],
                                    "policies": 0, "filed": 0, "pending": 0, "overdue": 0, "approved": 0,
                                    "rejected": 0, "paid": 0, "paid_sum": Decimal("0")})
        agg["policies"] += 1
        for field in ("filed", "pending", "overdue", "approved", "rejected", "paid", "paid_sum"):
            agg[field] += r[field]
    return [_figures(r) for r in rows.values()]


def totals() -> dict[str, Any]:
    agg = PolicyApplication.objects.exclude(status=S.WITHDRAWN).aggregate(
        filed=Count("id"), paid=Count("id", filter=Q(status=S.PAID)),
        paid_sum=Sum("paid_amount", filter=Q(status=S.PAID)),
        enterprises=Count("enterprise", filter=Q(status=S.PAID), distinct=True))
    agg["paid_sum"] = agg["paid_sum"] or Decimal("0")
    agg["policies"] = Policy.objects.filter(published=True).count()
    return agg
