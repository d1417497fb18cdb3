"""The citizen's voice: report a suggestion or complaint (public), look it up by number and phone digits, and the
responsible unit's worklist and steps (answer | complete | close | reassign | publish | unpublish)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from onewindow.core.access import PUBLIC, Role, allow, has_role
from onewindow.core.errors import NotFound, ServiceError
from onewindow.core.idempotency import clean_key, idempotency_scope
from onewindow.core.inputs import Id
from onewindow.core.masking import mask_phone
from onewindow.core.security import rate_limit
from onewindow.feedback.api.common import DEPT
from onewindow.feedback.models import Suggestion, SuggestionKind, VoiceChannel
from onewindow.feedback.selectors import suggestions as selectors
from onewindow.feedback.services import suggestions as services

router = Router()


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
    return _public_out(selectors.suggestion_lookup(number=payload.number, phone_last4=payload.phone_last4))


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


def _act(request: HttpRequest, suggestion_id: int, action: str, payload: SuggestionActionIn) -> None:
    user = request.user
    if action == "answer":
        services.suggestion_answer(suggestion_id=suggestion_id, actor=user, disposition=payload.disposition,
                                   text=payload.text, plan_due_on=payload.plan_due_on)
    elif action == "complete":
        services.suggestion_complete(suggestion_id=suggestion_id, actor=user, text=payload.text)
    elif action == "close":
        services.suggestion_close(suggestion_id=suggestion_id, actor=user, note=payload.note)
    elif action == "reassign":
        if payload.department is None:
            raise ServiceError(_("请选择责任单位"), field="department")
        services.suggestion_reassign(suggestion_id=suggestion_id, department_id=payload.department, actor=user,
                                     note=payload.note)
    elif action in ("publish", "unpublish"):
        services.suggestion_publish(suggestion_id=suggestion_id, actor=user, public=action == "publish",
                                    note=payload.note)
    else:
        raise NotFound(_("没有这个操作"), field="action")


@router.post("/suggestions/{suggestion_id}/{action}", response=SuggestionPublicOut,
             summary="answer | complete | close | reassign | publish | unpublish (Open311)")
@allow(*DEPT)
def suggestion_action(request: HttpRequest, suggestion_id: int, action: str,
                      payload: SuggestionActionIn) -> dict[str, Any]:
    _act(request, suggestion_id, action, payload)
    detail = selectors.suggestion_detail(suggestion_id)
    assert detail is not None
    return _public_out(detail)
