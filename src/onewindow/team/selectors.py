"""Reads of the window team: assessments, exam results, published stars and commendation counts.

`commendation_counts(hall=…)` is the one count of 锦旗 and 表扬信 (the insights dashboard imports it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet

from onewindow.core.masking import mask_name
from onewindow.hall.models import Hall
from onewindow.team.models import (
    Assessment,
    Attempt,
    AttemptStatus,
    Commendation,
    CommendationKind,
    Exam,
    Star,
    StarStatus,
)


def staff_name(user: User | None) -> str:
    """A member of staff as the window shows them: the display name, else the username."""
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return getattr(profile, "display_name", "") or user.get_username()


def commendation_counts(*, hall: Hall | None = None, since: dt.date | None = None,
                        until: dt.date | None = None) -> dict[str, int]:
    """{"banner": 锦旗, "letter": 表扬信, "total": both} received (at one hall, in [since, until])."""
    rows = Commendation.objects.all()
    if hall is not None:
        rows = rows.filter(hall=hall)
    if since is not None:
        rows = rows.filter(received_on__gte=since)
    if until is not None:
        rows = rows.filter(received_on__lte=until)
    counts = rows.aggregate(banner=Count("id", filter=Q(kind=CommendationKind.BANNER)),
                            letter=Count("id", filter=Q(kind=CommendationKind.LETTER)))
    return {"banner": counts["banner"], "letter": counts["letter"], "total": counts["banner"] + counts["letter"]}


def commendation_counts_by_hall() -> dict[int, dict[str, int]]:
    """{hall id: {"banner", "letter", "total"}} in one query (the public page lists every hall)."""
    rows = Commendation.objects.values("hall_id").annotate(
        banner=Count("id", filter=Q(kind=CommendationKind.BANNER)),
        letter=Count("id", filter=Q(kind=CommendationKind.LETTER))).order_by("hall_id")
    return {r["hall_id"]: {"banner": r["banner"], "letter": r["letter"], "total": r["banner"] + r["letter"]}
            for r in rows}


def _grouped(rows: QuerySet[Commendation], keys: list[str]) -> list[dict[str, Any]]:
    return list(rows.values(*keys).annotate(
        banner=Count("id", filter=Q(kind=CommendationKind.BANNER)),
        letter=Count("id", filter=Q(kind=CommendationKind.LETTER))).order_by(*keys))


def commendations_by_counter(*, hall: Hall) -> list[dict[str, Any]]:
    rows = _grouped(Commendation.objects.filter(hall=hall), ["counter__number", "counter__name"])
    return [{"counter": r["counter__number"], "name": r["counter__name"] or "", "banner": r["banner"],
             "letter": r["letter"]} for r in rows]


def commendations_by_clerk(*, hall: Hall | None = None, clerk: User | None = None) -> list[dict[str, Any]]:
    rows = Commendation.objects.filter(clerk__isnull=False)
    if hall is not None:
        rows = rows.filter(hall=hall)
    if clerk is not None:
        rows = rows.filter(clerk=clerk)
    grouped = _grouped(rows, ["clerk_id", "clerk__profile__display_name", "clerk__username"])
    return [{"clerk_id": r["clerk_id"], "clerk": r["clerk__profile__display_name"] or r["clerk__username"],
             "banner": r["banner"], "letter": r["letter"]} for r in grouped]


def commendation_list(*, hall: Hall | None = None, clerk: User | None = None) -> QuerySet[Commendation]:
    rows = Commendation.objects.select_related("hall", "counter", "clerk__profile")
    if hall is not None:
        rows = rows.filter(hall=hall)
    if clerk is not None:
        rows = rows.filter(clerk=clerk)
    return rows


def commendation_public(row: Commendation) -> dict[str, Any]:
    """A commendation as the public sees it: the giver's name masked."""
    return {"kind": row.kind, "kind_label": str(row.get_kind_display()), "received_on": row.received_on.isoformat(),
            "hall": row.hall.code, "counter": row.counter.number if row.counter else None,
            "clerk": staff_name(row.clerk), "from": mask_name(row.giver)}


def assessments(*, month: dt.date, hall: Hall | None = None) -> QuerySet[Assessment]:
    rows = Assessment.objects.filter(month=month).select_related("clerk__profile", "hall", "counter")
    if hall is not None:
        rows = rows.filter(hall=hall)
    return rows.order_by("hall__sort_order", "counter_kind", "rank", "-served", "clerk_id")


def my_assessments(clerk: User) -> QuerySet[Assessment]:
    return Assessment.objects.filter(clerk=clerk).select_related("hall", "counter").order_by("-month")


def assessment_dict(row: Assessment) -> dict[str, Any]:
    return {"clerk": staff_name(row.clerk), "clerk_id": row.clerk_id, "month": row.month.strftime("%Y-%m"),
            "hall": row.hall.code if row.hall else None, "counter": row.counter.number if row.counter else None,
            "counter_kind": row.counter_kind, "served": row.served, "cases_handled": row.cases_handled,
            "ratings_active": row.ratings_active,
            "good_rate": row.good_rate, "errors": row.errors, "days_signed": row.days_signed,
            "days_on_time": row.days_on_time, "volume_part": row.volume_part, "rating_part": row.rating_part,
            "error_part": row.error_part, "punctuality_part": row.punctuality_part, "score": row.score,
            "no_data": row.score is None, "rank": row.rank, "peers": row.peers, "status": row.status}


def exam_results(exam: Exam) -> QuerySet[Attempt]:
    return exam.attempts.filter(status=AttemptStatus.SUBMITTED).select_related("clerk__profile").order_by(
        "-score", "clerk_id", "number")


def published_stars(*, hall: Hall | None = None) -> QuerySet[Star]:
    rows = Star.objects.filter(status=StarStatus.PUBLISHED).select_related("hall", "counter", "clerk__profile")
    if hall is not None:
        rows = rows.filter(hall=hall)
    return rows.order_by("-month", "hall__sort_order")


def star_public(star: Star) -> dict[str, Any]:
    """What the public page shows of a star: staff name as at the window, the window and hall, the month."""
    return {"month": star.month.strftime("%Y-%m"), "name": staff_name(star.clerk), "hall": star.hall.name,
            "hall_code": star.hall.code, "counter": star.counter.number if star.counter else None,
            "counter_name": star.counter.name if star.counter else ""}
