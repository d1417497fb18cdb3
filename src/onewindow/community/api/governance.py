"""Governance: residents' matters, tri-party council proposals (the published ones are public), theme events."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from onewindow.community.api.common import READERS, WORKER, get_object, own_member
from onewindow.community.models import Community, Compound, Matter, Member, Proposal, ThemeEvent
from onewindow.community.selectors import governance as selectors
from onewindow.community.services import matters, proposals, theme_events
from onewindow.core.access import PUBLIC, SIGNED_IN, Role, allow, has_role
from onewindow.core.errors import NotFound
from onewindow.core.masking import mask_name, mask_phone

router = Router()


# ------------------------------------------------------------------ matters


class MatterIn(Schema):
    kind: str
    compound_id: int
    resident_name: str
    subject: str
    resident_phone: str = ""
    description: str = ""


class MatterActionIn(Schema):
    route: str = ""
    note: str = ""
    resolution: str = ""
    feedback: str = ""
    satisfied: bool = True


def matter_dict(m: Matter) -> dict[str, Any]:
    return {"id": m.pk, "number": m.number, "kind": m.kind, "compound": m.compound.name, "subject": m.subject,
            "resident_name": mask_name(m.resident_name), "resident_phone": mask_phone(m.resident_phone),
            "route": m.route, "status": m.status, "resolution": m.resolution, "feedback": m.feedback,
            "satisfied": m.satisfied}


@router.get("matters", summary="居民诉求")
@allow(*READERS)
def matters_list(request: HttpRequest, status: str = "", kind: str = "") -> list[dict[str, Any]]:
    return [matter_dict(m) for m in selectors.matters(status=status, kind=kind)[:200]]


@router.post("matters", response={201: dict}, summary="受理居民说事 / 维权 / 法律援助")
@allow(WORKER)
def matters_create(request: HttpRequest, payload: MatterIn) -> Status:
    m = matters.matter_intake(kind=payload.kind, compound=get_object(Compound, payload.compound_id, "compound_id"),
                              resident_name=payload.resident_name, resident_phone=payload.resident_phone,
                              subject=payload.subject, description=payload.description, actor=request.user)
    return Status(201, matter_dict(m))


@router.post("matters/{matter_id}/{action}", summary="分派 route / 调解 mediate / 办结 resolve / 关闭 close")
@allow(WORKER)
def matters_action(request: HttpRequest, matter_id: int, action: str, payload: MatterActionIn) -> dict[str, Any]:
    m = get_object(Matter, matter_id, "matter_id")
    user = request.user
    if action == "route":
        m = matters.matter_route(matter=m, route=payload.route, note=payload.note, actor=user)
    elif action == "mediate":
        m = matters.matter_mediate(matter=m, note=payload.note, actor=user)
    elif action == "resolve":
        m = matters.matter_resolve(matter=m, resolution=payload.resolution, actor=user)
    elif action == "close":
        m = matters.matter_close(matter=m, feedback=payload.feedback, satisfied=payload.satisfied, actor=user)
    else:
        raise NotFound(_("未知操作"), field="action")
    return matter_dict(m)


# ------------------------------------------------------------------ proposals


class ProposalIn(Schema):
    compound_id: int
    topic: str
    title: str
    content: str


class AdvanceIn(Schema):
    step: str
    text: str = ""
    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0
    approval_rate: int | None = None


def proposal_dict(p: Proposal) -> dict[str, Any]:
    return {"id": p.pk, "number": p.number, "compound": p.compound.name, "topic": p.topic, "title": p.title,
            "content": p.content, "deliberation": p.deliberation, "decision": p.decision,
            "votes": {"for": p.votes_for, "against": p.votes_against, "abstain": p.votes_abstain},
            "evaluation": p.evaluation, "approval_rate": p.approval_rate, "status": p.status,
            "published_at": p.published_at.isoformat() if p.published_at else None}


@router.get("proposals", summary="议事提案（未登录只见已公开）")
@allow(PUBLIC)
def proposals_list(request: HttpRequest) -> list[dict[str, Any]]:
    published_only = not has_role(request.user, *READERS)
    return [proposal_dict(p) for p in selectors.proposals(published_only=published_only)[:200]]


@router.post("proposals", response={201: dict}, summary="党支部提议")
@allow(WORKER)
def proposals_create(request: HttpRequest, payload: ProposalIn) -> Status:
    p = proposals.proposal_create(compound=get_object(Compound, payload.compound_id, "compound_id"),
                                  topic=payload.topic, title=payload.title, content=payload.content,
                                  actor=request.user)
    return Status(201, proposal_dict(p))


@router.post("proposals/{proposal_id}/advance", summary="下一阶段：deliberate / decide / evaluate / publish")
@allow(WORKER)
def proposals_advance(request: HttpRequest, proposal_id: int, payload: AdvanceIn) -> dict[str, Any]:
    p = proposals.proposal_advance(proposal=get_object(Proposal, proposal_id, "proposal_id"), step=payload.step,
                                   text=payload.text, votes_for=payload.votes_for,
                                   votes_against=payload.votes_against, votes_abstain=payload.votes_abstain,
                                   approval_rate=payload.approval_rate, actor=request.user)
    return proposal_dict(p)


# ------------------------------------------------------------------ theme events


class EventIn(Schema):
    community_id: int
    title: str
    date: dt.date
    place: str = ""
    capacity: int = 50
    credit_minutes: int = 0


class SignupIn(Schema):
    member_id: int | None = None


class AttendanceIn(Schema):
    member_ids: list[int]


def event_dict(e: ThemeEvent) -> dict[str, Any]:
    return {"id": e.pk, "title": e.title, "community_id": e.community_id, "date": e.date.isoformat(),
            "place": e.place, "capacity": e.capacity, "credit_minutes": e.credit_minutes, "status": e.status,
            "signed": getattr(e, "n_signed", None), "attended": getattr(e, "n_attended", None)}


@router.get("events", summary="主题活动")
@allow(SIGNED_IN)
def events_list(request: HttpRequest, upcoming: bool = False) -> list[dict[str, Any]]:
    return [event_dict(e) for e in selectors.events(upcoming_only=upcoming)[:200]]


@router.post("events", response={201: dict}, summary="发布活动（主题党日为每月15日）")
@allow(WORKER)
def events_create(request: HttpRequest, payload: EventIn) -> Status:
    e = theme_events.event_create(community=get_object(Community, payload.community_id, "community_id"),
                                  title=payload.title, date=payload.date, place=payload.place,
                                  capacity=payload.capacity, credit_minutes=payload.credit_minutes,
                                  actor=request.user)
    return Status(201, event_dict(e))


@router.post("events/{event_id}/signup", summary="报名（志愿者为本人；社区工作者可代报）")
@allow(WORKER, Role.VOLUNTEER)
def events_signup(request: HttpRequest, event_id: int, payload: SignupIn) -> dict[str, Any]:
    event = get_object(ThemeEvent, event_id, "event_id")
    if payload.member_id and has_role(request.user, WORKER):
        member = get_object(Member, payload.member_id, "member_id")
    else:
        member = own_member(request)
    s = theme_events.event_sign_up(event=event, member=member, actor=request.user)
    return {"event_id": event.pk, "member_id": s.member_id, "signed_at": s.signed_at.isoformat()}


@router.post("events/{event_id}/attendance", summary="登记签到")
@allow(WORKER)
def events_attendance(request: HttpRequest, event_id: int, payload: AttendanceIn) -> dict[str, Any]:
    n = theme_events.event_mark_attendance(event=get_object(ThemeEvent, event_id, "event_id"),
                                           member_ids=payload.member_ids, actor=request.user)
    return {"marked": n}


@router.post("events/{event_id}/close", summary="结束活动（设定了时长则为签到者记时）")
@allow(WORKER)
def events_close(request: HttpRequest, event_id: int) -> dict[str, Any]:
    return event_dict(theme_events.event_close(event=get_object(ThemeEvent, event_id, "event_id"),
                                               actor=request.user))
