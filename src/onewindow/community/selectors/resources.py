"""Reads of the compound-governance resources: sites and their functions, grants, how secretaries are chosen.
Everything here is public: no secretary's name or phone ever leaves this module."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from onewindow.community.models import (
    FundingGrant,
    PartyOrg,
    SecretaryBackground,
    SecretarySelection,
    ServiceFunction,
    ServiceSite,
)


@dataclass
class ResourceFigures:
    centres: int
    stations: int
    functions: list[tuple[str, str, int]]  # (code, label, active sites offering it)
    pilot_compounds: int
    pilot_yuan: int
    grants_yuan: int
    branches: int
    secretaries_recorded: int
    by_background: list[tuple[str, int]]
    by_selection: list[tuple[str, int]]
    examples: list[dict[str, str]] = field(default_factory=list)


def sites(*, kind: str = "") -> QuerySet[ServiceSite]:
    qs = ServiceSite.objects.filter(active=True).select_related("community", "compound")
    return qs.filter(kind=kind) if kind else qs


def compound_branches(*, community_id: int | None = None) -> QuerySet[PartyOrg]:
    """The compound party branches with their communities, for the secretary form's picker."""
    qs = (PartyOrg.objects.filter(kind=PartyOrg.Kind.COMPOUND_BRANCH).select_related("community")
          .order_by("community_id", "name").only("id", "name", "community_id", "community__name"))
    return qs.filter(community_id=community_id) if community_id else qs


def pilot_grants() -> list[dict[str, object]]:
    """Each pilot compound with its community and the money it received, largest first."""
    rows = (FundingGrant.objects.filter(pilot=True)
            .values("compound_id", "compound__name", "compound__community__name")
            .annotate(yuan=Sum("amount_yuan"), grants=Count("pk")).order_by("-yuan", "compound__name"))
    return [{"compound": r["compound__name"], "community": r["compound__community__name"], "yuan": r["yuan"],
             "grants": r["grants"]} for r in rows]


def secretary_examples(limit: int = 10) -> list[dict[str, str]]:
    """Branches whose secretary's background has a note, as the public sees them (no name, no phone)."""
    labels_b, labels_s = dict(SecretaryBackground.choices), dict(SecretarySelection.choices)
    rows = (PartyOrg.objects.filter(kind=PartyOrg.Kind.COMPOUND_BRANCH).exclude(secretary_note="")
            .select_related("community").order_by("id")[:limit])
    return [{"branch": o.name, "community": o.community.name if o.community else "",
             "background": str(labels_b.get(o.secretary_background, "")),
             "selection": str(labels_s.get(o.secretary_selection, "")), "note": o.secretary_note} for o in rows]


def resource_figures() -> ResourceFigures:
    """Counted from the records: sites by kind and function, pilot compounds and money, secretaries."""
    active = ServiceSite.objects.filter(active=True)
    by_kind = dict(active.values_list("kind").annotate(n=Count("pk")).order_by())
    offered = {code: 0 for code, _label in ServiceFunction.choices}
    for functions in active.values_list("functions", flat=True):
        for code in functions or []:
            if code in offered:
                offered[code] += 1
    grants = FundingGrant.objects.aggregate(
        total=Sum("amount_yuan"), pilot_yuan=Sum("amount_yuan", filter=Q(pilot=True)),
        pilot_compounds=Count("compound", filter=Q(pilot=True), distinct=True))
    branches = PartyOrg.objects.filter(kind=PartyOrg.Kind.COMPOUND_BRANCH)
    recorded = branches.exclude(secretary_background="")
    bg = dict(recorded.values_list("secretary_background").annotate(n=Count("pk")).order_by())
    sel = dict(recorded.exclude(secretary_selection="").values_list("secretary_selection")
               .annotate(n=Count("pk")).order_by())
    return ResourceFigures(
        centres=by_kind.get(ServiceSite.Kind.NEIGHBOURHOOD_CENTRE, 0),
        stations=by_kind.get(ServiceSite.Kind.PARTY_STATION, 0),
        functions=[(code, str(label), offered[code]) for code, label in ServiceFunction.choices],
        pilot_compounds=grants["pilot_compounds"] or 0, pilot_yuan=grants["pilot_yuan"] or 0,
        grants_yuan=grants["total"] or 0, branches=branches.count(), secretaries_recorded=recorded.count(),
        by_background=[(str(label), bg.get(code, 0)) for code, label in SecretaryBackground.choices],
        by_selection=[(str(label), sel.get(code, 0)) for code, label in SecretarySelection.choices],
        examples=secretary_examples())
