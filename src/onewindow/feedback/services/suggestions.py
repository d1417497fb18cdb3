"""The citizen's voice (意见建议, complaints, 办不成事): intake from every channel, routing to the responsible unit,
the unit's reply and the rectification it promises, closing, publication on Open311, and the citizen's lookup.

    unassigned ──reassign──▶ assigned ──answer: fix_now / explain──▶ answered ──close──▶ closed
                                 │  ▲          └──answer: fix_deadline──▶ rectifying ──complete──▶ answered
                                 └──┘ reassign

Every state change is one core.events.transition() (its SuggestionEvent and audit entry); receiving, routing and
publishing are recorded with core.events.record_event(). Nothing closes without a reply (the model's constraint
says so too), and staff do not answer what they filed themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.core.access import Role, has_role
from onewindow.core.actors import Actor, actor_user
from onewindow.core.audit import audit_log
from onewindow.core.calendar import deadline_after
from onewindow.core.counters import counter_next
from onewindow.core.errors import Conflict, FieldProblem, Forbidden, NotFound, ServiceError
from onewindow.core.events import record_event, transition
from onewindow.core.idempotency import clean_key, idempotent_replay, request_fingerprint
from onewindow.core.idempotency import idempotency_scope as core_idempotency_scope
from onewindow.core.validators import clean_text
from onewindow.feedback.access import can_work_suggestion
from onewindow.feedback.inputs import clean_phone, one_line
from onewindow.feedback.models import (
    Disposition,
    RoutingRule,
    Suggestion,
    SuggestionCategory,
    SuggestionEvent,
    SuggestionKind,
    SuggestionReply,
    SuggestionState,
    VoiceChannel,
)

DESCRIPTION_MAX = 2000
CHINA = dt.timezone(dt.timedelta(hours=8))


@dataclass
class SuggestionInput:
    category: str
    description: str
    channel: str = VoiceChannel.WEB
    kind: str = SuggestionKind.SUGGESTION
    title: str = ""
    citizen_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    address_id: str = ""
    lat: Any = None
    long: Any = None
    media_url: str = ""
    device_id: str = ""
    account_id: str = ""
    attributes: dict[str, Any] | None = None
    received_at: dt.datetime | None = None


# ------------------------------------------------------------------ intake


def route_department(category: SuggestionCategory, text: str) -> Department | None:
    """The first rule of the category whose keyword occurs in the text (blank keyword: always), else the
    category's default unit, else None (a supervisor assigns it)."""
    for rule in RoutingRule.objects.filter(category=category).select_related("department").order_by("priority", "id"):
        if not rule.keyword or rule.keyword in text:
            return rule.department
    return category.department


def _decimal(value: Any, field: str, lo: int, hi: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError(_("%(f)s应为数字") % {"f": field}, field=field) from exc
    if not number.is_finite():  # NaN / Infinity: a comparison with NaN raises InvalidOperation
        raise ServiceError(_("%(f)s应为数字") % {"f": field}, field=field)
    if not (lo <= number <= hi):
        raise ServiceError(_("%(f)s超出范围") % {"f": field}, field=field)
    return number.quantize(Decimal("0.000001"))


def _problems(data: SuggestionInput, category: SuggestionCategory | None, description: str) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if category is None:
        problems.append(FieldProblem("category", _("请选择反映类别")))
    if not description:
        problems.append(FieldProblem("description", _("请填写反映内容")))
    elif len(description) > DESCRIPTION_MAX:
        problems.append(FieldProblem("description", _("反映内容不能超过2000字")))
    if data.channel not in VoiceChannel.values:
        problems.append(FieldProblem("channel", _("来源渠道无效")))
    if data.kind not in SuggestionKind.values:
        problems.append(FieldProblem("kind", _("诉求类型无效")))
    return problems


def suggestion_validate(data: SuggestionInput, *, phone_required: bool) -> tuple[SuggestionCategory, dict[str, Any]]:
    """The category and the cleaned fields of a suggestion, or a ServiceError naming every field that is wrong."""
    category = SuggestionCategory.objects.filter(code=data.category, active=True).select_related("department").first()
    description = clean_text(data.description)
    problems = _problems(data, category, description)
    fields: dict[str, Any] = {}
    try:
        fields["phone"] = clean_phone(clean_text(data.phone), "phone", required=phone_required)
    except ServiceError as exc:
        problems.extend(exc.problems)
    try:
        fields["lat"] = _decimal(data.lat, "lat", -90, 90)
        fields["long"] = _decimal(data.long, "long", -180, 180)
    except ServiceError as exc:
        problems.extend(exc.problems)
    if problems or category is None:
        raise ServiceError(problems[0].message, problems=problems)
    fields.update(
        description=description, title=one_line(data.title, 200), citizen_name=one_line(data.citizen_name, 50),
        email=one_line(data.email, 120), address=one_line(data.address, 200),
        address_id=one_line(data.address_id, 60), media_url=one_line(data.media_url, 500),
        device_id=one_line(data.device_id, 100), account_id=one_line(data.account_id, 100),
        attributes={one_line(k, 60): one_line(v, 500) for k, v in (data.attributes or {}).items()},
        kind=data.kind, channel=data.channel)
    return category, fields


def suggestion_receive(*, category: SuggestionCategory, fields: Mapping[str, Any], actor: Actor,
                       received_at: dt.datetime | None, idempotency_key: str | None = None,
                       idempotency_scope: str = "", idempotency_fingerprint: str = "") -> Suggestion:
    """Number, route and store one validated suggestion, with its due date (the caller holds the transaction)."""
    now = clock.now()
    received_at = received_at or now
    department = route_department(category, f"{fields['description']} {fields['title']}")
    due = deadline_after(received_at.astimezone(CHINA).date(), category.due_workdays)
    today = clock.today()
    s = Suggestion.objects.create(
        number=f"JY{today:%Y%m%d}{counter_next(scope='feedback.suggestion', day=today):04d}",
        category=category, department=department,
        state=SuggestionState.ASSIGNED if department else SuggestionState.UNASSIGNED,
        due_on=due.date, due_provisional=due.provisional, received_at=received_at, updated_at=now,
        public=fields["channel"] == VoiceChannel.OPEN311,  # filed on the public Open311 interface: public
        idempotency_key=idempotency_key or None, idempotency_scope=idempotency_scope if idempotency_key else "",
        idempotency_fingerprint=idempotency_fingerprint if idempotency_key else "",
        recorded_by=actor_user(actor), **fields)
    record_event(s, event_model=SuggestionEvent, action="received", actor=actor, to_status=s.state, at=now,
                 data={"channel": s.channel})
    if department:
        record_event(s, event_model=SuggestionEvent, action="routed", actor=actor, from_status=s.state,
                     to_status=s.state, reason=department.name, at=now, data={"department_id": department.pk})
    return s


def suggestion_fingerprint(data: SuggestionInput) -> str:
    """What a retried submission must repeat to be the same request (core.idempotency)."""
    return request_fingerprint({
        "category": data.category, "description": clean_text(data.description), "kind": data.kind,
        "title": data.title, "citizen_name": data.citizen_name, "phone": data.phone, "email": data.email,
        "address": data.address, "address_id": data.address_id, "channel": data.channel,
        "lat": str(data.lat or ""), "long": str(data.long or "")})


def suggestion_submit(*, data: SuggestionInput, actor: Actor = None, idempotency_key: str | None = None,
                      idempotency_scope: str = "", phone_required: bool = True) -> Suggestion:
    """Receive a suggestion/complaint, number it, route it to the responsible unit and set the due date.

    A retry with the same idempotency key returns the first record, but only to the same submitter
    (`idempotency_scope`: `user:<pk>`, `session:<key>`, `anon:<address>`; by default the actor's) and only
    for the same body: the same key with a different body is a 409, another submitter's key finds nothing."""
    key = clean_key(idempotency_key, field="idempotency_key")
    scope = (idempotency_scope or core_idempotency_scope(actor=actor))[:80] if key else ""
    fingerprint = suggestion_fingerprint(data) if key else ""
    if key:
        existing = Suggestion.objects.filter(idempotency_scope=scope, idempotency_key=key).first()
        if existing is not None:
            return idempotent_replay(existing, fingerprint=fingerprint)
    category, fields = suggestion_validate(data, phone_required=phone_required)
    try:
        with transaction.atomic():
            return suggestion_receive(category=category, fields=fields, actor=actor, received_at=data.received_at,
                                      idempotency_key=key or None, idempotency_scope=scope,
                                      idempotency_fingerprint=fingerprint)
    except IntegrityError:
        existing = Suggestion.objects.filter(idempotency_scope=scope, idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return idempotent_replay(existing, fingerprint=fingerprint)


# ------------------------------------------------------------------ the unit's work


def _locked(suggestion_id: int, actor: Actor, *, not_recorder: bool = False) -> Suggestion:
    """The suggestion, locked, when `actor` may work it (and, for a reply, did not file it themselves)."""
    s = Suggestion.objects.select_for_update().filter(pk=suggestion_id).first()
    if s is None:
        raise NotFound(_("意见建议不存在"), field="id")
    if not can_work_suggestion(actor, s):
        raise Forbidden(_("您不能办理其他单位的意见建议"), field="id")
    person = actor_user(actor)
    if not_recorder and s.recorded_by_id is not None and person is not None and s.recorded_by_id == person.pk:
        # staff answering what they filed themselves would count towards their own unit's figures
        raise Forbidden(_("本人登记的意见建议须由责任单位其他人员答复"), field="id")
    return s


def _step(s: Suggestion, action: str, label: str, *, to: str, allowed_from: Iterable[str], actor: Actor,
          reason: str = "", data: Mapping[str, Any] | None = None,
          changes: Mapping[str, Any] | None = None) -> Suggestion:
    return transition(s, to=to, allowed_from=allowed_from, action=action, action_label=label, actor=actor,
                      event_model=SuggestionEvent, reason=reason, data=data, changes=changes, state_field="state",
                      version_field=None)


@transaction.atomic
def suggestion_reassign(*, suggestion_id: int, department_id: int, actor: Actor, note: str = "") -> Suggestion:
    """A supervisor sends the suggestion to another unit (改派); the due date stays."""
    if not has_role(actor, Role.SUPERVISOR):
        raise Forbidden(_("改派须由督查人员办理"), field="department")
    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        raise ServiceError(_("请选择责任单位"), field="department")
    s = _locked(suggestion_id, actor)
    if s.department_id == department.pk:
        raise Conflict(_("该件已由%(d)s办理") % {"d": department.name}, field="department")
    return _step(s, "reassigned", _("改派"), to=SuggestionState.ASSIGNED,
                 allowed_from={SuggestionState.UNASSIGNED, SuggestionState.ASSIGNED}, actor=actor,
                 reason=clean_text(note) or department.name, data={"department_id": department.pk},
                 changes={"department": department})


def _reply(s: Suggestion, text: str, disposition: str, actor: Actor) -> None:
    SuggestionReply.objects.create(suggestion=s, text=text, disposition=disposition, department_id=s.department_id,
                                   at=clock.now(), author=actor_user(actor))


@transaction.atomic
def suggestion_answer(*, suggestion_id: int, actor: Actor, disposition: str, text: str,
                      plan_due_on: dt.date | None = None) -> Suggestion:
    """The unit answers: 立行立改 / 解释说明 ⇒ answered; 限期整改 with a plan date ⇒ rectifying."""
    if disposition not in Disposition.values:
        raise ServiceError(_("请选择处置方式：立行立改、限期整改或解释说明"), field="disposition")
    text = clean_text(text)
    if not text:
        raise ServiceError(_("请填写答复内容"), field="text")
    deadline = disposition == Disposition.FIX_DEADLINE
    if deadline and (plan_due_on is None or plan_due_on < clock.today()):
        raise ServiceError(_("限期整改须填写不早于今天的计划完成日期"), field="plan_due_on")
    s = _locked(suggestion_id, actor, not_recorder=True)
    _step(s, "answered", _("答复"), to=SuggestionState.RECTIFYING if deadline else SuggestionState.ANSWERED,
          allowed_from={SuggestionState.ASSIGNED}, actor=actor, reason=text, data={"disposition": disposition},
          changes={"disposition": disposition, "answered_at": s.answered_at or clock.now(),
                   "plan_due_on": plan_due_on if deadline else None})
    _reply(s, text, disposition, actor)
    return s


@transaction.atomic
def suggestion_complete(*, suggestion_id: int, actor: Actor, text: str) -> Suggestion:
    """限期整改 done: the unit reports what was fixed (a second reply)."""
    text = clean_text(text)
    if not text:
        raise ServiceError(_("请填写整改完成情况"), field="text")
    s = _locked(suggestion_id, actor, not_recorder=True)
    _step(s, "rectified", _("报告整改完成"), to=SuggestionState.ANSWERED, allowed_from={SuggestionState.RECTIFYING},
          actor=actor, reason=text)
    _reply(s, text, Disposition.FIX_DEADLINE, actor)
    return s


@transaction.atomic
def suggestion_close(*, suggestion_id: int, actor: Actor, note: str = "") -> Suggestion:
    """Close an answered suggestion (nothing closes without a reply: the answered state requires one)."""
    s = _locked(suggestion_id, actor)
    if not s.replies.exists():
        raise Conflict(_("没有答复的件不能办结"), field="state")
    return _step(s, "closed", _("办结（须先答复）"), to=SuggestionState.CLOSED, allowed_from={SuggestionState.ANSWERED},
                 actor=actor, reason=clean_text(note), changes={"closed_at": clock.now()})


@transaction.atomic
def suggestion_publish(*, suggestion_id: int, actor: Actor, public: bool, note: str = "") -> Suggestion:
    """Publish a suggestion on Open311 (公开) or withdraw it from there. Published text is masked (phone
    numbers, ID numbers, the reporter's name); the reporter's contact details are never published.

    Publishing changes no state: the row is locked, the flag set and the act recorded. Its audit entry keeps
    the name audit readers know it by (feedback.suggestion_publish / _unpublish)."""
    s = _locked(suggestion_id, actor)
    public = bool(public)
    if s.public == public:
        raise Conflict(_("该件已公开") if public else _("该件未公开"), field="public")
    now = clock.now()
    Suggestion.objects.filter(pk=s.pk).update(public=public, updated_at=now)
    s.public, s.updated_at = public, now
    record_event(s, event_model=SuggestionEvent, action="published" if public else "unpublished", actor=actor,
                 from_status=s.state, to_status=s.state, reason=clean_text(note), at=now, data={"public": public},
                 audit=False)
    audit_log(actor=actor, action="feedback.suggestion_publish" if public else "feedback.suggestion_unpublish",
              target=s, detail={"number": s.number})
    return s
