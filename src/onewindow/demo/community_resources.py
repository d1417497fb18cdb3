"""Licheng's resources for compound governance (data/community/resources.yaml): the eleven neighbourhood centres,
the five party-mass stations, the pilot compounds' 250,000 yuan and the secretaries the seed describes (its two
examples, and one branch for each other background and way of choosing it names), written
through the community services. Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from onewindow.community.models import Community, Compound, FundingGrant, PartyOrg, ServiceSite
from onewindow.community.services import resources
from onewindow.demo.community import data


def load(*, scale: int = 0, stdout: Any = None) -> None:
    spec = data("resources")
    if ServiceSite.objects.exists() or not Compound.objects.exists():
        return  # loaded before, or no Licheng tree to place them in
    communities = {c.name: c for c in Community.objects.all()}
    compounds = {c.name: c for c in Compound.objects.select_related("community")}
    with transaction.atomic():
        for row in spec["centres"]:
            community = communities[row["community"]]
            resources.site_save(kind=ServiceSite.Kind.NEIGHBOURHOOD_CENTRE, name=f"{community.name}“党建+”邻里中心",
                                community_id=community.pk, spaces=spec["centre_spaces"], functions=row["functions"],
                                actor=None)
        for row in spec["stations"]:
            compound = compounds[row["compound"]]
            resources.site_save(kind=ServiceSite.Kind.PARTY_STATION, name=f"{compound.name}党群服务站",
                                community_id=compound.community_id, compound_id=compound.pk,
                                spaces=row["spaces"], functions=row["functions"], actor=None)
        pilot = spec["pilot_grants"]
        granted_on = dt.date.fromisoformat(str(pilot["granted_on"]))  # YAML gives a date; str() of it is ISO
        for name in pilot["compounds"]:
            for source, yuan in pilot["per_compound"].items():
                resources.grant_record(compound_id=compounds[name].pk, source=source, amount_yuan=int(yuan),
                                       granted_on=granted_on, purpose=pilot["purpose"], pilot=True, actor=None)
        for row in spec["secretaries"]:
            branch = PartyOrg.objects.get(kind=PartyOrg.Kind.COMPOUND_BRANCH, form=PartyOrg.Form.INDEPENDENT,
                                          compounds=compounds[row["compound"]])
            resources.secretary_record(party_org_id=branch.pk, background=row["background"],
                                       selection=row["selection"], note=row.get("note", ""), actor=None)
    if stdout is not None:
        stdout.write(f"   Licheng resources: {ServiceSite.objects.count()} sites, "
                     f"{FundingGrant.objects.filter(pilot=True).values('compound').distinct().count()} pilot compounds")
