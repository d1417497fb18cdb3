"""Service hours credited through the ledger: by month, team, compound and member (reports and charts).

Service hours are the order and event credits on member and team accounts, net of their reversals.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from onewindow.community.models import Account, Entry, Team, Transfer
from onewindow.core.masking import mask_name

CREDIT_KINDS = (Transfer.Kind.ORDER_CREDIT, Transfer.Kind.EVENT_CREDIT)


def service_credits() -> QuerySet[Entry]:
    """Credits of service hours (order and event credits, net of their reversals) on member and team accounts."""
    return Entry.objects.filter(
        Q(transfer__kind__in=CREDIT_KINDS) | Q(transfer__kind=Transfer.Kind.REVERSAL,
                                               transfer__reverses__kind__in=CREDIT_KINDS),
        account__kind__in=(Account.Kind.MEMBER, Account.Kind.TEAM))


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


def hours_by_month(*, months: int = 12) -> list[dict[str, Any]]:
    rows = (service_credits().annotate(month=TruncMonth("transfer__created_at")).values("month")
            .annotate(minutes=Sum("amount")).order_by("month"))
    return [{"month": r["month"].strftime("%Y-%m"), "minutes": r["minutes"], "hours": _hours(r["minutes"])}
            for r in rows][-months:]


def hours_by_team() -> list[dict[str, Any]]:
    """Hours credited to each team's account plus those of its members' own accounts."""
    team_rows = dict(service_credits().filter(account__kind=Account.Kind.TEAM).values_list("account__team_id")
                     .annotate(s=Sum("amount")).values_list("account__team_id", "s"))
    member_rows = dict(service_credits().filter(account__kind=Account.Kind.MEMBER).values_list("account__member_id")
                       .annotate(s=Sum("amount")).values_list("account__member_id", "s"))
    by_team: dict[int, int] = defaultdict(int)
    for team_id, member_id in Team.members.through.objects.values_list("team_id", "member_id"):
        by_team[team_id] += member_rows.get(member_id, 0)
    rows = []
    for team in Team.objects.order_by("id").only("id", "name", "field"):
        minutes = team_rows.get(team.pk, 0) + by_team.get(team.pk, 0)
        rows.append({"team": team.name, "field": team.field, "minutes": minutes, "hours": _hours(minutes)})
    return sorted(rows, key=lambda r: -r["minutes"])


def hours_by_compound() -> list[dict[str, Any]]:
    rows = (service_credits().filter(transfer__order__isnull=False)
            .values("transfer__order__compound__name", "transfer__order__compound__community__name")
            .annotate(minutes=Sum("amount"), orders=Count("transfer__order", distinct=True)).order_by("-minutes"))
    return [{"compound": r["transfer__order__compound__name"],
             "community": r["transfer__order__compound__community__name"], "orders": r["orders"],
             "minutes": r["minutes"], "hours": _hours(r["minutes"])} for r in rows]


def top_volunteers(*, limit: int = 10) -> list[dict[str, Any]]:
    rows = (service_credits().filter(account__kind=Account.Kind.MEMBER)
            .values("account__member_id", "account__member__name", "account__member__home_compound__name")
            .annotate(minutes=Sum("amount")).order_by("-minutes")[:limit])
    return [{"member_id": r["account__member_id"], "name": mask_name(r["account__member__name"]),
             "compound": r["account__member__home_compound__name"], "minutes": r["minutes"],
             "hours": _hours(r["minutes"])} for r in rows]


def hours_by_member(*, limit: int = 500) -> list[dict[str, Any]]:
    return top_volunteers(limit=limit)
