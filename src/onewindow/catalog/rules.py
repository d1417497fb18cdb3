"""The consistency rules of a service item (DESIGN.md "Consistency rules"), shared by every way an item is
written: the services, the admin form and the Excel import."""

from typing import Any

from onewindow.catalog.models import HandlingType, LimitUnit, OnlineDepth
from onewindow.core.errors import FieldProblem

# Changing any of these makes a new version of the item (with a history row).
VERSIONED_FIELDS = ("legal_limit", "legal_limit_unit", "promised_limit", "promised_limit_unit", "handling_type",
                    "max_visits", "online_depth")


def check_item_rules(values: dict[str, Any]) -> list[FieldProblem]:
    """The consistency rules an item must satisfy (promised ≤ legal, 即办 ⇔ 0, fee ⇒ basis, …)."""
    problems: list[FieldProblem] = []
    legal, promised = values.get("legal_limit"), values.get("promised_limit")
    same_unit = values.get("legal_limit_unit", LimitUnit.WORKDAY) == values.get("promised_limit_unit", LimitUnit.WORKDAY)
    if legal is not None and promised is not None and same_unit and promised > legal:
        problems.append(FieldProblem("promised_limit", "承诺办结时限不能超过法定办结时限"))
    handling = values.get("handling_type")
    if handling == HandlingType.INSTANT and promised not in (0, None):
        problems.append(FieldProblem("promised_limit", "即办件的承诺办结时限应为 0"))
    if handling == HandlingType.PROMISED and promised == 0:
        problems.append(FieldProblem("handling_type", "承诺时限为 0 的事项应为即办件"))
    if values.get("has_fee") and not str(values.get("fee_basis") or "").strip():
        problems.append(FieldProblem("fee_basis", "收费事项须填写收费依据及标准"))
    if values.get("online_depth") == OnlineDepth.HANDLE and values.get("max_visits") not in (0, None) \
            and not str(values.get("visits_reason") or "").strip():
        problems.append(FieldProblem("visits_reason", "全程网办事项到现场次数应为 0，否则须说明必须现场办理的原因"))
    elif values.get("max_visits") and not str(values.get("visits_reason") or "").strip():
        problems.append(FieldProblem("visits_reason", "到办事现场次数大于 0 时须填写必须现场办理的原因"))
    return problems
