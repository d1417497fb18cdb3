"""Rectification notices (整改通知单): issued to a department or a hall from a finding, a bad review, a
suggestion or directly; answered by the unit; returned or accepted by the supervisor.

    issued ──respond──▶ responded ──accept──▶ accepted (closes the finding it came from)
      ▲                    │
      └──── returned ◀─return (with a reason) ── the unit answers again
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.core.calendar import deadline_after
from onewindow.core.counters import counter_next
from onewindow.core.errors import Conflict, FieldProblem, NotFound, ServiceError, collect
from onewindow.core.events import record_event, transition
from onewindow.core.regions import related, user_sees
from onewindow.hall.models import Hall
from onewindow.supervision.conf import conf_int, conf_str
from onewindow.supervision.models import (
    Finding,
    FindingState,
    Notice,
    NoticeEvent,
    NoticeSource,
    NoticeStatus,
)
from onewindow.supervision.selectors import notice_source_defaults
from onewindow.supervision.services.findings import finding_resolve


def notice_number(year: int, seq: int) -> str:
    return f"{conf_str('NOTICE_PREFIX')}〔{year}〕第{seq:04d}号"


def _check(*, title: str, problem: str, workdays: int, department_id: int | None, hall_id: int | None,
           actor: Actor) -> None:
    problems = []
    if not title:
        problems.append(FieldProblem("title", _("请填写标题")))
    if not problem:
        problems.append(FieldProblem("problem", _("请填写存在的问题")))
    if not isinstance(workdays, int) or workdays < 1 or workdays > 60:
        problems.append(FieldProblem("workdays", _("整改期限应为 1–60 个工作日")))
    department = Department.objects.select_related("region").filter(pk=department_id).first() if department_id else None
    hall = Hall.objects.select_related("region").filter(pk=hall_id).first() if hall_id else None
    if department_id and department is None:
        problems.append(FieldProblem("department", _("没有这个部门")))
    if hall_id and hall is None:
        problems.append(FieldProblem("hall", _("没有这个大厅")))
    if not department_id and not hall_id:
        problems.append(FieldProblem("department", _("请选择整改单位（部门或大厅）")))
    problems += _region_problems(department, hall, actor)
    collect(problems, _("无法下发整改通知单"))


def _region_problems(department: Department | None, hall: Hall | None, actor: Actor) -> list[FieldProblem]:
    """A notice goes to a unit of the right government: the department must serve the hall's region (a Huli hall's
    notice never reaches the Fu'an bureau), and a scoped supervisor addresses only units of their own region."""
    problems = []
    if department is not None and hall is not None and not related(department.region, hall.region):
        problems.append(FieldProblem("department", _("整改部门与大厅不属于同一行政区划")))
    if department is not None and not user_sees(actor, department.region):
        problems.append(FieldProblem("department", _("该部门不在您管辖的行政区划内")))
    if hall is not None and not user_sees(actor, hall.region):
        problems.append(FieldProblem("hall", _("该大厅不在您管辖的行政区划内")))
    return problems


def notice_create(*, source: str, source_id: str = "", department_id: int | None = None, hall_id: int | None = None,
                  title: str = "", problem: str = "", evidence: str = "", requirement: str = "",
                  workdays: int | None = None, actor: Actor) -> Notice:
    """Issue a rectification notice. Fields left empty are taken from the source record; the deadline is the
    `workdays`-th working day after today (default ONEWINDOW NOTICE_DEFAULT_WORKDAYS, 10)."""
    if source not in NoticeSource.values:
        raise ServiceError(_("来源应为 finding、rating、suggestion 或 manual"), field="source")
    base: dict[str, Any] = notice_source_defaults(source, str(source_id or ""))
    department_id = department_id or base.get("department_id")
    hall_id = hall_id or (None if department_id and source != NoticeSource.FINDING else base.get("hall_id"))
    title = (title or base.get("title") or "").strip()[:200]
    problem = (problem or base.get("problem") or "").strip()
    evidence = (evidence or base.get("evidence") or "").strip()
    workdays = conf_int("NOTICE_DEFAULT_WORKDAYS") if workdays is None else workdays
    _check(title=title, problem=problem, workdays=workdays, department_id=department_id, hall_id=hall_id,
           actor=actor)
    today, now = clock.today(), clock.now()
    due = deadline_after(today, workdays)
    with transaction.atomic():
        finding = base.get("finding")
        if finding is not None and Notice.objects.filter(finding=finding).exclude(
                status=NoticeStatus.ACCEPTED).exists():
            raise Conflict(_("这条发现已有未办结的整改通知单"), field="source_id")
        seq = counter_next(scope="supervision.notice", day=dt.date(today.year, 1, 1))
        notice = Notice.objects.create(
            number=notice_number(today.year, seq), year=today.year, seq=seq, source=source,
            source_id=str(source_id or ""), finding=finding, department_id=department_id, hall_id=hall_id,
            title=title, problem=problem, evidence=evidence, requirement=(requirement or "").strip(),
            workdays=workdays, issued_on=today, due_on=due.date, due_provisional=due.provisional,
            created_by=actor_user(actor), created_at=now, updated_at=now)
        record_event(notice, event_model=NoticeEvent, action="issued", actor=actor, to_status=NoticeStatus.ISSUED,
                     reason=f"期限 {due.date:%Y-%m-%d}（{workdays} 个工作日）", at=now)
    return notice


def _notice(notice_id: int) -> Notice:
    notice = Notice.objects.select_related("department", "hall").filter(pk=notice_id).first()
    if notice is None:
        raise NotFound(_("没有这份整改通知单"), field="notice")
    return notice


def notice_respond(*, notice_id: int, response: str, evidence: str = "", actor: Actor) -> Notice:
    """The unit reports what it did (and its evidence)."""
    response = (response or "").strip()
    if not response:
        raise ServiceError(_("请填写整改情况"), field="response")
    with transaction.atomic():
        return transition(_notice(notice_id), to=NoticeStatus.RESPONDED,
                          allowed_from={NoticeStatus.ISSUED, NoticeStatus.RETURNED}, action="responded",
                          action_label=_("反馈整改情况"), actor=actor, event_model=NoticeEvent, reason=response,
                          changes={"response": response, "response_evidence": (evidence or "").strip(),
                                   "responded_at": clock.now()})


def notice_verify(*, notice_id: int, accept: bool, note: str = "", actor: Actor) -> Notice:
    """The supervisor accepts the rectification (closing the notice and its finding) or returns it."""
    note = (note or "").strip()
    if not accept and not note:
        raise ServiceError(_("退回时请写明理由"), field="note")
    with transaction.atomic():
        notice = _notice(notice_id)
        if not accept:
            return transition(notice, to=NoticeStatus.RETURNED, allowed_from={NoticeStatus.RESPONDED},
                              action="returned", action_label=_("退回"), actor=actor, event_model=NoticeEvent,
                              reason=note, changes={"verdict_note": note})
        on_time = bool(notice.responded_at and timezone.localdate(notice.responded_at) <= notice.due_on)
        transition(notice, to=NoticeStatus.ACCEPTED, allowed_from={NoticeStatus.RESPONDED}, action="accepted",
                   action_label=_("验收"), actor=actor, event_model=NoticeEvent, reason=note,
                   changes={"verdict_note": note, "closed_at": clock.now(), "on_time": on_time})
        finding = (Finding.objects.select_for_update().filter(pk=notice.finding_id, state=FindingState.OPEN).first()
                   if notice.finding_id else None)
        if finding is not None:
            finding_resolve(finding=finding, reason=f"{notice.number} 验收通过", actor=actor,
                            correlation=notice.number)
        return notice
