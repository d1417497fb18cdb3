"""A case's life after submission: accept (also with 容缺 deferral), one-time supplement, not accept, review,
special procedure, approve or deny, complete, deliver, withdraw — and the nightly end of 容缺 cases whose
make-up deadline passed.

    received ─accept──────────────▶ accepted ─start_review─▶ under_review ─approve─▶ approved ─complete─▶ completed
       │  └─supplement─▶ supplement ─supplement_complete─┘       ▲  │ special_start/end ▲  └─deny─▶ denied      │
       └─not_accept─▶ not_accepted                                └──────────────────────┘              deliver ▼
    (withdraw from any state before a decision; terminate when 容缺 materials are not made up)          delivered

Each function is one transaction; every move goes through `transitions.move()` (core.events.transition: a
guarded compare-and-swap, one CaseEvent, the audit entry). Refusals raise ServiceError naming the field, or
TransitionRefused (409) naming the state; nothing is changed when they do.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.cases.models import (
    DONE_STATUSES,
    Application,
    Case,
    CaseStatus,
    DeliveryMethod,
    SupplementRequest,
)
from onewindow.cases.services import notifications
from onewindow.cases.services.auto_approval import complete_on_acceptance
from onewindow.cases.services.deadlines import (
    acceptance_dates,
    check_makeup_days,
    compute_due,
    default_makeup_days,
)
from onewindow.cases.services.transitions import application_by_number, case_by_number, move
from onewindow.catalog.models import HandlingType
from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.core.calendar import add_workdays, workdays_between
from onewindow.core.errors import Conflict, ServiceError
from onewindow.core.events import TransitionRefused
from onewindow.core.validators import clean_text

WITHDRAWABLE = (CaseStatus.RECEIVED, CaseStatus.SUPPLEMENT, CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW,
                CaseStatus.SPECIAL_PROCEDURE)
#: states in which 容缺 materials may still arrive (or their deadline pass)
MAKEUP_OPEN = (CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW, CaseStatus.SPECIAL_PROCEDURE)
DECIDABLE = (CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW)
SPECIAL_KINDS = {"hearing": "听证", "testing": "检验检测", "expert": "专家评审", "inspection": "现场勘查", "other": "其他"}


def _required(value: object, message: str, *, field: str, multiline: bool = True) -> str:
    text = clean_text(value, multiline=multiline)
    if not text:
        raise ServiceError(message, field=field)
    return text


# --------------------------------------------------------------------------- acceptance


@transaction.atomic
def case_accept(*, case: Case | str, actor: Actor, notify: bool = True) -> Case:
    """受理. Instant items are completed at once; deferred (容缺) materials get a make-up deadline."""
    case = case_by_number(case)
    if case.deferred_materials:
        return case_accept_with_deferral(case=case, actor=actor, makeup_days=default_makeup_days(case), notify=notify)
    move(case, to=CaseStatus.ACCEPTED, allowed_from=[CaseStatus.RECEIVED], action="accept", actor=actor,
         changes=acceptance_dates(case, clock.today()))
    complete_on_acceptance(case, actor=actor)
    if notify:
        notifications.notify_accepted(case.application, [case])
    return case


@transaction.atomic
def case_accept_with_deferral(*, case: Case | str, actor: Actor, makeup_days: int,
                              materials: Sequence[Mapping[str, Any]] | None = None, notify: bool = True) -> Case:
    """容缺受理: accepted now; the missing non-key materials must follow within `makeup_days` working days."""
    case = case_by_number(case)
    deferred = list(materials) if materials is not None else list(case.deferred_materials)
    if not deferred:
        raise ServiceError(_("请列出容缺后补的材料"), field="materials")
    if case.handling_type == HandlingType.INSTANT:
        raise Conflict(_("即办件不适用容缺受理"), field="status")
    if not case.application.deferral_promise:
        raise Conflict(_("申请人未作书面承诺，不能容缺受理"), field="deferral_promise")
    check_makeup_days(case, int(makeup_days))
    today = clock.today()
    move(case, to=CaseStatus.ACCEPTED, allowed_from=[CaseStatus.RECEIVED], action="accept_deferral", actor=actor,
         data={"makeup_days": int(makeup_days), "materials": deferred},
         changes={"makeup_due": add_workdays(today, int(makeup_days)), "deferred_materials": deferred,
                  **acceptance_dates(case, today)})
    if notify:
        notifications.notify_accepted(case.application, [case])
    return case


@transaction.atomic
def case_complete_makeup(*, case: Case | str, actor: Actor) -> Case:
    """The deferred materials arrived: the make-up deadline goes (the status stays; one event)."""
    case = case_by_number(case)
    if not case.deferred_materials:
        raise Conflict(_("该办件没有待补齐的容缺材料"), field="status")
    return move(case, to=case.status, allowed_from=MAKEUP_OPEN, action="makeup_complete", actor=actor,
                data={"materials": case.deferred_materials}, changes={"deferred_materials": [], "makeup_due": None})


@transaction.atomic
def application_accept(*, application: Application | str, actor: Actor) -> list[Case]:
    """The window accepts every received case of an application at once (one SMS)."""
    app = application_by_number(application)
    received = list(app.cases.filter(status=CaseStatus.RECEIVED).order_by("number"))
    if not received:
        raise Conflict(_("该申请没有待受理的办件"), field="status")
    for c in received:
        case_accept(case=c, actor=actor, notify=False)
    cases = list(app.cases.order_by("number"))
    notifications.notify_accepted(app, cases)
    notifications.notify_if_application_done(app)
    return cases


@transaction.atomic
def case_not_accept(*, case: Case | str, actor: Actor, reason: str) -> Case:
    reason = _required(reason, _("不予受理须说明理由"), field="reason")
    case = case_by_number(case)
    move(case, to=CaseStatus.NOT_ACCEPTED, allowed_from=[CaseStatus.RECEIVED, CaseStatus.SUPPLEMENT],
         action="not_accept", actor=actor, reason=reason,
         changes={"decided_by": actor_user(actor), "decided_at": clock.now()})
    notifications.notify_not_accepted(case, reason)
    notifications.notify_if_application_done(case.application)
    return case


# --------------------------------------------------------------------------- one-time supplement (一次性告知)


def _missing_entry(entry: Any) -> dict[str, str]:
    if isinstance(entry, str):
        return {"code": "", "name": clean_text(entry, multiline=False), "note": ""}
    if not isinstance(entry, Mapping):
        raise ServiceError(_("补正清单的每一项应为材料名称或 {name, note}"), field="missing")
    return {"code": clean_text(entry.get("code"), multiline=False), "name": clean_text(entry.get("name"), multiline=False),
            "note": clean_text(entry.get("note"))}


def clean_missing(missing: Sequence[Any]) -> list[dict[str, str]]:
    """The list of what is missing: names (or {name, note, code}); at least one."""
    if missing and not isinstance(missing, (list, tuple)):
        raise ServiceError(_("补正清单应为列表"), field="missing")
    out = [entry for entry in map(_missing_entry, missing or []) if entry["name"]]
    if not out:
        raise ServiceError(_("请一次性列出需要补正的全部材料或内容"), field="missing")
    return out


def _request_supplement(app: Application, cases: Sequence[Case], *, actor: Actor, missing: list[dict[str, str]],
                        note: str) -> SupplementRequest:
    note = clean_text(note)
    req = SupplementRequest.objects.create(application=app, missing=missing, note=note, requested_by=actor_user(actor),
                                           requested_at=clock.now())
    for c in cases:
        move(c, to=CaseStatus.SUPPLEMENT, allowed_from=[CaseStatus.RECEIVED], action="supplement", actor=actor,
             reason=note, data={"missing": missing, "request": req.pk})
    req.cases.set(cases)
    notifications.notify_supplement(app, [m["name"] for m in missing])
    return req


@transaction.atomic
def case_request_supplement(*, case: Case | str, actor: Actor, missing: Sequence[Any],
                            note: str = "") -> SupplementRequest:
    """One-time notice of everything missing (一次性告知); the time limit starts when the supplement is complete."""
    missing_list = clean_missing(missing)
    case = case_by_number(case)
    return _request_supplement(case.application, [case], actor=actor, missing=missing_list, note=note)


@transaction.atomic
def application_request_supplement(*, application: Application | str, actor: Actor, missing: Sequence[Any],
                                   note: str = "") -> SupplementRequest:
    """At the window: one list for every received case of the application."""
    missing_list = clean_missing(missing)
    app = application_by_number(application)
    cases = list(app.cases.filter(status=CaseStatus.RECEIVED).order_by("number"))
    if not cases:
        raise Conflict(_("该申请没有待受理的办件，不能要求补正"), field="status")
    return _request_supplement(app, cases, actor=actor, missing=missing_list, note=note)


@transaction.atomic
def case_complete_supplement(*, case: Case | str, actor: Actor) -> Case:
    """Supplement complete: the case is accepted today and its time limit starts now."""
    case = case_by_number(case)
    today = clock.today()
    changes = acceptance_dates(case, today)
    if case.deferred_materials:
        # 容缺 materials still pending after the supplement: keep the promise's make-up deadline
        changes["makeup_due"] = add_workdays(today, default_makeup_days(case))
    move(case, to=CaseStatus.ACCEPTED, allowed_from=[CaseStatus.SUPPLEMENT], action="supplement_complete",
         actor=actor, changes=changes)
    _close_supplement_requests(case)
    complete_on_acceptance(case, actor=actor)
    notifications.notify_accepted(case.application, [case])
    return case


def _close_supplement_requests(case: Case) -> None:
    """A supplement request is complete once every other case it covers is accepted, under review or done."""
    past = [CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW, *DONE_STATUSES]
    now = clock.now()
    for req in SupplementRequest.objects.filter(cases=case, completed_at__isnull=True):
        if not req.cases.exclude(status__in=past).exclude(pk=case.pk).exists():
            SupplementRequest.objects.filter(pk=req.pk).update(completed_at=now)


# --------------------------------------------------------------------------- review and special procedures


@transaction.atomic
def case_start_review(*, case: Case | str, actor: Actor) -> Case:
    return move(case_by_number(case), to=CaseStatus.UNDER_REVIEW, allowed_from=[CaseStatus.ACCEPTED],
                action="start_review", actor=actor)


@transaction.atomic
def case_start_special_procedure(*, case: Case | str, actor: Actor, kind: str, reason: str) -> Case:
    """特别程序: the clock stops until it ends (the paused working days do not count)."""
    if kind not in SPECIAL_KINDS:
        raise ServiceError(_("特别程序种类只能是：%(kinds)s") % {"kinds": "、".join(SPECIAL_KINDS)}, field="kind")
    reason = _required(reason, _("请说明进入特别程序的理由"), field="reason")
    return move(case_by_number(case), to=CaseStatus.SPECIAL_PROCEDURE, allowed_from=DECIDABLE, action="special_start",
                actor=actor, reason=reason, data={"kind": kind}, changes={"pause_started_on": clock.today()})


@transaction.atomic
def case_end_special_procedure(*, case: Case | str, actor: Actor, result: str = "") -> Case:
    """The special procedure ends: its working days are added to the limit and the due date moves."""
    case = case_by_number(case)
    today = clock.today()
    start = case.pause_started_on or today
    paused = workdays_between(start, today) if case.status == CaseStatus.SPECIAL_PROCEDURE else 0
    total = case.paused_workdays + paused
    due, provisional = compute_due(case.accepted_on or start, case.promised_limit, total)
    return move(case, to=CaseStatus.UNDER_REVIEW, allowed_from=[CaseStatus.SPECIAL_PROCEDURE], action="special_end",
                actor=actor, reason=clean_text(result), data={"paused_workdays": paused, "from": start.isoformat()},
                changes={"paused_workdays": total, "pause_started_on": None, "due_date": due,
                         "due_provisional": provisional})


# --------------------------------------------------------------------------- decisions, results, delivery


@transaction.atomic
def case_approve(*, case: Case | str, actor: Actor, opinion: str = "") -> Case:
    return move(case_by_number(case), to=CaseStatus.APPROVED, allowed_from=DECIDABLE, action="approve", actor=actor,
                reason=clean_text(opinion), changes={"decided_by": actor_user(actor), "decided_at": clock.now()})


@transaction.atomic
def case_deny(*, case: Case | str, actor: Actor, reason: str) -> Case:
    reason = _required(reason, _("不予批准须说明理由"), field="reason")
    case = case_by_number(case)
    now = clock.now()
    move(case, to=CaseStatus.DENIED, allowed_from=DECIDABLE, action="deny", actor=actor, reason=reason,
         changes={"decided_by": actor_user(actor), "decided_at": now, "completed_at": now})
    notifications.notify_denied(case, reason)
    notifications.notify_if_application_done(case.application)
    return case


@transaction.atomic
def case_complete(*, case: Case | str, actor: Actor, result_number: str) -> Case:
    """办结 with the result (certificate or licence) number."""
    result_number = _required(result_number, _("请填写结果证照编号"), field="result_number", multiline=False)
    if len(result_number) > 60:
        raise ServiceError(_("结果证照编号不能超过60个字符"), field="result_number")
    case = case_by_number(case)
    move(case, to=CaseStatus.COMPLETED, allowed_from=[CaseStatus.APPROVED], action="complete", actor=actor,
         data={"result_number": result_number},
         changes={"result_number": result_number, "completed_at": clock.now()})
    notifications.notify_if_application_done(case.application)
    return case


def _delivery_ref(method: str, tracking_number: str, pickup_code: str) -> str:
    """The tracking number (post, required) or pickup code (locker, made up when none is given)."""
    if method == DeliveryMethod.POST:
        return _required(tracking_number, _("邮寄送达须填写快递单号"), field="tracking_number", multiline=False)
    if method == DeliveryMethod.LOCKER:
        ref = clean_text(pickup_code, multiline=False) or f"{secrets.randbelow(10 ** 6):06d}"
        if not ref.isdigit() or not 4 <= len(ref) <= 8:
            raise ServiceError(_("取件码应为4到8位数字"), field="pickup_code")
        return ref
    return ""


@transaction.atomic
def case_deliver(*, case: Case | str, actor: Actor, method: str, tracking_number: str = "",
                 pickup_code: str = "") -> Case:
    """送达: pickup at the window, post (tracking number), 24-hour locker (pickup code) or electronic."""
    if method not in DeliveryMethod.values:
        raise ServiceError(_("送达方式只能是：窗口领取、邮寄、24小时智能柜、电子证照"), field="method")
    ref = _delivery_ref(method, tracking_number, pickup_code)
    case = case_by_number(case)
    move(case, to=CaseStatus.DELIVERED, allowed_from=[CaseStatus.COMPLETED], action="deliver", actor=actor,
         data={"method": method, "ref": ref}, changes={"delivery_method": method, "delivery_ref": ref})
    notifications.notify_delivered(case)
    return case


# --------------------------------------------------------------------------- withdrawal and termination


@transaction.atomic
def case_withdraw(*, case: Case | str, actor: Actor, reason: str = "") -> Case:
    """撤回 by the applicant (before a decision)."""
    return move(case_by_number(case), to=CaseStatus.WITHDRAWN, allowed_from=WITHDRAWABLE, action="withdraw",
                actor=actor, reason=clean_text(reason) or "申请人撤回")


@transaction.atomic
def application_withdraw(*, application: Application | str, actor: Actor, reason: str = "") -> list[Case]:
    app = application_by_number(application)
    cases = list(app.cases.filter(status__in=WITHDRAWABLE).order_by("number"))
    if not cases:
        raise Conflict(_("该申请已没有可撤回的办件"), field="status")
    for c in cases:
        case_withdraw(case=c, actor=actor, reason=reason)
    return cases


def terminate_missed_makeups(*, today: dt.date | None = None) -> int:
    """容缺: end (terminate) every case whose make-up deadline has passed without the materials; one transaction
    per case, so one case changed meanwhile does not hold up the others."""
    today = today or clock.today()
    numbers = list(Case.objects.filter(status__in=MAKEUP_OPEN, makeup_due__lt=today).exclude(deferred_materials=[])
                   .values_list("number", flat=True))
    count = 0
    for number in numbers:
        try:
            with transaction.atomic():
                case = case_by_number(number)
                move(case, to=CaseStatus.TERMINATED, allowed_from=MAKEUP_OPEN, action="terminate", actor=None,
                     reason="容缺材料未在承诺期限内补齐，办件终止",
                     data={"makeup_due": case.makeup_due.isoformat() if case.makeup_due else None})
                notifications.notify_terminated(case)
        except TransitionRefused:
            continue
        count += 1
    return count

