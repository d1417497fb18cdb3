"""Bad-review rectification (差评整改): a bad review opens a record for the responsible department, due in
`BAD_REVIEW_FIX_WORKDAYS` working days; the department verifies it (or appeals, and a supervisor decides), fixes
it at once, by a deadline or explains it, calls the citizen back and closes it. A follow-up rating after the
callback closes it too.

    pending ──verify──▶ valid ──fix_now / explain──▶ rectified ──callback──▶ called_back ──close / 追评──▶ closed
       │                  └──fix_deadline──▶ fixing ──complete──▶ rectified
       └──appeal──▶ appealed ──review: accepted ▶ invalid | rejected ▶ valid

Every step is one core.events.transition() (its RectificationEvent and its audit entry); a step the record's
state does not allow is a 409. The two steps taken inside a citizen's rating request — opening the record and
closing it after the follow-up — write no audit entry: it would keep the address of the person rating next to
their (possibly anonymous) rating. Their event row is the trail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.core import clock
from onewindow.core.access import Role, has_role
from onewindow.core.actors import Actor, actor_user
from onewindow.core.calendar import deadline_after
from onewindow.core.errors import Forbidden, NotFound, ServiceError
from onewindow.core.events import record_event, transition
from onewindow.core.validators import clean_text
from onewindow.feedback.access import can_appeal_rectification, can_work_rectification
from onewindow.feedback.conf import fix_workdays
from onewindow.feedback.models import (
    CallbackMethod,
    Disposition,
    Level,
    Rating,
    Rectification,
    RectificationEvent,
    RectState,
)

RECT_ACTION_LABELS = {
    "opened": gettext_lazy("差评生成整改单"),
    "verify_valid": gettext_lazy("核实为有效差评"),
    "appeal": gettext_lazy("工作人员申诉"),
    "appeal_accepted": gettext_lazy("复核：申诉成立，认定无效差评"),
    "appeal_rejected": gettext_lazy("复核：申诉不成立，认定有效差评"),
    "fix_now": gettext_lazy("立行立改"),
    "fix_deadline": gettext_lazy("限期整改"),
    "explain": gettext_lazy("解释说明"),
    "fix_done": gettext_lazy("整改完成"),
    "callback": gettext_lazy("回访群众"),
    "close": gettext_lazy("办结"),
    "followup_rated": gettext_lazy("群众追评后办结"),
}


def _step(rec: Rectification, action: str, *, to: str, allowed_from: Iterable[str], actor: Actor, reason: str = "",
          changes: Mapping[str, Any] | None = None, audit: bool = True) -> Rectification:
    return transition(rec, to=to, allowed_from=allowed_from, action=action, action_label=RECT_ACTION_LABELS[action],
                      actor=actor, event_model=RectificationEvent, reason=reason, changes=changes,
                      state_field="state", version_field=None, audit=audit)


def rectification_open(*, rating: Rating) -> Rectification:
    """The record a bad review opens (inside the rating's transaction), for the rating's department."""
    due = deadline_after(clock.today(), fix_workdays())
    rec = Rectification.objects.create(rating=rating, department_id=rating.department_id, state=RectState.PENDING,
                                       due_on=due.date, due_provisional=due.provisional, opened_at=rating.rated_at,
                                       updated_at=rating.rated_at)
    record_event(rec, event_model=RectificationEvent, action="opened", actor=None, to_status=RectState.PENDING,
                 reason=",".join(rating.reasons), at=rating.rated_at, audit=False)
    return rec


def rectification_close_after_followup(*, first: Rating, followup: Rating) -> None:
    """A follow-up rating of a service whose bad review was called back closes its record (inside the rating's
    transaction)."""
    rec = (Rectification.objects.select_for_update().select_related("rating")
           .filter(rating=first, state=RectState.CALLED_BACK).first())
    if rec is None:
        return
    _step(rec, "followup_rated", to=RectState.CLOSED, allowed_from={RectState.CALLED_BACK}, actor=None,
          reason=_("群众追评：%(level)s") % {"level": Level(followup.level).label},
          changes={"closed_at": followup.rated_at}, audit=False)


def _locked(rect_id: int, actor: Actor, *, appeal: bool = False) -> Rectification:
    """The record, locked, when `actor` may work it (or, for an appeal, may appeal it)."""
    rec = Rectification.objects.select_for_update().select_related("rating").filter(pk=rect_id).first()
    if rec is None:
        raise NotFound(_("整改单不存在"), field="id")
    if appeal:
        if not can_appeal_rectification(actor, rec):
            raise Forbidden(_("只有被评价的工作人员或责任部门可以申诉，评价人不能申诉"), field="id")
    elif not can_work_rectification(actor, rec):
        raise Forbidden(_("您不能处理其他部门的差评整改单"), field="id")
    return rec


@transaction.atomic
def rectification_verify(*, rect_id: int, actor: Actor, note: str = "") -> Rectification:
    """The department confirms the bad review is valid (核实)."""
    rec = _locked(rect_id, actor)
    return _step(rec, "verify_valid", to=RectState.VALID, allowed_from={RectState.PENDING}, actor=actor,
                 reason=clean_text(note))


@transaction.atomic
def rectification_appeal(*, rect_id: int, actor: Actor, reason: str) -> Rectification:
    """The staff member (or the department) appeals: the review is said to be mistaken or malicious."""
    reason = clean_text(reason)
    if not reason:
        raise ServiceError(_("请填写申诉理由"), field="reason")
    rec = _locked(rect_id, actor, appeal=True)
    return _step(rec, "appeal", to=RectState.APPEALED, allowed_from={RectState.PENDING}, actor=actor, reason=reason,
                 changes={"appeal_reason": reason})


@transaction.atomic
def rectification_review(*, rect_id: int, actor: Actor, accept: bool, note: str) -> Rectification:
    """A supervisor decides the appeal: accepted ⇒ invalid bad review (closed); rejected ⇒ valid. Not one who
    wrote the review, is named in it, or filed the appeal."""
    note = clean_text(note)
    if not has_role(actor, Role.SUPERVISOR):
        raise Forbidden(_("申诉复核须由督查人员办理"), field="accept")
    if not note:
        raise ServiceError(_("请填写复核意见"), field="note")
    rec = _locked(rect_id, actor)
    person = actor_user(actor)
    if person is None or person.pk in (rec.rating.rater_id, rec.rating.clerk_id) \
            or rec.events.filter(action="appeal", actor=person).exists():
        raise Forbidden(_("评价人、被评价人和申诉人不能复核本申诉"), field="accept")
    if accept:
        return _step(rec, "appeal_accepted", to=RectState.INVALID, allowed_from={RectState.APPEALED}, actor=actor,
                     reason=note, changes={"review_note": note, "closed_at": clock.now()})
    return _step(rec, "appeal_rejected", to=RectState.VALID, allowed_from={RectState.APPEALED}, actor=actor,
                 reason=note, changes={"review_note": note})


def _fix_deadline_workdays(workdays: int | None) -> int:
    limit = fix_workdays()
    workdays = limit if workdays is None else int(workdays)
    if not 1 <= workdays <= limit:
        raise ServiceError(_("整改期限应为1至%(n)d个工作日") % {"n": limit}, field="workdays")
    return workdays


@transaction.atomic
def rectification_dispose(*, rect_id: int, actor: Actor, disposition: str, measures: str,
                          workdays: int | None = None) -> Rectification:
    """立行立改 / 限期整改 (deadline in working days, at most BAD_REVIEW_FIX_WORKDAYS) / 解释说明."""
    measures = clean_text(measures)
    if disposition not in Disposition.values:
        raise ServiceError(_("请选择处置方式：立行立改、限期整改或解释说明"), field="disposition")
    if not measures:
        field_label = _("法律依据及解释说明") if disposition == Disposition.EXPLAIN else _("整改措施")
        raise ServiceError(_("请填写%(f)s") % {"f": field_label}, field="measures")
    days = _fix_deadline_workdays(workdays) if disposition == Disposition.FIX_DEADLINE else 0
    rec = _locked(rect_id, actor)
    if disposition == Disposition.FIX_DEADLINE:
        due = deadline_after(clock.today(), days)
        return _step(rec, "fix_deadline", to=RectState.FIXING, allowed_from={RectState.VALID}, actor=actor,
                     reason=measures, changes={"disposition": disposition, "measures": measures,
                                               "due_on": due.date, "due_provisional": due.provisional})
    return _step(rec, disposition, to=RectState.RECTIFIED, allowed_from={RectState.VALID}, actor=actor,
                 reason=measures, changes={"disposition": disposition, "measures": measures,
                                           "rectified_at": clock.now()})


@transaction.atomic
def rectification_complete(*, rect_id: int, actor: Actor, measures: str) -> Rectification:
    """限期整改 done: what was fixed is added to the measures."""
    measures = clean_text(measures)
    if not measures:
        raise ServiceError(_("请填写整改完成情况"), field="measures")
    rec = _locked(rect_id, actor)
    return _step(rec, "fix_done", to=RectState.RECTIFIED, allowed_from={RectState.FIXING}, actor=actor,
                 reason=measures, changes={"measures": (rec.measures + "\n" + measures).strip(),
                                           "rectified_at": clock.now()})


@transaction.atomic
def rectification_callback(*, rect_id: int, actor: Actor, method: str, outcome: str) -> Rectification:
    """回访: the citizen is told the outcome; what they said is recorded. A named review needs a real callback
    (phone, SMS, visit); an anonymous one has no contact and records the published outcome."""
    outcome = clean_text(outcome)
    if method not in CallbackMethod.values:
        raise ServiceError(_("请选择回访方式"), field="method")
    if not outcome:
        raise ServiceError(_("请填写回访结果"), field="outcome")
    rec = _locked(rect_id, actor)
    if rec.rating.anonymous and method != CallbackMethod.ANONYMOUS:
        raise ServiceError(_("匿名评价无联系方式，回访方式请选择“匿名评价·结果公示”"), field="method")
    if not rec.rating.anonymous and method == CallbackMethod.ANONYMOUS:
        raise ServiceError(_("实名差评须电话、短信或现场回访"), field="method")
    return _step(rec, "callback", to=RectState.CALLED_BACK, allowed_from={RectState.RECTIFIED}, actor=actor,
                 reason=outcome, changes={"callback_method": method, "callback_outcome": outcome})


@transaction.atomic
def rectification_close(*, rect_id: int, actor: Actor, note: str = "") -> Rectification:
    rec = _locked(rect_id, actor)
    return _step(rec, "close", to=RectState.CLOSED, allowed_from={RectState.CALLED_BACK}, actor=actor,
                 reason=clean_text(note), changes={"closed_at": clock.now()})


# the steps a page or the API names, each called with rect_id, actor and its own keyword arguments
RECT_STEPS: dict[str, Callable[..., Rectification]] = {
    "verify": rectification_verify,
    "appeal": rectification_appeal,
    "review": rectification_review,
    "dispose": rectification_dispose,
    "complete": rectification_complete,
    "callback": rectification_callback,
    "close": rectification_close,
}
