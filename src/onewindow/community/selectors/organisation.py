"""The organisation tree, party organisations and their coverage of compounds, co-building units."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from onewindow.community.models import CoBuildingUnit, Community, Compound, PartyOrg, Street

COUNTS = ("compounds", "branches", "independent", "joint", "covered", "covered_by_joint")


@dataclass
class Coverage:
    name: str
    compounds: int = 0
    branches: int = 0
    independent: int = 0
    joint: int = 0
    covered: int = 0
    covered_by_joint: int = 0
    children: list[Coverage] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return round(100.0 * self.covered / self.compounds, 1) if self.compounds else 0.0

    def add(self, other: Coverage) -> None:
        for attr in COUNTS:
            setattr(self, attr, getattr(self, attr) + getattr(other, attr))

    def as_dict(self) -> dict[str, Any]:
        return {**{attr: getattr(self, attr) for attr in ("name", *COUNTS)}, "rate": self.rate,
                "children": [c.as_dict() for c in self.children]}


def coverage() -> Coverage:
    """Coverage of compounds by compound party branches, for the district, each street and each community.

    A compound is covered when at least one branch (independent, or joint over several compounds) covers it.
    A branch counts towards the street / community of its own `community` field; a joint branch spanning
    communities counts once, where it is registered, while each compound it covers counts where the
    compound lies. Five queries in all.
    """
    streets = list(Street.objects.order_by("id").values_list("id", "name"))
    communities = list(Community.objects.order_by("street_id", "id").values_list("id", "name", "street_id"))
    compounds = dict(Compound.objects.values_list("id", "community_id"))
    branches = list(PartyOrg.objects.filter(kind=PartyOrg.Kind.COMPOUND_BRANCH)
                    .values_list("id", "form", "community_id"))
    links = list(PartyOrg.compounds.through.objects.filter(partyorg__kind=PartyOrg.Kind.COMPOUND_BRANCH)
                 .values_list("partyorg_id", "compound_id"))
    per_community = {cid: Coverage(name) for cid, name, _s in communities}
    _count_compounds(per_community, compounds, links, {b: f for b, f, _c in branches})
    _count_branches(per_community, branches)
    per_street = {sid: Coverage(name) for sid, name in streets}
    for cid, _name, sid in communities:
        per_street[sid].children.append(per_community[cid])
    total = Coverage("荔城区")
    for street in per_street.values():
        for community in street.children:
            street.add(community)
        total.add(street)
        total.children.append(street)
    return total


def _count_compounds(per_community: dict[int, Coverage], compounds: dict[int, int],
                     links: Iterable[tuple[int, int]], form_of: dict[int, str]) -> None:
    """Each compound once where it lies: covered when any branch covers it; by joint only when no own branch."""
    covered_by: dict[int, set[str]] = defaultdict(set)
    for branch_id, compound_id in links:
        covered_by[compound_id].add(form_of[branch_id])
    for compound_id, community_id in compounds.items():
        c = per_community[community_id]
        c.compounds += 1
        forms = covered_by.get(compound_id)
        if forms:
            c.covered += 1
            c.covered_by_joint += PartyOrg.Form.JOINT in forms and PartyOrg.Form.INDEPENDENT not in forms


def _count_branches(per_community: dict[int, Coverage], branches: Iterable[tuple[int, str, int | None]]) -> None:
    """Each branch once, where it is registered."""
    for _b, form, community_id in branches:
        if community_id in per_community:
            c = per_community[community_id]
            c.branches += 1
            c.independent += form == PartyOrg.Form.INDEPENDENT
            c.joint += form == PartyOrg.Form.JOINT


def party_orgs(*, kind: str = "", community_id: int | None = None) -> QuerySet[PartyOrg]:
    qs = PartyOrg.objects.select_related("street", "community", "building__compound").prefetch_related("compounds")
    if kind:
        qs = qs.filter(kind=kind)
    if community_id:
        qs = qs.filter(community_id=community_id)
    return qs.order_by("kind", "id")


def tree() -> list[Street]:
    """Streets with communities, grids, compounds (and their branches) prefetched: four queries."""
    compounds = Compound.objects.order_by("id").annotate(n_buildings=Count("buildings")).prefetch_related(
        Prefetch("branches", queryset=PartyOrg.objects.only("id", "name", "form", "secretary")))
    return list(Street.objects.order_by("id").prefetch_related(
        Prefetch("communities", queryset=Community.objects.order_by("id").prefetch_related(
            Prefetch("compounds", queryset=compounds), "grids"))))


def communities() -> QuerySet[Community]:
    return Community.objects.order_by("id")


def compounds() -> QuerySet[Compound]:
    """Every compound with its community, for the pickers of the forms."""
    return Compound.objects.select_related("community").order_by("community_id", "id")


def cobuilding_units() -> QuerySet[CoBuildingUnit]:
    return CoBuildingUnit.objects.prefetch_related("resources", "communities").annotate(
        n_members=Count("members", distinct=True)).order_by("id")
