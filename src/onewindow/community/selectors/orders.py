"""The time bank's menu and orders."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from onewindow.community.models import Member, MenuItem, Order


def menu(*, active_only: bool = True) -> QuerySet[MenuItem]:
    qs = MenuItem.objects.all()
    return qs.filter(active=True) if active_only else qs


def orders(*, status: str = "", compound_id: int | None = None, member: Member | None = None,
           requester_user_id: int | None = None) -> QuerySet[Order]:
    """Orders, newest first; `status` may list several, comma-separated; `member`: taken by them or their teams."""
    qs = Order.objects.select_related("menu_item", "compound__community", "taker_member", "taker_team")
    if status:
        qs = qs.filter(status__in=status.split(","))
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    if member is not None:
        team_ids = list(member.teams.values_list("id", flat=True))
        qs = qs.filter(Q(taker_member=member) | Q(taker_team_id__in=team_ids))
    if requester_user_id:
        qs = qs.filter(requester_user_id=requester_user_id)
    return qs.order_by("-id")


def order_detail(order_id: int) -> Order:
    return (Order.objects.select_related("menu_item", "compound__community", "taker_member", "taker_team", "payer")
            .prefetch_related("events").get(pk=order_id))


def order_status_counts() -> dict[str, int]:
    return dict(Order.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
