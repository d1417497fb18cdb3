"""Resources of compound governance: the public page of service sites, pilot compounds' money and how branch
secretaries are chosen, and the community worker's forms that record them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.community.access import is_worker
from onewindow.community.models import (
    Community,
    Compound,
    FundingGrant,
    PartyOrg,
    SecretaryBackground,
    SecretarySelection,
    ServiceFunction,
    ServiceSite,
)
from onewindow.community.selectors import resources as selectors
from onewindow.community.services import resources as services
from onewindow.community.views.common import WORKER, chosen, date_value, int_value, run
from onewindow.core.access import PUBLIC, allow


@allow(PUBLIC)
def resources(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {
        "figures": selectors.resource_figures(), "centres": selectors.sites(kind=ServiceSite.Kind.NEIGHBOURHOOD_CENTRE),
        "stations": selectors.sites(kind=ServiceSite.Kind.PARTY_STATION), "pilots": selectors.pilot_grants()}
    if is_worker(request.user):
        context.update({
            "kinds": ServiceSite.Kind.choices, "functions": ServiceFunction.choices,
            "sources": FundingGrant.Source.choices, "backgrounds": SecretaryBackground.choices,
            "selections": SecretarySelection.choices,
            "communities": Community.objects.order_by("street_id", "id").only("id", "name"),
            "compounds": Compound.objects.select_related("community").order_by("community_id", "name")
            .only("id", "name", "community__name"),
            "branches": PartyOrg.objects.filter(kind=PartyOrg.Kind.COMPOUND_BRANCH).order_by("name")
            .only("id", "name")})
    return render(request, "community/resources.html", context)


@allow(WORKER)
@require_POST
def site_create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    return run(request, lambda: services.site_save(
        kind=p.get("kind", ""), name=p.get("name", ""), actor=request.user,
        community_id=chosen(Community, p.get("community"), "community").pk,
        compound_id=chosen(Compound, p.get("compound"), "compound").pk if p.get("compound") else None,
        address=p.get("address", ""), spaces=p.get("spaces", ""), functions=p.getlist("functions"),
        opened_on=date_value(p.get("opened_on"), "opened_on") if p.get("opened_on") else None),
        _("服务阵地已登记"), reverse("community:resources"))


@allow(WORKER)
@require_POST
def grant_create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    return run(request, lambda: services.grant_record(
        compound_id=chosen(Compound, p.get("compound"), "compound").pk, source=p.get("source", ""),
        amount_yuan=int_value(p.get("amount_yuan"), "amount_yuan"),
        granted_on=date_value(p.get("granted_on"), "granted_on"), purpose=p.get("purpose", ""),
        pilot=p.get("pilot") == "1", actor=request.user), _("经费已登记"), reverse("community:resources"))


@allow(WORKER)
@require_POST
def secretary_save(request: HttpRequest) -> HttpResponse:
    p = request.POST
    return run(request, lambda: services.secretary_record(
        party_org_id=chosen(PartyOrg, p.get("branch"), "branch").pk, background=p.get("background", ""),
        selection=p.get("selection", ""), note=p.get("note", ""), actor=request.user),
        _("书记产生情况已登记"), reverse("community:resources"))
