"""A policy's conditions as checkable rules over what the platform knows of an enterprise.

A policy keeps its rules as a small JSON list, each rule one condition:

    [{"kind": "min_capital", "value": 100},            # registered capital ≥ 100 (万元)
     {"kind": "min_employees", "value": 10},           # employees ≥ 10 (from hiring records when filed)
     {"kind": "industry_in", "value": ["software"]},   # industry is one of these
     {"kind": "founded_within_years", "value": 3}]     # founded less than 3 whole years before the check

`check()` answers every rule with what was required, what the enterprise has and whether it passes; an
enterprise is eligible when all pass. Conditions the platform cannot check (a tax-credit rating, a patent)
are materials the reviewer looks at, not rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.core.errors import FieldProblem, ServiceError
from onewindow.enterprise.models import Industry

RULE_LABELS: dict[str, Any] = {
    "min_capital": gettext_lazy("注册资本不低于（万元）"),
    "min_employees": gettext_lazy("从业人数不少于"),
    "industry_in": gettext_lazy("所属行业"),
    "founded_within_years": gettext_lazy("成立年限不满（年）"),
}
MAX_RULES = 20


@dataclass(frozen=True)
class Facts:
    registered_capital: Decimal
    employees: int
    employees_source: str  # "hiring" or "declared"
    industry: str
    founded_on: dt.date


@dataclass(frozen=True)
class RuleResult:
    kind: str
    label: str
    required: str
    actual: str
    passed: bool


def _number(value: Any, field: str) -> Decimal:
    if isinstance(value, bool):
        raise ServiceError(_("条件的值应为数字"), field=field)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("条件的值应为数字"), field=field) from None
    if not number.is_finite() or number < 0 or number > Decimal("1e12"):
        raise ServiceError(_("条件的值应为 0 至 10¹² 之间的数字"), field=field)
    return number


def clean_rules(raw: Any, field: str = "rules") -> list[dict[str, Any]]:
    """The rules in their stored shape, or a ServiceError naming the rule that is wrong."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_RULES:
        raise ServiceError(_("申报条件应为不超过 %(n)d 条规则的列表") % {"n": MAX_RULES}, field=field)
    cleaned: list[dict[str, Any]] = []
    problems: list[FieldProblem] = []
    for i, rule in enumerate(raw):
        where = f"{field}[{i}]"
        kind = rule.get("kind") if isinstance(rule, dict) else None
        if kind not in RULE_LABELS:
            problems.append(FieldProblem(where, _("未知的条件类型：%(k)s") % {"k": kind}))
            continue
        value = rule.get("value")
        try:
            if kind == "industry_in":
                if not isinstance(value, list) or not value or any(v not in Industry.values for v in value):
                    raise ServiceError(_("行业应为行业代码的列表"), field=where)
                cleaned.append({"kind": kind, "value": sorted(set(value))})
            else:
                number = _number(value, where)
                if kind != "min_capital" and number != number.to_integral_value():
                    raise ServiceError(_("条件的值应为整数"), field=where)
                cleaned.append({"kind": kind, "value": int(number) if kind != "min_capital" else str(number)})
        except ServiceError as exc:
            problems.append(FieldProblem(where, exc.message))
    if problems:
        raise ServiceError(_("申报条件有误"), problems=problems)
    return cleaned


def _years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from `start` to `end`."""
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return max(years, 0)


def _industry_label(code: str) -> str:
    return str(Industry(code).label) if code in Industry.values else code


def _check_one(rule: dict[str, Any], facts: Facts, today: dt.date) -> RuleResult:
    kind, value = rule["kind"], rule["value"]
    label = str(RULE_LABELS[kind])
    if kind == "min_capital":
        required = Decimal(str(value))
        return RuleResult(kind, label, f"≥ {required:g}", f"{facts.registered_capital:g}",
                          facts.registered_capital >= required)
    if kind == "min_employees":
        source = _("用工备案") if facts.employees_source == "hiring" else _("企业申报")
        return RuleResult(kind, label, f"≥ {value}", f"{facts.employees}（{source}）", facts.employees >= int(value))
    if kind == "industry_in":
        return RuleResult(kind, label, "、".join(_industry_label(v) for v in value),
                          _industry_label(facts.industry), facts.industry in value)
    years = _years_between(facts.founded_on, today)
    founded_ok = facts.founded_on <= today and years < int(value)
    return RuleResult(kind, label, f"< {value}", f"{years}（{facts.founded_on.isoformat()}）", founded_ok)


def check(rules: list[dict[str, Any]], facts: Facts, *, today: dt.date) -> tuple[bool, list[RuleResult]]:
    """Every rule's result and whether all pass (no rule: eligible)."""
    results = [_check_one(rule, facts, today) for rule in rules]
    return all(r.passed for r in results), results


def as_json(facts: Facts, eligible: bool, results: list[RuleResult]) -> dict[str, Any]:
    """The snapshot stored on an application."""
    return {"facts": {"registered_capital": str(facts.registered_capital), "employees": facts.employees,
                      "employees_source": facts.employees_source, "industry": facts.industry,
                      "founded_on": facts.founded_on.isoformat()},
            "eligible": eligible, "results": [asdict(r) for r in results]}


def amount_for(*, fixed: Decimal, per_employee: Decimal, cap: Decimal | None, employees: int) -> Decimal:
    """The benefit by the policy's formula: a fixed sum plus so much per employee, capped."""
    amount = fixed + per_employee * employees
    if cap is not None:
        amount = min(amount, cap)
    return amount.quantize(Decimal("0.01"))
