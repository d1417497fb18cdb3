"""Residents' matters, tri-party council proposals and theme events."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from onewindow.community.models import EventSignup, Matter, Proposal, ThemeEvent


def matters(*, status: str = "", kind: str = "") -> QuerySet[Matter]:
    qs = Matter.objects.select_related("compound__community")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-id")


def proposals(*, published_only: bool = False) -> QuerySet[Proposal]:
    qs = Proposal.objects.select_related("compound__community", "branch")
    if published_only:
        qs = qs.filter(status=Proposal.Status.PUBLISHED)
    return qs.order_by("-id")


def events(*, upcoming_only: bool = False) -> QuerySet[ThemeEvent]:
    qs = ThemeEvent.objects.select_related("community").annotate(
        n_signed=Count("signups", distinct=True),
        n_attended=Count("signups", filter=Q(signups__attended=True), distinct=True))
    if upcoming_only:
        qs = qs.filter(status=ThemeEvent.Status.OPEN)
    return qs.order_by("-date", "-id")


def signups(event: ThemeEvent) -> QuerySet[EventSignup]:
    return event.signups.select_related("member__home_compound")
