"""Bulk acts from the department's worklist: accept several received cases at once, and (the department head)
assign several open cases to one of the department's reviewers.

Each case goes through the same rule and the same single-case service as its own button: a case the user may not
act on (another department's, their own application, a state that does not allow it) is refused and named in the
result, the others go ahead — one transaction per case, so one refusal never undoes the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.cases.models import OPEN_STATUSES, Case
from onewindow.cases.selectors import can_act_on_case, can_view_case
from onewindow.cases.services.lifecycle import case_accept
from onewindow.cases.services.transitions import case_by_number, move
from onewindow.core.access import Role, user_department_id, user_roles
from onewindow.core.actors import Actor
from onewindow.core.errors import Forbidden, ServiceError

#: at most this many cases in one bulk act (a worklist page holds up to 100)
BULK_LIMIT = 100


@dataclass
class BulkResult:
    """The numbers done and, for each refused case, why."""

    done: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


def _numbers(numbers: Sequence[str]) -> list[str]:
    cleaned = list(dict.fromkeys(str(n).strip().upper() for n in numbers if str(n).strip()))
    if not cleaned:
        raise ServiceError(_("请至少选择一个办件"), field="numbers")
    if len(cleaned) > BULK_LIMIT:
        raise ServiceError(_("一次最多处理 %(n)s 个办件") % {"n": BULK_LIMIT}, field="numbers")
    return cleaned


def _each(numbers: Sequence[str], actor: Actor, action: str, act: Callable[[Case], object]) -> BulkResult:
    result = BulkResult()
    for number in _numbers(numbers):
        case = Case.objects.select_related("application__applicant").filter(number=number).first()
        if case is None or not can_view_case(actor, case):
            result.refused[number] = _("未找到该办件")  # another department's case stays unknown
            continue
        if not can_act_on_case(actor, case, action):
            result.refused[number] = _("无权办理该办件")
            continue
        try:
            act(case)
        except ServiceError as exc:
            result.refused[number] = str(exc.message)
        else:
            result.done.append(number)
    return result


def cases_accept_bulk(*, numbers: Sequence[str], actor: Actor) -> BulkResult:
    """受理 each received case in `numbers` (instant items complete on the spot), as its own button would."""
    return _each(numbers, actor, "accept", lambda case: case_accept(case=case, actor=actor))


def _assignee(assignee_id: int | None, department_id: int | None) -> object:
    """The reviewer (or head) of the department the cases go to, or a ServiceError naming the field."""
    user = get_user_model().objects.filter(pk=assignee_id, is_active=True).first() if assignee_id else None
    if (user is None or department_id is None or user_department_id(user) != department_id
            or not user_roles(user) & {Role.REVIEWER, Role.DEPARTMENT_HEAD}):
        raise ServiceError(_("请选择本部门的审查人员"), field="assignee")
    return user


@transaction.atomic
def case_assign(*, case: Case | str, assignee: object, actor: Actor) -> Case:
    """分派: the open case goes to `assignee` (its status stays; one event)."""
    case = case_by_number(case)
    return move(case, to=case.status, allowed_from=OPEN_STATUSES, action="assign", actor=actor,
                data={"assignee": getattr(assignee, "pk", None)}, changes={"assignee": assignee})


def cases_assign_bulk(*, numbers: Sequence[str], assignee_id: int | None, actor: Actor) -> BulkResult:
    """Only a department head assigns, only their department's open cases, only to their department's staff."""
    if Role.DEPARTMENT_HEAD not in user_roles(actor):
        raise Forbidden(_("只有部门负责人可以分派办件"), field="actor")
    assignee = _assignee(assignee_id, user_department_id(actor))
    # assigning follows the department's rule (its own staff only), as starting the review does
    return _each(numbers, actor, "start-review",
                 lambda case: case_assign(case=case, assignee=assignee, actor=actor))
