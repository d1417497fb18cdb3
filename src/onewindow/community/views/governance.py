"""Governance pages: residents' matters, council proposals (and their public pages), theme events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.community.models import Community, Compound, Matter, Member, Proposal, ThemeEvent
from onewindow.community.selectors import governance as selectors
from onewindow.community.selectors import organisation as organisation_selectors
from onewindow.community.services import matters as matter_services
from onewindow.community.services import proposals as proposal_services
from onewindow.community.services import theme_events
from onewindow.community.views.common import READERS, WORKER, chosen, date_value, int_value, page, run
from onewindow.core import clock
from onewindow.core.access import PUBLIC, allow
from onewindow.core.audit import audit_log
from onewindow.core.masking import mask_name

# ------------------------------------------------------------------ matters


@allow(*READERS)
def matters(request: HttpRequest) -> HttpResponse:
    listed = page(request, selectors.matters(status=request.GET.get("status", ""), kind=request.GET.get("kind", "")))
    return render(request, "community/matters.html", {
        "page": listed, "kinds": Matter.Kind.choices, "statuses": Matter.Status.choices,
        "compounds": organisation_selectors.compounds()})


@allow(WORKER)
@require_POST
def matter_intake(request: HttpRequest) -> HttpResponse:
    p = request.POST
    return run(request, lambda: matter_services.matter_intake(
        kind=p.get("kind", ""), compound=chosen(Compound, p.get("compound"), "compound"),
        resident_name=p.get("resident_name", ""), resident_phone=p.get("resident_phone", ""),
        subject=p.get("subject", ""), description=p.get("description", ""), actor=request.user),
        _("诉求已受理"), reverse("community:matters"))


@allow(*READERS)
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    matter = get_object_or_404(Matter.objects.select_related("compound__community"), pk=pk)
    audit_log(actor=request.user, action="community.matter_view_full", target=matter)
    labels = {**matter_services.MATTER_ACTION_LABELS, "intake": _("受理")}
    logs = [{"at": log.at, "action": labels.get(log.action, log.action), "to": Matter.Status(log.to_status).label,
             "note": log.reason} for log in matter.logs.all()]
    return render(request, "community/matter_detail.html", {"matter": matter, "logs": logs,
                                                            "routes": Matter.Route.choices})


@allow(WORKER)
@require_POST
def matter_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    matter = get_object_or_404(Matter, pk=pk)
    p, user = request.POST, request.user
    calls: dict[str, Callable[[], Any]] = {
        "route": lambda: matter_services.matter_route(matter=matter, route=p.get("route", ""),
                                                      note=p.get("note", ""), actor=user),
        "mediate": lambda: matter_services.matter_mediate(matter=matter, note=p.get("note", ""), actor=user),
        "resolve": lambda: matter_services.matter_resolve(matter=matter, resolution=p.get("resolution", ""),
                                                          actor=user),
        "close": lambda: matter_services.matter_close(matter=matter, feedback=p.get("feedback", ""),
                                                      satisfied=p.get("satisfied") == "1", actor=user),
    }
    if action not in calls:
        raise Http404
    return run(request, calls[action], _("已保存"), reverse("community:matter_detail", args=[pk]))


# ------------------------------------------------------------------ proposals


@allow(*READERS)
def proposals(request: HttpRequest) -> HttpResponse:
    return render(request, "community/proposals.html", {
        "proposals": selectors.proposals(), "topics": Proposal.Topic.choices,
        "compounds": organisation_selectors.compounds()})


@allow(WORKER)
@require_POST
def proposal_create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    return run(request, lambda: proposal_services.proposal_create(
        compound=chosen(Compound, p.get("compound"), "compound"), topic=p.get("topic", ""),
        title=p.get("title", ""), content=p.get("content", ""), actor=request.user),
        _("已提议"), reverse("community:proposals"))


@allow(*READERS)
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.select_related("compound__community", "branch"), pk=pk)
    return render(request, "community/proposal_detail.html", {
        "proposal": proposal, "events": proposal.events.all(), "next_step": proposal_services.next_step(
            proposal.status)})


@allow(WORKER)
@require_POST
def proposal_advance(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    p = request.POST
    return run(request, lambda: proposal_services.proposal_advance(
        proposal=proposal, step=p.get("step", ""), text=p.get("text", ""), actor=request.user,
        votes_for=int_value(p.get("votes_for"), "votes_for", default=0),
        votes_against=int_value(p.get("votes_against"), "votes_against", default=0),
        votes_abstain=int_value(p.get("votes_abstain"), "votes_abstain", default=0),
        approval_rate=int_value(p.get("approval_rate"), "approval_rate") if p.get("approval_rate") else None),
        _("已进入下一阶段"), reverse("community:proposal_detail", args=[pk]))


@allow(PUBLIC)
def public_proposals(request: HttpRequest) -> HttpResponse:
    return render(request, "community/public_proposals.html",
                  {"proposals": selectors.proposals(published_only=True)})


@allow(PUBLIC)
def public_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(selectors.proposals(published_only=True), pk=pk)
    return render(request, "community/public_proposal.html", {"proposal": proposal,
                                                              "events": proposal.events.all()})


# ------------------------------------------------------------------ theme events


@allow(*READERS)
def events(request: HttpRequest) -> HttpResponse:
    return render(request, "community/events.html", {
        "events": selectors.events(), "communities": organisation_selectors.communities(),
        "next_theme_day": theme_events.next_theme_day(clock.today())})


@allow(WORKER)
@require_POST
def event_create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    return run(request, lambda: theme_events.event_create(
        community=chosen(Community, p.get("community"), "community"), title=p.get("title", ""),
        date=date_value(p.get("date"), "date"), place=p.get("place", ""),
        capacity=int_value(p.get("capacity"), "capacity", default=50),
        credit_minutes=int_value(p.get("credit_minutes"), "credit_minutes", default=0), actor=request.user),
        _("活动已发布"), reverse("community:events"))


@allow(*READERS)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(ThemeEvent.objects.select_related("community"), pk=pk)
    return render(request, "community/event_detail.html", {
        "event": event, "signups": [{"s": s, "name": mask_name(s.member.name)} for s in selectors.signups(event)]})


@allow(WORKER)
@require_POST
def event_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    event = get_object_or_404(ThemeEvent, pk=pk)
    default = reverse("community:event_detail", args=[pk])
    user = request.user
    if action == "attendance":
        ids = [int(x) for x in request.POST.getlist("member") if x.isdigit()]
        return run(request, lambda: theme_events.event_mark_attendance(event=event, member_ids=ids, actor=user),
                   _("已登记签到"), default)
    if action == "close":
        return run(request, lambda: theme_events.event_close(event=event, actor=user), _("活动已结束"), default)
    if action == "sign_up":
        return run(request, lambda: theme_events.event_sign_up(
            event=event, member=chosen(Member, request.POST.get("member"), "member"), actor=user),
            _("报名成功"), default)
    raise Http404
