"""企业成长课堂: free classes for start-up and growing firms — sign-up, waiting list, attendance by QR, feedback.

Sign-up and cancellation lock the class row (`select_for_update`), so seats are counted by one transaction
at a time: a cancelled seat goes to the first on the waiting list in the same transaction. Each seat carries a
signed token that expires when the class ends (the QR the enterprise shows at the door); the nonce inside it
changes whenever a seat is given, and signing in moves the registration to `attended`, so a replayed token
signs nobody in twice.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.core.access import Role, has_role
from onewindow.core.actors import Actor
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict, FieldProblem, Forbidden, NotFound, ServiceError, collect
from onewindow.core.events import record_event, transition
from onewindow.enterprise import access
from onewindow.enterprise.models import (
    ClassFeedback,
    ClassRegistration,
    ClassRegistrationEvent,
    ClassSession,
    Enterprise,
    Topic,
)

R = ClassRegistration.Status
TOKEN_SALT = "onewindow.enterprise.class-checkin"
TOKEN_GRACE = dt.timedelta(hours=1)  # the door stays open a little after the scheduled end
MAX_CAPACITY = 10_000
SEATED = (R.REGISTERED, R.ATTENDED)


def session_create(*, topic: str, title: str, speaker_department: Department, place: str,
                   starts_at: dt.datetime, ends_at: dt.datetime, capacity: int, actor: Actor,
                   title_en: str = "") -> ClassSession:
    problems: list[FieldProblem] = []
    if topic not in Topic.values:
        problems.append(FieldProblem("topic", _("请选择主题")))
    if not (title or "").strip():
        problems.append(FieldProblem("title", _("请填写课程名称")))
    if not (place or "").strip():
        problems.append(FieldProblem("place", _("请填写地点")))
    if ends_at <= starts_at:
        problems.append(FieldProblem("ends_at", _("结束时间应晚于开始时间")))
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        problems.append(FieldProblem("capacity", _("名额应为 1 至 10000 的整数")))
    collect(problems, _("课程信息有误"))
    if not (has_role(actor, Role.CLERK) or access.staff_of(speaker_department.pk, actor)):
        raise Forbidden(_("只能由窗口工作人员或本部门开设课程"), field="speaker_department")
    with transaction.atomic():
        session = ClassSession.objects.create(topic=topic, title=title.strip()[:200],
                                              title_en=(title_en or "").strip()[:200],
                                              speaker_department=speaker_department, place=place.strip()[:200],
                                              starts_at=starts_at, ends_at=ends_at, capacity=capacity,
                                              created_at=clock.now())
        audit_log(actor=actor, action="enterprise.class_create", target=session, detail={"topic": topic})
    return session


def _new_nonce() -> str:
    return secrets.token_hex(8)


def class_sign_up(*, session: ClassSession, enterprise: Enterprise, actor: Actor) -> ClassRegistration:
    """A seat while there is one, else a place on the waiting list. One live registration per enterprise."""
    access.require_act_for(enterprise, actor)
    now = clock.now()
    try:
        with transaction.atomic():
            session = ClassSession.objects.select_for_update().get(pk=session.pk)
            if session.status != ClassSession.Status.SCHEDULED:
                raise Conflict(_("该课程已取消"), field="session")
            if now >= session.starts_at:
                raise Conflict(_("课程已开始，报名已截止"), field="session")
            live = session.registrations.exclude(status=R.CANCELLED)
            if live.filter(enterprise=enterprise).exists():
                raise Conflict(_("%(e)s 已报名该课程") % {"e": enterprise.name}, field="enterprise")
            seated = live.filter(status__in=SEATED).count()
            status = R.REGISTERED if seated < session.capacity else R.WAITING
            registration = ClassRegistration.objects.create(session=session, enterprise=enterprise, status=status,
                                                            registered_at=now, nonce=_new_nonce(), updated_at=now)
            record_event(registration, event_model=ClassRegistrationEvent, action="sign_up", actor=actor,
                         to_status=status, at=now)
    except IntegrityError:  # the unique live registration: a concurrent double sign-up
        raise Conflict(_("%(e)s 已报名该课程") % {"e": enterprise.name}, field="enterprise") from None
    return registration


def registration_cancel(*, registration: ClassRegistration, actor: Actor) -> ClassRegistration:
    """Give up a seat or a waiting place; a freed seat goes to the first on the waiting list."""
    access.require_act_for(registration.enterprise, actor)
    with transaction.atomic():
        session = ClassSession.objects.select_for_update().get(pk=registration.session_id)
        registration.refresh_from_db()
        if clock.now() >= session.starts_at:
            raise Conflict(_("课程已开始，不能取消报名"), field="registration")
        was_seated = registration.status == R.REGISTERED
        transition(registration, to=R.CANCELLED, allowed_from={R.REGISTERED, R.WAITING}, action="cancel",
                   action_label=_("取消报名"), actor=actor, event_model=ClassRegistrationEvent)
        if was_seated:
            _promote_first_waiting(session, actor)
    return registration


def _promote_first_waiting(session: ClassSession, actor: Actor) -> ClassRegistration | None:
    if session.registrations.filter(status__in=SEATED).count() >= session.capacity:
        return None
    first = session.registrations.filter(status=R.WAITING).order_by("registered_at", "id").first()
    if first is None:
        return None
    return transition(first, to=R.REGISTERED, allowed_from={R.WAITING}, action="promote",
                      action_label=_("候补转正"), actor=actor, event_model=ClassRegistrationEvent,
                      reason=_("有企业取消报名，候补自动递补"), changes={"nonce": _new_nonce()})


def session_cancel(*, session: ClassSession, reason: str, actor: Actor) -> ClassSession:
    """Call a class off: every live registration is cancelled with it."""
    access.require_run_class(session, actor)
    if not (reason or "").strip():
        raise ServiceError(_("请填写取消原因"), field="reason")
    with transaction.atomic():
        session = ClassSession.objects.select_for_update().get(pk=session.pk)
        if session.status != ClassSession.Status.SCHEDULED:
            raise Conflict(_("该课程已取消"), field="session")
        session.status = ClassSession.Status.CANCELLED
        session.save(update_fields=["status"])
        for registration in session.registrations.filter(status__in=(R.REGISTERED, R.WAITING)):
            transition(registration, to=R.CANCELLED, allowed_from={R.REGISTERED, R.WAITING},
                       action="session_cancelled", action_label=_("课程取消"), actor=actor,
                       event_model=ClassRegistrationEvent, reason=reason.strip(), audit=False)
        audit_log(actor=actor, action="enterprise.class_cancel", target=session, detail={"reason": reason.strip()})
    return session


# --------------------------------------------------------------------------- the door


def checkin_token(registration: ClassRegistration) -> str:
    """The signed token of a seat, valid until the class ends (plus a grace hour)."""
    expires = registration.session.ends_at + TOKEN_GRACE
    return signing.dumps({"r": registration.pk, "n": registration.nonce, "e": int(expires.timestamp())},
                         salt=TOKEN_SALT)


def registration_for_token(token: str) -> ClassRegistration:
    """The registration a token names, or 404 when it is forged, stale (a seat given again) or expired."""
    try:
        payload: dict[str, Any] = signing.loads(str(token)[:400], salt=TOKEN_SALT)
    except signing.BadSignature:
        raise NotFound(_("签到码无效"), field="token") from None
    pk, nonce = (payload.get("r"), payload.get("n")) if isinstance(payload, dict) else (None, None)
    registration = ClassRegistration.objects.select_related("session", "enterprise").filter(
        pk=pk, nonce=nonce).first() if isinstance(pk, int) and isinstance(nonce, str) else None
    if registration is None:
        raise NotFound(_("签到码无效"), field="token")
    if clock.now().timestamp() > int(payload.get("e", 0)):
        raise Conflict(_("签到码已过期"), field="token")
    return registration


def attendance_check_in(*, token: str, actor: Actor) -> ClassRegistration:
    """Sign in at the door by the seat's QR token: once (a replayed token is refused)."""
    registration = registration_for_token(token)
    access.require_run_class(registration.session, actor)
    now = clock.now()
    if now < registration.session.starts_at - dt.timedelta(hours=2):
        raise Conflict(_("尚未到签到时间"), field="token")
    with transaction.atomic():
        return transition(registration, to=R.ATTENDED, allowed_from={R.REGISTERED}, action="attend",
                          action_label=_("签到"), actor=actor, event_model=ClassRegistrationEvent,
                          changes={"attended_at": now})


def feedback_give(*, registration: ClassRegistration, score: int, comment: str, actor: Actor) -> ClassFeedback:
    """After the class, from an enterprise that attended it: a score of 1 to 5 and a comment, once."""
    if not access.is_owner(registration.enterprise, actor):
        raise Forbidden(_("只有参加课程的企业可以评价"), field="registration")
    if registration.status != R.ATTENDED:
        raise Forbidden(_("只有已签到参加课程的企业可以评价"), field="registration")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ServiceError(_("评分应为 1 至 5"), field="score")
    try:
        with transaction.atomic():
            if ClassFeedback.objects.filter(registration=registration).exists():
                raise Conflict(_("已评价过该课程"), field="registration")
            feedback = ClassFeedback.objects.create(registration=registration, score=score,
                                                    comment=(comment or "").strip()[:1000], given_at=clock.now())
            record_event(registration, event_model=ClassRegistrationEvent, action="feedback", actor=actor,
                         data={"score": score}, audit=False)
    except IntegrityError:
        raise Conflict(_("已评价过该课程"), field="registration") from None
    return feedback
