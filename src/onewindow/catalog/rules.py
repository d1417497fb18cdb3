"""The consistency rules of a service item (DESIGN.md "Consistency rules"), shared by every way an item is
written: the services, the admin form and the Excel import.

Each rule reads the item's values as a mapping (field name → value, missing fields are unknown) so the same
rules check a model instance, an admin form's cleaned data and a spreadsheet row.
"""

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _

from onewindow.catalog.models import HandlingType, LimitUnit, OnlineDepth, SpeedUp
from onewindow.core.errors import FieldProblem

# Changing any of these makes a new version of the item (with a history row).
VERSIONED_FIELDS = ("legal_limit", "legal_limit_unit", "promised_limit", "promised_limit_unit", "handling_type",
                    "max_visits", "online_depth")

Values = Mapping[str, Any]


def _text(values: Values, name: str) -> str:
    return str(values.get(name) or "").strip()


def _promised_within_legal(values: Values) -> Iterator[FieldProblem]:
    legal, promised = values.get("legal_limit"), values.get("promised_limit")
    same_unit = values.get("legal_limit_unit", LimitUnit.WORKDAY) == values.get("promised_limit_unit", LimitUnit.WORKDAY)
    if legal is not None and promised is not None and same_unit and promised > legal:
        yield FieldProblem("promised_limit", _("承诺办结时限不能超过法定办结时限"))


def _instant_means_zero(values: Values) -> Iterator[FieldProblem]:
    handling, promised = values.get("handling_type"), values.get("promised_limit")
    if handling == HandlingType.INSTANT and promised not in (0, None):
        yield FieldProblem("promised_limit", _("即办件的承诺办结时限应为 0"))
    if handling == HandlingType.PROMISED and promised == 0:
        yield FieldProblem("handling_type", _("承诺时限为 0 的事项应为即办件"))


def _fee_needs_basis(values: Values) -> Iterator[FieldProblem]:
    if values.get("has_fee") and not _text(values, "fee_basis"):
        yield FieldProblem("fee_basis", _("收费事项须填写收费依据及标准"))


def _visits_need_reason(values: Values) -> Iterator[FieldProblem]:
    if _text(values, "visits_reason") or not values.get("max_visits"):
        return
    if values.get("online_depth") == OnlineDepth.HANDLE:
        yield FieldProblem("visits_reason", _("全程网办事项到现场次数应为 0，否则须说明必须现场办理的原因"))
    else:
        yield FieldProblem("visits_reason", _("到办事现场次数大于 0 时须填写必须现场办理的原因"))


def _speedup_figures(values: Values) -> Iterator[FieldProblem]:
    """提速办: an item in the programme names its limit before and the ministry's standard; 已达标 meets it."""
    speedup = values.get("speedup") or SpeedUp.NONE
    if speedup == SpeedUp.NONE:
        return
    if values.get("speedup_before_limit") is None:
        yield FieldProblem("speedup_before_limit", _("提速办事项须填写提速前承诺时限"))
    standard, promised = values.get("speedup_standard_limit"), values.get("promised_limit")
    if standard is None:
        yield FieldProblem("speedup_standard_limit", _("提速办事项须填写部定压缩标准"))
    elif speedup == SpeedUp.ACHIEVED and promised is not None and promised > standard:
        yield FieldProblem("promised_limit", _("已达标的提速办事项，承诺时限不能超过部定压缩标准"))


RULES: tuple[Callable[[Values], Iterator[FieldProblem]], ...] = (
    _promised_within_legal, _instant_means_zero, _fee_needs_basis, _visits_need_reason, _speedup_figures)


def check_item_rules(values: Values) -> list[FieldProblem]:
    """Every broken rule (promised ≤ legal, 即办 ⇔ 0, fee ⇒ basis, visits ⇒ reason, 提速办 figures)."""
    return [problem for rule in RULES for problem in rule(values)]
