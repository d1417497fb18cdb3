"""Forums (座谈会) and experience officers (体验官): what they find is routed as feedback suggestions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onewindow.catalog.models import Department, ServiceItem
from onewindow.core import clock
from onewindow.core.access import Role, has_role
from onewindow.core.actors import Actor, actor_user
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict, FieldProblem, Forbidden, NotFound, ServiceError, collect
from onewindow.hall.models import Hall
from onewindow.listening.models import (
    ExperienceSession,
    FindingSource,
    Forum,
    ListeningFinding,
    Officer,
)
from onewindow.listening.services.common import Keyed, clean_text, day_start, require_manager, route_finding


@dataclass(frozen=True)
class IssueInput:
    category: str
    text: str


def _hall(hall_id: object, problems: list[FieldProblem]) -> Hall | None:
    hall = Hall.objects.filter(pk=int(str(hall_id))).first() if str(hall_id or "").isdigit() else None
    if hall is None:
        problems.append(FieldProblem("hall", _("请选择大厅")))
    return hall


def _not_future(value: dt.date | None, field: str, problems: list[FieldProblem]) -> None:
    if value is None:
        problems.append(FieldProblem(field, _("请填写日期")))
    elif value > clock.today():
        problems.append(FieldProblem(field, _("日期不能晚于今天")))


def forum_create(*, hall_id: int, held_on: dt.date | None, topic: str, department_id: int, participants: int,
                 minutes: str = "", actor: Actor, idempotency_key: str | None = None) -> tuple[Forum, bool]:
    """Record a forum that was held (no participant's personal data: only their number)."""
    require_manager(actor)
    body = {"hall": hall_id, "held_on": held_on, "topic": topic, "department": department_id,
            "participants": participants, "minutes": minutes}
    keyed = Keyed(idempotency_key, actor, body)
    found = keyed.existing(Forum)
    if found is not None:
        return found, False
    problems: list[FieldProblem] = []
    hall = _hall(hall_id, problems)
    _not_future(held_on, "held_on", problems)
    department = Department.objects.filter(pk=department_id).first() if department_id else None
    if department is None:
        problems.append(FieldProblem("host_department", _("请选择主办单位")))
    if not isinstance(participants, int) or participants < 1 or participants > 10000:
        problems.append(FieldProblem("participants", _("参会人数应为1至10000")))
    try:
        topic = clean_text(topic, "topic", limit=200)
        minutes = clean_text(minutes, "minutes", required=False, limit=10000)
    except ServiceError as exc:
        problems.extend(exc.problems)
    collect(problems, _("座谈会信息有误"))
    assert hall is not None and department is not None and held_on is not None
    try:
        with transaction.atomic():
            forum = Forum.objects.create(hall=hall, held_on=held_on, topic=topic, host_department=department,
                                         participants=participants, minutes=minutes,
                                         created_by=actor_user(actor), created_at=clock.now(), **keyed.columns())
            audit_log(actor=actor, action="listening.forum_create", target=forum, detail={"topic": topic})
    except IntegrityError:
        again = keyed.existing(Forum)
        if again is None:
            raise
        return again, False
    return forum, True


def _finding_replay(keyed: Keyed) -> ListeningFinding | None:
    return keyed.existing(ListeningFinding)


def forum_add_finding(*, forum_id: int, issue: IssueInput, actor: Actor,
                      idempotency_key: str | None = None) -> tuple[ListeningFinding, bool]:
    """An issue raised at the forum, routed as a suggestion (channel 群众座谈) dated the day of the forum."""
    require_manager(actor)
    keyed = Keyed(idempotency_key, actor, {"forum": forum_id, "category": issue.category, "text": issue.text})
    found = _finding_replay(keyed)
    if found is not None:
        return found, False
    forum = Forum.objects.filter(pk=forum_id).first()
    if forum is None:
        raise NotFound(_("没有这次座谈会"), field="forum")
    with transaction.atomic():
        finding = route_finding(source=FindingSource.FORUM, category=issue.category, text=issue.text, actor=actor,
                                received_at=day_start(forum.held_on), origin={"forum": forum}, keyed=keyed)
        audit_log(actor=actor, action="listening.forum_finding", target=finding,
                  detail={"forum": forum.pk, "suggestion": finding.suggestion.number})
    return finding, True


# ------------------------------------------------------------------ experience officers


def officer_enrol(*, name: str, hall_id: int, enrolled_on: dt.date | None = None, username: str = "",
                  actor: Actor) -> Officer:
    """Enrol an experience officer: a citizen account (by its login name) or only a name."""
    require_manager(actor)
    problems: list[FieldProblem] = []
    hall = _hall(hall_id, problems)
    user = None
    if username:
        user = get_user_model().objects.filter(username=str(username)[:150], is_active=True).first()
        if user is None or not has_role(user, Role.CITIZEN):
            problems.append(FieldProblem("username", _("没有这个办事群众账号")))
        elif Officer.objects.filter(user=user).exists():
            problems.append(FieldProblem("username", _("该账号已是体验官")))
    try:
        name = clean_text(name, "name", limit=50)
    except ServiceError as exc:
        problems.extend(exc.problems)
    collect(problems, _("体验官信息有误"))
    assert hall is not None
    with transaction.atomic():
        officer = Officer.objects.create(user=user, name=name, hall=hall, enrolled_on=enrolled_on or clock.today(),
                                         created_at=clock.now())
        audit_log(actor=actor, action="listening.officer_enrol", target=officer, detail={"account": bool(user)})
    return officer


def officer_of(actor: Actor) -> Officer | None:
    person = actor_user(actor)
    if person is None:
        return None
    return Officer.objects.filter(user=person, active=True).select_related("hall").first()


def session_submit(*, hall_id: int, service: str, held_on: dt.date | None, note: str = "",
                   issues: list[IssueInput] | None = None, item_code: str = "", officer_id: int | None = None,
                   actor: Actor, idempotency_key: str | None = None) -> tuple[ExperienceSession, bool]:
    """An officer submits their own experience (a manager may record one for an officer without account); each
    issue is routed as a suggestion (channel 体验官) dated the day of the experience."""
    issues = issues or []
    body = {"hall": hall_id, "service": service, "held_on": held_on, "note": note, "item": item_code,
            "officer": officer_id, "issues": [(i.category, i.text) for i in issues]}
    keyed = Keyed(idempotency_key, actor, body)
    found = keyed.existing(ExperienceSession)
    if found is not None:
        return found, False
    if officer_id is not None and has_role(actor, Role.SUPERVISOR, Role.DEPARTMENT_HEAD):
        officer = Officer.objects.filter(pk=officer_id, active=True).first()
        if officer is None:
            raise NotFound(_("没有这位体验官"), field="officer")
    else:
        officer = officer_of(actor)
        if officer is None or (officer_id is not None and officer_id != officer.pk):
            raise Forbidden(_("只有体验官本人可以提交体验记录"), field="officer")
    problems: list[FieldProblem] = []
    hall = _hall(hall_id, problems)
    _not_future(held_on, "held_on", problems)
    item = ServiceItem.objects.filter(code=str(item_code)[:60]).first() if item_code else None
    if item_code and item is None:
        problems.append(FieldProblem("item", _("没有这个事项")))
    try:
        service = clean_text(service or (item.name if item else ""), "service", limit=200)
        note = clean_text(note, "note", required=False)
    except ServiceError as exc:
        problems.extend(exc.problems)
    if len(issues) > 20:
        problems.append(FieldProblem("issues", _("一次最多提交20个问题")))
    collect(problems, _("体验记录有误"))
    assert hall is not None and held_on is not None
    try:
        with transaction.atomic():
            session = ExperienceSession.objects.create(officer=officer, hall=hall, item=item, service=service,
                                                       held_on=held_on, note=note, created_at=clock.now(),
                                                       **keyed.columns())
            for n, issue in enumerate(issues, 1):
                sub = Keyed(f"{keyed.key}#{n}" if keyed.key else "", actor, {"session": session.pk, "n": n})
                route_finding(source=FindingSource.EXPERIENCE, category=issue.category, text=issue.text,
                              actor=actor, received_at=day_start(held_on), origin={"session": session}, keyed=sub)
            audit_log(actor=actor, action="listening.session_submit", target=session,
                      detail={"officer": officer.pk, "issues": len(issues)})
    except IntegrityError as exc:
        again = keyed.existing(ExperienceSession)
        if again is None:
            raise Conflict(_("体验记录保存冲突，请重试"), field="idempotency_key") from exc
        return again, False
    return session, True
