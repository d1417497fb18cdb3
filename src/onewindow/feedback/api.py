"""JSON API under /api/v1/feedback/: ratings (create via token, list, stats, provincial export),
rectification actions, suggestions (create, list, actions, public lookup)."""


import datetime as dt
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from onewindow.core.access import PUBLIC, Role, allow
from onewindow.core.errors import NotFound, ServiceError
from onewindow.core.inputs import BoundedDate, Id
from onewindow.core.masking import mask_phone
from onewindow.core.security import rate_limit
from onewindow.feedback import exports, selectors, services
from onewindow.feedback.links import read_token
from onewindow.feedback.models import Rating, Rectification, Suggestion, SuggestionKind, VoiceChannel

router = Router()

STAFF = (Role.CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR)
DEPT = (Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR)


# ------------------------------------------------------------------ ratings


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
        "rater": None if (r.anonymous or r.is_default) else selectors.rater_display(r),
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
        raise ServiceError("评价链接无效或已被修改", field="token", status=400)
    r = services.rating_create(token=token, level=payload.level, reasons=payload.reasons, text=payload.text,
                               anonymous=payload.anonymous, rater_name=payload.rater_name,
                               rater_phone=payload.rater_phone, user=request.user)
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
    qs = selectors.ratings_list(user=request.user, filters=selectors.StatsFilter(
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
    if q.dimension not in selectors.DIMENSIONS:
        raise ServiceError("统计维度应为 " + "、".join(selectors.DIMENSIONS), field="dimension")
    f = selectors.StatsFilter(start=q.start, end=q.end, department_id=q.department, channel=q.channel)
    scope = selectors.rating_scope(request.user)
    rows = selectors.rating_breakdown(q.dimension, f, scope)
    for row in rows:
        if isinstance(row.get("key"), dt.datetime):
            row["key"] = timezone.localtime(row["key"]).strftime("%Y-%m")
        row["label"] = str(row["label"])
    return {"totals": selectors.rating_totals(f, scope), "dimension": q.dimension, "rows": rows,
            "formulas": {k: str(v) for k, v in selectors.FORMULAS.items()}}


class ExportQuery(Schema):
    start: BoundedDate | None = None
    end: BoundedDate | None = None
    include_default: bool = False


@router.get("/ratings/provincial.jsonl", summary="Ratings in the provincial 好差评 interface format (JSON lines)")
@allow(Role.SUPERVISOR)
def provincial_export(request: HttpRequest, q: Query[ExportQuery]) -> StreamingHttpResponse:
    qs = selectors.ratings_list(user=request.user, filters=selectors.StatsFilter(start=q.start, end=q.end))
    response = StreamingHttpResponse(exports.provincial_lines(qs, include_default=q.include_default),
                                     content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="haochaping.jsonl"'
    return response


# ------------------------------------------------------------------ rectification


class RectOut(Schema):
    id: int
    rating_id: int
    level: str
    reasons: list[str]
    text: str
    anonymous: bool
    department_id: int | None
    state: str
    state_label: str
    disposition: str
    due_on: dt.date
    overdue: bool
    measures: str
    callback_method: str
    callback_outcome: str
    opened_at: dt.datetime
    events: list[dict[str, Any]] = []


def _rect_out(rec: Rectification, *, events: bool = False) -> dict[str, Any]:
    out = {
        "id": rec.pk, "rating_id": rec.rating_id, "level": rec.rating.level, "reasons": rec.rating.reasons,
        "text": rec.rating.text, "anonymous": rec.rating.anonymous, "department_id": rec.department_id,
        "state": rec.state, "state_label": str(rec.get_state_display()), "disposition": rec.disposition,
        "due_on": rec.due_on, "overdue": selectors.is_overdue(rec), "measures": rec.measures,
        "callback_method": rec.callback_method, "callback_outcome": rec.callback_outcome, "opened_at": rec.opened_at,
    }
    if events:
        out["events"] = [{"action": e.action, "from": e.from_state, "to": e.to_state, "at": e.at.isoformat(),
                          "note": e.note} for e in rec.events.all()]
    return out


class RectFilters(Schema):
    state: str = ""
    overdue: bool = False
    open: bool = False


@router.get("/rectifications", response=list[RectOut], summary="Bad-review rectification records")
@allow(*STAFF)
def list_rectifications(request: HttpRequest, q: Query[RectFilters]) -> list[dict[str, Any]]:
    qs = selectors.rectifications_list(user=request.user, state=q.state, overdue_only=q.overdue, open_only=q.open)
    return [_rect_out(r) for r in qs[:1000]]


@router.get("/rectifications/{rect_id}", response=RectOut)
@allow(*STAFF)
def get_rectification(request: HttpRequest, rect_id: int) -> dict[str, Any]:
    rec = selectors.rectification_detail(rect_id)
    if rec is None or not selectors.rectifications_list(user=request.user).filter(pk=rect_id).exists():
        raise NotFound("整改单不存在", field="id")
    return _rect_out(rec, events=True)


class RectActionIn(Schema):
    note: str = ""
    reason: str = ""
    accept: bool | None = None
    disposition: str = ""
    measures: str = ""
    workdays: int | None = None
    method: str = ""
    outcome: str = ""


@router.post("/rectifications/{rect_id}/{action}", response=RectOut,
             summary="verify | appeal | review | dispose | complete | callback | close")
@allow(*STAFF)
def rectification_action(request: HttpRequest, rect_id: int, action: str, payload: RectActionIn) -> dict[str, Any]:
    user = request.user
    if action == "verify":
        services.rectification_verify(rect_id=rect_id, actor=user, note=payload.note)
    elif action == "appeal":
        services.rectification_appeal(rect_id=rect_id, actor=user, reason=payload.reason)
    elif action == "review":
        if payload.accept is None:
            raise ServiceError("请选择申诉是否成立", field="accept")
        services.rectification_review(rect_id=rect_id, actor=user, accept=payload.accept, note=payload.note)
    elif action == "dispose":
        services.rectification_dispose(rect_id=rect_id, actor=user, disposition=payload.disposition,
                                       measures=payload.measures, workdays=payload.workdays)
    elif action == "complete":
        services.rectification_complete(rect_id=rect_id, actor=user, measures=payload.measures)
    elif action == "callback":
        services.rectification_callback(rect_id=rect_id, actor=user, method=payload.method, outcome=payload.outcome)
    elif action == "close":
        services.rectification_close(rect_id=rect_id, actor=user, note=payload.note)
    else:
        raise NotFound("没有这个操作", field="action")
    rec = selectors.rectification_detail(rect_id)
    assert rec is not None
    return _rect_out(rec, events=True)


# ------------------------------------------------------------------ suggestions


class SuggestionIn(Schema):
    category: str
    description: str
    kind: str = SuggestionKind.SUGGESTION
    title: str = ""
    citizen_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    channel: str = Field("", description="staff only: hall_desk | cant_do | phone (public submissions are web)")
    idempotency_key: str = ""


class SuggestionPublicOut(Schema):
    number: str
    category: str
    state: str
    state_label: str
    department: str
    received_at: dt.datetime
    due_on: dt.date
    disposition: str
    replies: list[dict[str, Any]]


def _public_out(s: Suggestion) -> dict[str, Any]:
    return {
        "number": s.number, "category": s.category.name, "state": s.state, "state_label": str(s.get_state_display()),
        "department": s.department.name if s.department else "", "received_at": s.received_at, "due_on": s.due_on,
        "disposition": s.disposition,
        "replies": [{"at": r.at.isoformat(), "text": r.text, "disposition": r.disposition}
                    for r in s.replies.all()],
    }


@router.post("/suggestions", response={201: SuggestionPublicOut}, summary="Report a suggestion or complaint")
@allow(PUBLIC)
def create_suggestion(request: HttpRequest, payload: SuggestionIn) -> Status:
    from onewindow.core.access import has_role
    from onewindow.core.idempotency import clean_key, idempotency_scope

    staff = has_role(request.user, *DEPT, Role.CLERK)
    channel = payload.channel if staff and payload.channel in VoiceChannel.values else VoiceChannel.WEB
    if not staff:
        rate_limit(request, scope="feedback.suggest", limit=10, per_seconds=600)
    # the key may come in the Idempotency-Key header or (older clients) the body; it is scoped to the caller
    key = clean_key(request.headers.get("Idempotency-Key")) or clean_key(payload.idempotency_key,
                                                                         field="idempotency_key")
    s = services.suggestion_submit(
        data=services.SuggestionInput(category=payload.category, description=payload.description,
                                      kind=payload.kind, title=payload.title, citizen_name=payload.citizen_name,
                                      phone=payload.phone, email=payload.email, address=payload.address,
                                      channel=channel),
        actor=request.user, idempotency_key=key or None,
        idempotency_scope=idempotency_scope(actor=request.user, request=request), phone_required=True)
    return Status(201, _public_out(s))


class LookupIn(Schema):
    number: str
    phone_last4: str


@router.post("/suggestions/lookup", response=SuggestionPublicOut, summary="Citizen lookup: number + last 4 phone digits")
@allow(PUBLIC)
def lookup_suggestion(request: HttpRequest, payload: LookupIn) -> dict[str, Any]:
    rate_limit(request, scope="feedback.lookup", limit=20, per_seconds=300)
    return _public_out(services.suggestion_lookup(number=payload.number, phone_last4=payload.phone_last4))


class SuggestionOut(SuggestionPublicOut):
    id: int
    kind: str
    channel: str
    description: str
    citizen_name: str
    phone: str = Field(description="masked")
    department_id: int | None
    overdue: bool
    public: bool = Field(False, description="listed on Open311 (masked)")


class SuggestionFilters(Schema):
    state: str = ""
    category: str = ""
    department: Id | None = None
    overdue: bool = False
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=1_000_000)


@router.get("/suggestions", response=list[SuggestionOut], summary="Suggestions (staff: own unit; supervisors all)")
@allow(*DEPT)
def list_suggestions(request: HttpRequest, q: Query[SuggestionFilters]) -> list[dict[str, Any]]:
    qs = selectors.suggestions_list(user=request.user, state=q.state, category=q.category,
                                    department_id=q.department, overdue_only=q.overdue).prefetch_related("replies")
    out = []
    for s in qs[q.offset:q.offset + q.limit]:
        row = _public_out(s)
        row.update(id=s.pk, kind=s.kind, channel=s.channel, description=s.description,
                   citizen_name=s.citizen_name[:1] + "*" * max(0, len(s.citizen_name) - 1),
                   phone=mask_phone(s.phone), department_id=s.department_id, overdue=selectors.suggestion_overdue(s),
                   public=s.public)
        out.append(row)
    return out


class SuggestionActionIn(Schema):
    disposition: str = ""
    text: str = ""
    plan_due_on: dt.date | None = None
    department: int | None = None
    note: str = ""


@router.post("/suggestions/{suggestion_id}/{action}", response=SuggestionPublicOut,
             summary="answer | complete | close | reassign | publish | unpublish (Open311)")
@allow(*DEPT)
def suggestion_action(request: HttpRequest, suggestion_id: int, action: str,
                      payload: SuggestionActionIn) -> dict[str, Any]:
    user = request.user
    if action == "answer":
        s = services.suggestion_answer(suggestion_id=suggestion_id, actor=user, disposition=payload.disposition,
                                       text=payload.text, plan_due_on=payload.plan_due_on)
    elif action == "complete":
        s = services.suggestion_complete(suggestion_id=suggestion_id, actor=user, text=payload.text)
    elif action == "close":
        s = services.suggestion_close(suggestion_id=suggestion_id, actor=user, note=payload.note)
    elif action == "reassign":
        if payload.department is None:
            raise ServiceError("请选择责任单位", field="department")
        s = services.suggestion_reassign(suggestion_id=suggestion_id, department_id=payload.department, actor=user,
                                         note=payload.note)
    elif action in ("publish", "unpublish"):
        s = services.suggestion_publish(suggestion_id=suggestion_id, actor=user, public=action == "publish",
                                        note=payload.note)
    else:
        raise NotFound("没有这个操作", field="action")
    detail = selectors.suggestion_detail(s.pk)
    assert detail is not None
    return _public_out(detail)
