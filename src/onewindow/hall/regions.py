"""Halls by region: the hall hierarchy (区、街、社区) a district supervises. Reads only."""

from __future__ import annotations

from django.db.models import QuerySet

from onewindow.core.models import Region
from onewindow.core.regions import in_region
from onewindow.hall.models import Hall, HallLevel


def halls_in(region: Region | None, *, level: str = "") -> QuerySet[Hall]:
    """The halls inside `region` (district centre, street centres, community stations); all when None."""
    qs = in_region(Hall.objects.select_related("region", "parent"), region)
    if level in HallLevel.values:
        qs = qs.filter(level=level)
    return qs.order_by("sort_order", "code")


def hall_counts_by_level(region: Region | None) -> dict[str, int]:
    """How many halls of each level lie in `region` (Huli: 1 district, 5 street, 58 community = 64)."""
    from django.db.models import Count

    rows = in_region(Hall.objects.all(), region).values("level").annotate(n=Count("pk")).order_by()
    return {r["level"]: r["n"] for r in rows}
