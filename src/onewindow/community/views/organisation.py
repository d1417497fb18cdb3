"""Organisation and members: the dashboard, the tree and its import, members and their record, teams, the
monthly two-way feedback to employers, and the public coverage page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.community import reports
from onewindow.community.access import is_worker
from onewindow.community.models import CoBuildingUnit, Compound, Member, PartyOrg, Team
from onewindow.community.selectors import feedback as feedback_selectors
from onewindow.community.selectors import hours, ledger
from onewindow.community.selectors import members as member_selectors
from onewindow.community.selectors import organisation as organisation_selectors
from onewindow.community.selectors.orders import order_status_counts, orders
from onewindow.community.services import ledger as ledger_services
from onewindow.community.services import members as member_services
from onewindow.community.services import organisation as organisation_services
from onewindow.community.views.common import READERS, WORKER, chosen, int_value, page, run
from onewindow.core import clock
from onewindow.core.access import PUBLIC, allow
from onewindow.core.audit import audit_log
from onewindow.core.errors import ServiceError


@allow(*READERS)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "community/home.html", {
        "coverage": organisation_selectors.coverage(), "counts": member_selectors.member_counts(),
        "order_counts": order_status_counts(), "teams": member_selectors.teams().count(),
        "top": hours.top_volunteers(limit=5),
        "hours_total": sum(r["minutes"] for r in hours.hours_by_month(months=120)) // 60,
    })


@allow(*READERS)
def organisation(request: HttpRequest) -> HttpResponse:
    branches = organisation_selectors.party_orgs(kind=PartyOrg.Kind.COMPOUND_BRANCH)
    return render(request, "community/organisation.html", {
        "coverage": organisation_selectors.coverage(), "streets": organisation_selectors.tree(),
        "committees": organisation_selectors.party_orgs().exclude(kind=PartyOrg.Kind.COMPOUND_BRANCH)
        .exclude(kind=PartyOrg.Kind.BUILDING_GROUP),
        "joint_branches": branches.filter(form=PartyOrg.Form.JOINT),
        "units": organisation_selectors.cobuilding_units(),
    })


@allow(WORKER)
def tree_import(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"columns": organisation_services.TREE_COLUMNS}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ServiceError(_("请选择要导入的 Excel 文件"), field="file")
            result = organisation_services.tree_import(data=upload.read(), actor=request.user)
        except ServiceError as exc:
            context["error"] = exc
        else:
            context["result"] = result
    return render(request, "community/tree_import.html", context)


@allow(*READERS)
def members(request: HttpRequest) -> HttpResponse:
    qs = member_selectors.members(
        q=request.GET.get("q", "").strip(), category=request.GET.get("category", ""),
        star=request.GET.get("star") == "1",
        community_id=int_value(request.GET.get("community"), "community", default=0) or None,
        team_id=int_value(request.GET.get("team"), "team", default=0) or None)
    listed = page(request, qs)
    return render(request, "community/members.html", {
        "page": listed, "rows": [member_selectors.member_row(m) for m in listed.object_list],
        "categories": Member.Category.choices, "communities": organisation_selectors.communities(),
        "counts": member_selectors.member_counts(), "employers": CoBuildingUnit.objects.order_by("id"),
        "compounds": organisation_selectors.compounds(), "is_worker": is_worker(request.user),
    })


@allow(WORKER)
@require_POST
def member_create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    return run(request, lambda: member_services.member_create(
        name=p.get("name", ""), category=p.get("category", ""), phone=p.get("phone", ""),
        home_compound=chosen(Compound, p.get("home_compound"), "home_compound"),
        employer=chosen(CoBuildingUnit, p.get("employer"), "employer") if p.get("employer") else None,
        skills=p.get("skills", ""), actor=request.user), _("党员档案已建立"), reverse("community:members"))


@allow(*READERS)
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_selectors.member_detail(pk)
    if member is None:
        raise Http404
    audit_log(actor=request.user, action="community.member_view_full", target=member)
    return render(request, "community/member_detail.html", {
        "member": member, "teams": member.teams.all(), "events": member.events.all()[:50],
        "all_teams": Team.objects.order_by("id").only("id", "name"),
        "statement": ledger.statement(ledger_services.account_for_member(member), limit=50),
        "orders": orders(member=member)[:20],
    })


@allow(WORKER)
@require_POST
def member_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    member = get_object_or_404(Member, pk=pk)
    default = reverse("community:member_detail", args=[pk])
    user, p = request.user, request.POST
    if action == "report_in":
        return run(request, lambda: member_services.member_report_in(member=member, actor=user), _("已报到"),
                   default)
    if action == "star":
        return run(request, lambda: member_services.member_set_star(member=member, title=p.get("title", ""),
                                                                    actor=user), _("已更新社区民星"), default)
    if action == "join":
        return run(request, lambda: member_services.team_join(team=chosen(Team, p.get("team"), "team"),
                                                              member=member, actor=user), _("已加入服务队"), default)
    raise Http404


@allow(*READERS)
def teams(request: HttpRequest) -> HttpResponse:
    return render(request, "community/teams.html", {
        "teams": member_selectors.teams(), "hours": {r["team"]: r["hours"] for r in hours.hours_by_team()}})


def _month(request: HttpRequest, month: str | None) -> str:
    value = month or request.GET.get("month") or (clock.today().replace(day=1) - dt.timedelta(days=1)).strftime(
        "%Y-%m")
    try:
        feedback_selectors.month_bounds(value)
    except ValueError:
        raise Http404 from None
    return value


@allow(*READERS)
def feedback_index(request: HttpRequest) -> HttpResponse:
    return render(request, "community/feedback_index.html", {"employers": feedback_selectors.employers(),
                                                             "month": _month(request, None)})


@allow(*READERS)
def feedback_report(request: HttpRequest, employer_id: int, month: str, fmt: str = "html") -> HttpResponse:
    employer = get_object_or_404(CoBuildingUnit, pk=employer_id)
    month = _month(request, month)
    data = feedback_selectors.feedback_report(employer=employer, month=month)
    audit_log(actor=request.user, action="community.feedback_report", target=employer,
              detail={"month": month, "format": fmt})
    if fmt == "pdf":
        return reports.feedback_pdf(data)
    if fmt == "xlsx":
        return reports.feedback_xlsx(data)
    return render(request, "community/feedback_report.html", {"data": data, "month": month})


@allow(PUBLIC)
def public_coverage(request: HttpRequest) -> HttpResponse:
    return render(request, "community/public_coverage.html", {"coverage": organisation_selectors.coverage()})
