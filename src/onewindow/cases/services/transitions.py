"""How a case moves: the one call every life-cycle service makes, and the lookups they share.

`move()` is `core.events.transition()` for a case: the guarded compare-and-swap on (status, version), one
CaseEvent whose `correlation` is the application's number, and the audit entry. Before it moves anything it
refuses a member of staff acting on their own application (`refuse_own`): another member of staff must.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from onewindow.cases.models import ACTION_LABELS, Application, Case, CaseEvent
from onewindow.cases.selectors import is_own_application
from onewindow.core.actors import Actor
from onewindow.core.errors import Forbidden, NotFound
from onewindow.core.events import transition

#: what staff do to an application; never to their own (selectors.is_own_application)
STAFF_ACTIONS = frozenset({"accept", "accept_deferral", "not_accept", "supplement", "supplement_complete",
                           "start_review", "special_start", "special_end", "approve", "deny", "complete", "deliver",
                           "makeup_complete"})


def case_by_number(case: Case | str) -> Case:
    """The case (fresh from the database, with its application and applicant), or NotFound."""
    number = case.number if isinstance(case, Case) else case
    found = Case.objects.select_related("application__applicant").filter(number=number).first()
    if found is None:
        raise NotFound(_("未找到该办件"), field="number")
    return found


def application_by_number(application: Application | str) -> Application:
    """The application (fresh from the database, with its applicant), or NotFound."""
    if isinstance(application, Application):
        return Application.objects.select_related("applicant").get(pk=application.pk)
    found = Application.objects.select_related("applicant").filter(number=application).first()
    if found is None:
        raise NotFound(_("未找到该申请"), field="number")
    return found


def refuse_own(case: Case, *, actor: Actor, action: str) -> None:
    """Staff never accept, decide or deliver their own application (Forbidden, nothing changed)."""
    if action in STAFF_ACTIONS and is_own_application(actor, case.application):
        raise Forbidden(_("不能%(action)s本人的申请（%(number)s），请由其他工作人员办理")
                        % {"action": ACTION_LABELS.get(action, action), "number": case.application.number}, field="actor")


def move(case: Case, *, to: str, allowed_from: Iterable[str], action: str, actor: Actor, reason: str = "",
         data: Mapping[str, Any] | None = None, changes: Mapping[str, Any] | None = None) -> Case:
    """Move `case` to `to` from one of `allowed_from` (TransitionRefused, a 409, otherwise); one event row.

    `to` may be the current status: an act that changes other columns only (a recomputed deadline, make-up
    materials received) is guarded and recorded the same way. The caller holds the transaction.
    """
    refuse_own(case, actor=actor, action=action)
    return transition(case, to=to, allowed_from=allowed_from, action=action,
                      action_label=ACTION_LABELS.get(action, action), actor=actor, event_model=CaseEvent,
                      reason=reason, correlation=case.application.number, data=data, changes=changes)
