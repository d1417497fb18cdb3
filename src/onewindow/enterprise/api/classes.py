"""企业成长课堂 API: the schedule and figures (public), sign-up, cancellation, sign-in at the door, feedback."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from onewindow.catalog.models import Department
from onewindow.core.access import PUBLIC, Role, allow
from onewindow.core.errors import ServiceError
from onewindow.core.inputs import BoundedDateTime
from onewindow.enterprise.api.common import (
    APPLICANTS,
    CLASS_RUNNERS,
    enterprise_by_code,
    registration_by_id,
    session_by_id,
)
from onewindow.enterprise.models import ClassRegistration, ClassSession
from onewindow.enterprise.selectors import classes as selectors
from onewindow.enterprise.selectors import policies as policy_selectors
from onewindow.enterprise.services import classes

router = Router()


def session_dict(s: ClassSession) -> dict[str, Any]:
    return {"id": s.pk, "topic": s.topic, "title": s.title, "title_en": s.title_en,
            "speaker_department": s.speaker_department.name, "place": s.place,
            "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(), "capacity": s.capacity,
            "seated": getattr(s, "seated", None), "waiting": getattr(s, "waiting", None), "status": s.status}


def registration_dict(r: ClassRegistration, *, token: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"id": r.pk, "session": r.session_id, "enterprise": r.enterprise.name,
                           "status": r.status, "registered_at": r.registered_at.isoformat(),
                           "attended_at": r.attended_at.isoformat() if r.attended_at else None}
    if token and r.status == ClassRegistration.Status.REGISTERED:
        out["checkin_token"] = classes.checkin_token(r)
    return out


class SessionIn(Schema):
    topic: str
    title: str
    speaker_department: str  # department code
    place: str
    starts_at: BoundedDateTime
    ends_at: BoundedDateTime
    capacity: int


class SignUpIn(Schema):
    credit_code: str


class CancelIn(Schema):
    reason: str = ""


class CheckInIn(Schema):
    token: str


class FeedbackIn(Schema):
    score: int
    comment: str = ""


@router.get("classes", summary="企业成长课堂：课程安排")
@allow(PUBLIC)
def class_list(request: HttpRequest, topic: str = "") -> list[dict[str, Any]]:
    return [session_dict(s) for s in selectors.sessions(upcoming=True, topic=topic)[:200]]


@router.get("classes/figures", summary="按主题统计：场次、报名、签到、评价")
@allow(PUBLIC)
def class_figures(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.figures_by_topic()


@router.post("classes", response={201: dict}, summary="开设课程（窗口或主讲部门）")
@allow(*CLASS_RUNNERS)
def class_create(request: HttpRequest, payload: SessionIn) -> Status:
    department = Department.objects.filter(code=payload.speaker_department).first()
    if department is None:
        raise ServiceError(_("未找到该部门：%(c)s") % {"c": payload.speaker_department}, field="speaker_department")
    s = classes.session_create(topic=payload.topic, title=payload.title, speaker_department=department,
                               place=payload.place, starts_at=payload.starts_at, ends_at=payload.ends_at,
                               capacity=payload.capacity, actor=request.user)
    return Status(201, session_dict(s))


@router.get("classes/registrations", summary="本企业的报名（含签到码）")
@allow(Role.CITIZEN)
def my_registrations(request: HttpRequest) -> list[dict[str, Any]]:
    qs = selectors.registrations_of(policy_selectors.enterprises_of(request.user))
    return [registration_dict(r, token=True) for r in qs[:200]]


@router.post("classes/checkin", summary="现场扫码签到（一次有效）")
@allow(*CLASS_RUNNERS)
def class_checkin(request: HttpRequest, payload: CheckInIn) -> dict[str, Any]:
    return registration_dict(classes.attendance_check_in(token=payload.token, actor=request.user))


@router.post("classes/registrations/{registration_id}/cancel", summary="取消报名（候补自动递补）")
@allow(*APPLICANTS)
def registration_cancel(request: HttpRequest, registration_id: int) -> dict[str, Any]:
    r = classes.registration_cancel(registration=registration_by_id(registration_id, request.user),
                                    actor=request.user)
    return registration_dict(r)


@router.post("classes/registrations/{registration_id}/feedback", response={201: dict},
             summary="课后评价（仅签到企业，一次）")
@allow(Role.CITIZEN)
def registration_feedback(request: HttpRequest, registration_id: int, payload: FeedbackIn) -> Status:
    f = classes.feedback_give(registration=registration_by_id(registration_id, request.user), score=payload.score,
                              comment=payload.comment, actor=request.user)
    return Status(201, {"registration": f.registration_id, "score": f.score, "comment": f.comment})


@router.get("classes/{session_id}", summary="课程详情")
@allow(PUBLIC)
def class_detail(request: HttpRequest, session_id: int) -> dict[str, Any]:
    return session_dict(selectors.sessions().get(pk=session_by_id(session_id).pk))


@router.post("classes/{session_id}/sign-up", response={201: dict}, summary="报名（满额进入候补）")
@allow(*APPLICANTS)
def class_sign_up(request: HttpRequest, session_id: int, payload: SignUpIn) -> Status:
    r = classes.class_sign_up(session=session_by_id(session_id),
                              enterprise=enterprise_by_code(payload.credit_code, request.user), actor=request.user)
    return Status(201, registration_dict(r, token=True))


@router.post("classes/{session_id}/cancel", summary="取消课程")
@allow(*CLASS_RUNNERS)
def class_cancel(request: HttpRequest, session_id: int, payload: CancelIn) -> dict[str, Any]:
    return session_dict(classes.session_cancel(session=session_by_id(session_id), reason=payload.reason,
                                               actor=request.user))
