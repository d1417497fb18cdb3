"""What happens at once when a case is accepted: instant items (即办件) are approved and completed on the spot by
the clerk; items with a matching 秒批 rule are approved and completed by the system.

A rule (`AutoApprovalRule.rule`) is {"all": [condition, …]}; every condition must hold:
{"answer": key, "in": [values]} — the situational answer; {"field": key, "equals": value} / {"field": key, "in":
[values]} / {"field": key, "min": n} / {"field": key, "max": n} — the form; {"material": code} — a material
submitted. An empty rule, or a condition of another shape, never matches. Administrators write rules through
`auto_rule_save` / `auto_rule_delete` (checked and audited).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.cases.models import AutoApprovalRule, Case, CaseStatus, SubmittedMaterial
from onewindow.cases.services.transitions import move
from onewindow.catalog.models import HandlingType
from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.core.audit import audit_log
from onewindow.core.errors import ServiceError

DEFAULT_PREFIX = "MP"


def complete_on_acceptance(case: Case, *, actor: Actor) -> Case:
    """Instant items complete on the spot; items with a matching 秒批 rule are approved by the system."""
    if case.handling_type == HandlingType.INSTANT:
        _approve_and_complete(case, actor=actor, prefix="JB", approve_reason="即办件当场办理",
                              approve_data=None, complete_data={"instant": True},
                              decided={"decided_by": actor_user(actor)})
        return case
    rule = AutoApprovalRule.objects.filter(item_code=case.item_code, enabled=True).first()
    if rule is not None and auto_rule_matches(rule.rule, case):
        _approve_and_complete(case, actor=None, prefix=rule.result_prefix or DEFAULT_PREFIX,
                              approve_reason="符合秒批规则，系统自动审批", approve_data={"auto_rule": rule.pk},
                              complete_data={"auto_rule": rule.pk},
                              decided={"decided_by": None, "decided_by_system": True})
    return case


def _approve_and_complete(case: Case, *, actor: Actor, prefix: str, approve_reason: str,
                          approve_data: Mapping[str, Any] | None, complete_data: Mapping[str, Any],
                          decided: Mapping[str, Any]) -> None:
    now = clock.now()
    move(case, to=CaseStatus.APPROVED, allowed_from=[CaseStatus.ACCEPTED], action="approve", actor=actor,
         reason=approve_reason, data=approve_data, changes={**decided, "decided_at": now})
    move(case, to=CaseStatus.COMPLETED, allowed_from=[CaseStatus.APPROVED], action="complete", actor=actor,
         data=complete_data, changes={"completed_at": now, "result_number": f"{prefix}{case.number[2:]}"})


# --------------------------------------------------------------------------- rule matching


class _Facts:
    """What a rule may look at: the application's answers and form, and (read once, when asked) its materials."""

    def __init__(self, case: Case) -> None:
        self.application = case.application
        self._materials: set[str] | None = None

    def materials(self) -> set[str]:
        if self._materials is None:
            self._materials = set(SubmittedMaterial.objects.filter(application=self.application)
                                  .values_list("material__code", flat=True))
        return self._materials


def _answer_holds(cond: Mapping[str, Any], facts: _Facts) -> bool:
    value = facts.application.answers.get(cond["answer"])
    values = value if isinstance(value, list) else [value]
    return bool(set(map(str, values)) & set(map(str, cond.get("in", []))))


def _within(value: Any, cond: Mapping[str, Any]) -> bool:
    try:
        if "min" in cond and float(value) < float(cond["min"]):
            return False
        return not ("max" in cond and float(value) > float(cond["max"]))
    except (TypeError, ValueError):
        return False


def _field_holds(cond: Mapping[str, Any], facts: _Facts) -> bool:
    value = facts.application.form_data.get(cond["field"])
    if value is None:
        return False
    if "equals" in cond and str(value) != str(cond["equals"]):
        return False
    if "in" in cond and str(value) not in map(str, cond["in"]):
        return False
    return _within(value, cond)


def _material_holds(cond: Mapping[str, Any], facts: _Facts) -> bool:
    return cond["material"] in facts.materials()


CONDITIONS: dict[str, Callable[[Mapping[str, Any], _Facts], bool]] = {
    "answer": _answer_holds, "field": _field_holds, "material": _material_holds,
}


def _holds(cond: Any, facts: _Facts) -> bool:
    if not isinstance(cond, Mapping):
        return False
    kind = next((key for key in CONDITIONS if key in cond), None)
    return kind is not None and CONDITIONS[kind](cond, facts)


def auto_rule_matches(rule: Mapping[str, Any], case: Case) -> bool:
    """True when every condition of the rule holds for the case's application (and there is at least one)."""
    conditions = rule.get("all") or []
    if not conditions:
        return False
    facts = _Facts(case)
    return all(_holds(cond, facts) for cond in conditions)


# --------------------------------------------------------------------------- the rules, written by administrators


def _problem(message: str) -> ServiceError:
    return ServiceError(message, field="rule")


def _check_condition(cond: Any) -> None:
    if not isinstance(cond, Mapping):
        raise _problem(_("每个条件应为一个对象，如 {\"answer\": \"…\", \"in\": [\"…\"]}"))
    kinds = [key for key in CONDITIONS if key in cond]
    if len(kinds) != 1:
        raise _problem(_("每个条件须且只须指明 answer、field 或 material 之一"))
    if kinds[0] == "answer" and not isinstance(cond.get("in"), list):
        raise _problem(_("answer 条件须给出可选值列表 in"))
    if kinds[0] == "field":
        if not any(key in cond for key in ("equals", "in", "min", "max")):
            raise _problem(_("field 条件须给出 equals、in、min 或 max"))
        for bound in ("min", "max"):
            if bound in cond and not isinstance(cond[bound], int | float):
                raise _problem(_("%(bound)s 应为数字") % {"bound": bound})


def check_auto_rule(rule: Any) -> None:
    """A rule administrators may save: {"all": [condition, …]} with at least one well-formed condition."""
    if not isinstance(rule, Mapping) or not isinstance(rule.get("all"), list) or not rule["all"]:
        raise _problem(_("规则应为 {\"all\": [条件, …]}，至少一个条件"))
    for cond in rule["all"]:
        _check_condition(cond)


def auto_rule_save(*, rule: AutoApprovalRule, actor: Actor, changed: Iterable[str] = ()) -> AutoApprovalRule:
    """Create or update a 秒批 rule (checked first); audited (`cases.autoapprovalrule_create|update`)."""
    check_auto_rule(rule.rule)
    verb = "create" if rule._state.adding else "update"
    with transaction.atomic():
        rule.save()
        audit_log(actor=actor, action=f"cases.autoapprovalrule_{verb}", target=rule,
                  detail={"changed": sorted(changed), "rule": rule.rule, "enabled": rule.enabled})
    return rule


def auto_rule_delete(*, rule: AutoApprovalRule, actor: Actor) -> None:
    """Delete a 秒批 rule; audited with what it was."""
    with transaction.atomic():
        audit_log(actor=actor, action="cases.autoapprovalrule_delete", target=rule,
                  detail={"item_code": rule.item_code, "rule": rule.rule})
        rule.delete()
