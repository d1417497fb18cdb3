"""Resources of compound governance: the public page of service sites, pilot compounds' money and how branch
secretaries are chosen, and the community worker's forms that record them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.community.access import is_worker
from onewindow.community.models import (
    Community,
    FundingGrant,
    PartyOrg,
    SecretaryBackground,
    SecretarySelection,
    ServiceFunction,
    ServiceSite,
)
from onewindow.community.selectors import organisation as organisation_selectors
from onewindow.community.selectors import resources as selectors
from onewindow.community.services import resources as services
from onewindow.community.views.common import (
    WORKER,
    chosen,
    compound_from_post,
    compound_label,
    date_value,
    int_value,
)
from onewindow.core.access import PUBLIC, allow
from onewindow.core.errors import ServiceError
from onewindow.core.inputs import int_param


@allow(PUBLIC)
def resources(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _page(request: HttpRequest, *, status: int = 200, failed: str = "",
          errors: dict[str, str] | None = None) -> HttpResponse:
    """The page; after a refused form (`failed` is "site" or "grant") with what was typed and the problems
    named next to their fields, at the refusal's status (nothing was written)."""
    context: dict[str, object] = {
        "figures": selectors.resource_figures(), "centres": selectors.sites(kind=ServiceSite.Kind.NEIGHBOURHOOD_CENTRE),
        "stations": selectors.sites(kind=ServiceSite.Kind.PARTY_STATION), "pilots": selectors.pilot_grants()}
    if is_worker(request.user):
        sent = {"form": request.POST, "errors": errors or {}, "functions": request.POST.getlist("functions")}
        context.update({
            "kinds": ServiceSite.Kind.choices, "functions": ServiceFunction.choices,
            "sources": FundingGrant.Source.choices, "backgrounds": SecretaryBackground.choices,
            "selections": SecretarySelection.choices,
            "communities": Community.objects.order_by("street_id", "id").only("id", "name"),
            "compound_labels": [compound_label(c) for c in organisation_selectors.compounds()],
            "branch_labels": [branch_label(b) for b in selectors.compound_branches()],
            "failed": failed, "general_error": (errors or {}).get("general", ""), **{form: sent if failed == form else {} for form in ("site", "grant", "secretary")}})
    return render(request, "community/resources.html", context, status=status)


@allow(WORKER)
def compound_options(request: HttpRequest) -> HttpResponse:
    """The options of a compound picker's list for the community chosen first (htmx swaps them in); every
    compound when no community is chosen."""
    community_id = int_param(request.GET.get("community"), "community", lenient=True)
    compounds = organisation_selectors.compounds()
    if community_id:
        compounds = compounds.filter(community_id=community_id)
    return render(request, "community/_compound_options.html", {"labels": [compound_label(c) for c in compounds]})


@allow(WORKER)
def branch_options(request: HttpRequest) -> HttpResponse:
    """The same for the secretary form's branch picker."""
    community_id = int_param(request.GET.get("community"), "community", lenient=True)
    return render(request, "community/_compound_options.html", {
        "labels": [branch_label(b) for b in selectors.compound_branches(community_id=community_id)]})


def branch_label(branch: PartyOrg) -> str:
    """How the secretary form's picker names a compound branch: its community, then its own name."""
    return f"{branch.community.name} · {branch.name}" if branch.community else branch.name


def _branch_from_post(post: Any, community: Community | None) -> PartyOrg:
    """The branch the picker names: by id (`branch`) or by the label typed or chosen from the list
    (`branch_label`: exactly, or the one branch of that name — in `community` when one was chosen first); else a
    400 naming the field. A branch outside the chosen community is refused too."""
    if (post.get("branch") or "").strip():
        return chosen(PartyOrg, post.get("branch"), "branch")
    label = " ".join((post.get("branch_label") or "").split())
    found = [b for b in selectors.compound_branches() if label and label in (branch_label(b), b.name)]
    if len(found) > 1 and community is not None:
        found = [b for b in found if b.community_id == community.pk] or found
    if len(found) != 1:
        raise ServiceError(_("请从列表中选择小区党支部（可输入社区或支部名称搜索）"), field="branch")
    if community is not None and found[0].community_id != community.pk:
        raise ServiceError(_("该党支部不在所选社区"), field="branch")
    return found[0]


def _refused(request: HttpRequest, form: str, exc: ServiceError) -> HttpResponse:
    return _page(request, status=exc.status, failed=form,
                 errors={str(p.field or "general"): str(p.message) for p in exc.problems})


@allow(WORKER)
@require_POST
def site_create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    try:
        community = chosen(Community, p.get("community"), "community")
        picked = (p.get("compound") or "").strip() or (p.get("compound_label") or "").strip()
        services.site_save(
            kind=p.get("kind", ""), name=p.get("name", ""), actor=request.user, community_id=community.pk,
            compound_id=compound_from_post(p, community=community).pk if picked else None,
            address=p.get("address", ""), spaces=p.get("spaces", ""), functions=p.getlist("functions"),
            opened_on=date_value(p.get("opened_on"), "opened_on") if p.get("opened_on") else None)
    except ServiceError as exc:
        return _refused(request, "site", exc)
    messages.success(request, _("服务阵地已登记"))
    return HttpResponseRedirect(reverse("community:resources"))


@allow(WORKER)
@require_POST
def grant_create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    try:
        community = chosen(Community, p.get("community"), "community") if p.get("community") else None
        services.grant_record(
            compound_id=compound_from_post(p, community=community).pk, source=p.get("source", ""),
            amount_yuan=int_value(p.get("amount_yuan"), "amount_yuan"),
            granted_on=date_value(p.get("granted_on"), "granted_on"), purpose=p.get("purpose", ""),
            pilot=p.get("pilot") == "1", actor=request.user)
    except ServiceError as exc:
        return _refused(request, "grant", exc)
    messages.success(request, _("经费已登记"))
    return HttpResponseRedirect(reverse("community:resources"))


@allow(WORKER)
@require_POST
def secretary_save(request: HttpRequest) -> HttpResponse:
    p = request.POST
    try:
        community = chosen(Community, p.get("community"), "community") if p.get("community") else None
        services.secretary_record(
            party_org_id=_branch_from_post(p, community).pk, background=p.get("background", ""),
            selection=p.get("selection", ""), note=p.get("note", ""), actor=request.user)
    except ServiceError as exc:
        return _refused(request, "secretary", exc)
    messages.success(request, _("书记产生情况已登记"))
    return HttpResponseRedirect(reverse("community:resources"))
