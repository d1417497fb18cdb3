"""Ratings: rate a service with the token of its link (public), the staff's rating list, the published figures
and the provincial export."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from onewindow.core.access import PUBLIC, Role, allow
from onewindow.core.errors import ServiceError
from onewindow.core.inputs import BoundedDate, Id
from onewindow.core.security import rate_limit
from onewindow.feedback.api.common import STAFF
from onewindow.feedback.links import read_token
from onewindow.feedback.models import Rating
from onewindow.feedback.provincial import provincial_lines
from onewindow.feedback.selectors import ratings as rating_selectors
from onewindow.feedback.selectors import statistics
from onewindow.feedback.services import ratings as rating_services

router = Router()


class RatingIn(Schema):
    token: str
    level: str = Field(description="very_satisfied | satisfied | basic | dissatisfied | very_dissatisfied")
    reasons: list[str] = []
    text: str = ""
    anonymous: bool = True
    rater_name: str = ""
    rater_phone: str = ""


class RatingPublicOut(Schema):
    id: int
    sequence: int
    level: str
    level_label: str
    channel: str
    reasons: list[str]
    rated_at: dt.datetime
    rectification_opened: bool


class RatingOut(Schema):
    id: int
    target_kind: str
    target_id: int
    target_number: str
    sequence: int
    level: str
    level_label: str
    channel: str
    reasons: list[str]
    text: str
    anonymous: bool
    is_default: bool
    rater: str | None = Field(None, description="null for anonymous and default ratings; masked otherwise")
    department_id: int | None
    department: str
    item_id: int | None
    item_name: str
    clerk_id: int | None
    hall_name: str
    counter_name: str
    rated_at: dt.datetime
    rectification_id: int | None
    rectification_state: str | None


def _rating_out(r: Rating) -> dict[str, Any]:
    rec = getattr(r, "rectification", None) if r.is_bad else None
    return {
        "id": r.pk, "target_kind": r.target_kind, "target_id": r.target_id, "target_number": r.target_number,
        "sequence": r.sequence, "level": r.level, "level_label": str(r.get_level_display()), "channel": r.channel,
        "reasons": r.reasons, "text": r.text, "anonymous": r.anonymous, "is_default": r.is_default,
        "rater": None if (r.anonymous or r.is_default) else rating_selectors.rater_display(r),
        "department_id": r.department_id, "department": r.department.name if r.department else "",
        "item_id": r.item_id, "item_name": r.item_name, "clerk_id": r.clerk_id, "hall_name": r.hall_name,
        "counter_name": r.counter_name, "rated_at": r.rated_at,
        "rectification_id": rec.pk if rec else None, "rectification_state": rec.state if rec else None,
    }


@router.post("/ratings", response={201: RatingPublicOut}, summary="Rate a service (token from the rating link)")
@allow(PUBLIC)
def create_rating(request: HttpRequest, payload: RatingIn) -> Status:
    rate_limit(request, scope="feedback.rate", limit=30, per_seconds=60)
    token = read_token(payload.token)
    if token is None:
        raise ServiceError(_("评价链接无效或已被修改"), field="token", status=400)
    r = rating_services.rating_create(token=token, level=payload.level, reasons=payload.reasons, text=payload.text,
                                      anonymous=payload.anonymous, rater_name=payload.rater_name,
                                      rater_phone=payload.rater_phone, actor=request.user)
    return Status(201, {"id": r.pk, "sequence": r.sequence, "level": r.level, "level_label": str(r.get_level_display()),
                        "channel": r.channel, "reasons": r.reasons, "rated_at": r.rated_at,
                        "rectification_opened": r.is_bad})


class RatingFilters(Schema):
    start: BoundedDate | None = None
    end: BoundedDate | None = None
    department: Id | None = None
    channel: str = ""
    level: str = ""
    bad_only: bool = False
    include_default: bool = True
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=1_000_000)


@router.get("/ratings", response=list[RatingOut], summary="Ratings (staff; anonymous raters never shown)")
@allow(*STAFF)
def list_ratings(request: HttpRequest, filters: Query[RatingFilters]) -> list[dict[str, Any]]:
    qs = rating_selectors.ratings_list(user=request.user, filters=rating_selectors.StatsFilter(
        start=filters.start, end=filters.end, department_id=filters.department, channel=filters.channel),
        level=filters.level, bad_only=filters.bad_only, include_default=filters.include_default)
    return [_rating_out(r) for r in qs[filters.offset:filters.offset + filters.limit]]


class StatsQuery(Schema):
    dimension: str = Field("department", description="department|hall|counter|clerk|item|channel|month")
    start: BoundedDate | None = None
    end: BoundedDate | None = None
    department: Id | None = None
    channel: str = ""


@router.get("/ratings/stats", summary="Published figures overall and by a dimension")
@allow(*STAFF)
def rating_stats(request: HttpRequest, q: Query[StatsQuery]) -> dict[str, Any]:
    if q.dimension not in statistics.DIMENSIONS:
        raise ServiceError(_("统计维度应为 %(dimensions)s") % {"dimensions": "、".join(statistics.DIMENSIONS)},
                           field="dimension")
    f = rating_selectors.StatsFilter(start=q.start, end=q.end, department_id=q.department, channel=q.channel)
    scope = rating_selectors.rating_scope(request.user)
    rows = statistics.rating_breakdown(q.dimension, f, scope)
    for row in rows:
        if isinstance(row.get("key"), dt.datetime):
            row["key"] = timezone.localtime(row["key"]).strftime("%Y-%m")
        row["label"] = str(row["label"])
    return {"totals": statistics.rating_totals(f, scope), "dimension": q.dimension, "rows": rows,
            "formulas": {k: str(v) for k, v in statistics.FORMULAS.items()}}


class ExportQuery(Schema):
    start: BoundedDate | None = None
    end: BoundedDate | None = None
    include_default: bool = False


@router.get("/ratings/provincial.jsonl", summary="Ratings in the provincial 好差评 interface format (JSON lines)")
@allow(Role.SUPERVISOR)
def provincial_export(request: HttpRequest, q: Query[ExportQuery]) -> StreamingHttpResponse:
    qs = rating_selectors.ratings_list(user=request.user, filters=rating_selectors.StatsFilter(start=q.start, end=q.end))
    response = StreamingHttpResponse(provincial_lines(qs, include_default=q.include_default),
                                     content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="haochaping.jsonl"'
    return response
