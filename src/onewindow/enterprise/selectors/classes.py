"""Reads for growth classes: the schedule, an enterprise's registrations, the door list and figures per topic."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum

from onewindow.core import clock
from onewindow.enterprise.models import ClassRegistration, ClassSession, Enterprise, Topic

R = ClassRegistration.Status


def sessions(*, upcoming: bool | None = None, topic: str = "") -> QuerySet[ClassSession]:
    qs = ClassSession.objects.select_related("speaker_department").annotate(
        seated=Count("registrations", filter=Q(registrations__status__in=(R.REGISTERED, R.ATTENDED))),
        waiting=Count("registrations", filter=Q(registrations__status=R.WAITING)))
    if topic in Topic.values:
        qs = qs.filter(topic=topic)
    if upcoming is True:
        qs = qs.filter(ends_at__gte=clock.now()).order_by("starts_at", "id")
    elif upcoming is False:
        qs = qs.filter(ends_at__lt=clock.now())
    return qs


def registrations_of(enterprises: QuerySet[Enterprise]) -> QuerySet[ClassRegistration]:
    return (ClassRegistration.objects.filter(enterprise__in=enterprises)
            .select_related("session__speaker_department", "enterprise", "feedback").order_by("-registered_at"))


def door_list(session: ClassSession) -> QuerySet[ClassRegistration]:
    return session.registrations.exclude(status=R.CANCELLED).select_related("enterprise").order_by(
        "status", "registered_at", "id")


def figures_by_topic() -> list[dict[str, Any]]:
    """Per topic: classes held or planned, seats, sign-ups, attendance and the average score."""
    labels = dict(Topic.choices)
    by_session = (ClassSession.objects.exclude(status=ClassSession.Status.CANCELLED).values("topic")
                  .annotate(classes=Count("id"), capacity=Sum("capacity")))
    regs = (ClassRegistration.objects.exclude(session__status=ClassSession.Status.CANCELLED)
            .values("session__topic")
            .annotate(signed_up=Count("id", filter=Q(status__in=(R.REGISTERED, R.ATTENDED))),
                      waiting=Count("id", filter=Q(status=R.WAITING)),
                      attended=Count("id", filter=Q(status=R.ATTENDED)),
                      ratings=Count("feedback"), score=Avg("feedback__score")))
    reg_by_topic = {r["session__topic"]: r for r in regs}
    rows = []
    for s in sorted(by_session, key=lambda r: list(labels).index(r["topic"])):
        r = reg_by_topic.get(s["topic"], {})
        signed = r.get("signed_up", 0) + 0
        attended = r.get("attended", 0)
        rows.append({"topic": s["topic"], "label": labels[s["topic"]], "classes": s["classes"],
                     "capacity": s["capacity"] or 0, "signed_up": signed, "waiting": r.get("waiting", 0),
                     "attended": attended,
                     "attendance_rate": round(100 * attended / signed, 1) if signed else None,
                     "ratings": r.get("ratings", 0),
                     "score": round(float(r["score"]), 2) if r.get("score") is not None else None})
    return rows
