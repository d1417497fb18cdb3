"""Resources of compound governance: the public figures and sites; sites, grants and secretaries recorded by
community workers."""


from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from onewindow.community.api.common import WORKER
from onewindow.community.models import FundingGrant, PartyOrg, ServiceSite
from onewindow.community.selectors import resources as selectors
from onewindow.community.services import resources as services
from onewindow.core.access import PUBLIC, allow
from onewindow.core.inputs import BoundedDate, Id

router = Router()


def _site(s: ServiceSite) -> dict[str, Any]:
    return {"id": s.pk, "kind": s.kind, "name": s.name, "community": s.community.name,
            "compound": s.compound.name if s.compound else None, "address": s.address, "spaces": s.spaces,
            "functions": list(s.functions), "opened_on": s.opened_on.isoformat() if s.opened_on else None}


@router.get("resources", summary="邻里中心、党群服务站、试点小区经费与书记产生情况（公开，不含姓名）")
@allow(PUBLIC)
def resources(request: HttpRequest) -> dict[str, Any]:
    return {"figures": asdict(selectors.resource_figures()),
            "sites": [_site(s) for s in selectors.sites()], "pilot_compounds": selectors.pilot_grants()}


class SiteIn(Schema):
    kind: str
    name: str = Field(..., max_length=100)
    community_id: Id
    compound_id: Id | None = None
    address: str = Field("", max_length=120)
    spaces: str = Field("", max_length=200)
    functions: list[str] = Field(default_factory=list, max_length=6)
    opened_on: BoundedDate | None = None


@router.post("resources/sites", response={201: dict}, summary="登记服务阵地")
@allow(WORKER)
def site_create(request: HttpRequest, payload: SiteIn) -> Status[dict[str, Any]]:
    site = services.site_save(kind=payload.kind, name=payload.name, community_id=payload.community_id,
                              compound_id=payload.compound_id, address=payload.address, spaces=payload.spaces,
                              functions=payload.functions, opened_on=payload.opened_on, actor=request.user)
    return Status(201, _site(ServiceSite.objects.select_related("community", "compound").get(pk=site.pk)))


class GrantIn(Schema):
    compound_id: Id
    source: str
    amount_yuan: int
    granted_on: BoundedDate
    purpose: str = Field("", max_length=120)
    pilot: bool = False


@router.post("resources/grants", response={201: dict}, summary="登记小区工作经费")
@allow(WORKER)
def grant_create(request: HttpRequest, payload: GrantIn) -> Status[dict[str, Any]]:
    grant: FundingGrant = services.grant_record(
        compound_id=payload.compound_id, source=payload.source, amount_yuan=payload.amount_yuan,
        granted_on=payload.granted_on, purpose=payload.purpose, pilot=payload.pilot, actor=request.user)
    return Status(201, {"id": grant.pk, "compound_id": grant.compound_id, "source": grant.source,
                        "amount_yuan": grant.amount_yuan, "granted_on": grant.granted_on.isoformat(),
                        "pilot": grant.pilot})


class SecretaryIn(Schema):
    background: str
    selection: str
    note: str = Field("", max_length=120)


@router.post("organisations/{party_org_id}/secretary", response=dict, summary="登记小区党支部书记的来源与产生方式")
@allow(WORKER)
def secretary_record(request: HttpRequest, party_org_id: Id, payload: SecretaryIn) -> dict[str, Any]:
    org: PartyOrg = services.secretary_record(party_org_id=party_org_id, background=payload.background,
                                              selection=payload.selection, note=payload.note, actor=request.user)
    return {"id": org.pk, "name": org.name, "background": org.secretary_background,
            "selection": org.secretary_selection, "note": org.secretary_note}


