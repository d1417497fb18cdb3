"""What each case button and each `POST /api/v1/cases/{number}/{action}` does: one service call per action.

The page and the API share this table, so an action means the same everywhere; who may press it is
`selectors.ACTION_RULES` / `can_act_on_case`. Body fields by action: reason (not-accept, deny, special-start,
withdraw), missing [{name, note}] and note (supplement), makeup_days and materials (accept-deferral),
kind hearing|testing|expert|inspection|other (special-start), result (special-end), opinion (approve),
result_number (complete), method pickup|post|locker|electronic + tracking_number / pickup_code (deliver).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from onewindow.cases.models import Case
from onewindow.cases.services import lifecycle
from onewindow.core.actors import Actor
from onewindow.core.errors import ServiceError

Body = Mapping[str, Any]
Handler = Callable[[Case, Body, Actor], Any]


def text(body: Body, name: str) -> str:
    return str(body.get(name) or "")


def integer(body: Body, name: str) -> int:
    try:
        return int(body.get(name))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ServiceError(_("%(field)s 应为整数") % {"field": name}, field=name) from None


CASE_ACTIONS: dict[str, Handler] = {
    "accept": lambda case, body, actor: lifecycle.case_accept(case=case, actor=actor),
    "not-accept": lambda case, body, actor: lifecycle.case_not_accept(case=case, actor=actor,
                                                                      reason=text(body, "reason")),
    "supplement": lambda case, body, actor: lifecycle.case_request_supplement(
        case=case, actor=actor, missing=body.get("missing") or [], note=text(body, "note")),
    "supplement-complete": lambda case, body, actor: lifecycle.case_complete_supplement(case=case, actor=actor),
    "accept-deferral": lambda case, body, actor: lifecycle.case_accept_with_deferral(
        case=case, actor=actor, makeup_days=integer(body, "makeup_days"), materials=body.get("materials")),
    "makeup-complete": lambda case, body, actor: lifecycle.case_complete_makeup(case=case, actor=actor),
    "start-review": lambda case, body, actor: lifecycle.case_start_review(case=case, actor=actor),
    "special-start": lambda case, body, actor: lifecycle.case_start_special_procedure(
        case=case, actor=actor, kind=text(body, "kind"), reason=text(body, "reason")),
    "special-end": lambda case, body, actor: lifecycle.case_end_special_procedure(case=case, actor=actor,
                                                                                  result=text(body, "result")),
    "approve": lambda case, body, actor: lifecycle.case_approve(case=case, actor=actor, opinion=text(body, "opinion")),
    "deny": lambda case, body, actor: lifecycle.case_deny(case=case, actor=actor, reason=text(body, "reason")),
    "complete": lambda case, body, actor: lifecycle.case_complete(case=case, actor=actor,
                                                                  result_number=text(body, "result_number")),
    "deliver": lambda case, body, actor: lifecycle.case_deliver(
        case=case, actor=actor, method=text(body, "method"), tracking_number=text(body, "tracking_number"),
        pickup_code=text(body, "pickup_code")),
    "withdraw": lambda case, body, actor: lifecycle.case_withdraw(case=case, actor=actor, reason=text(body, "reason")),
}


def run_case_action(case: Case, action: str, body: Body, actor: Actor) -> None:
    """Run `action` on `case` (the caller has checked that the action exists and that `actor` may take it)."""
    CASE_ACTIONS[action](case, body, actor)
