"""The one definition of every 好差评 figure (rating figures), used by every page and API that shows one.

feedback sits below supervision and insights, so the statistics page, the department ranking, the monitors
and the reform dashboard all import these functions and formulas instead of writing their own. Each
function takes counts (of first ratings that are not default ones, unless named otherwise) and returns a
ratio to four places, or None when there is nothing to divide by: None is shown as 无数据 / "No data"
(`NO_DATA`), never as 0 or 100.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from onewindow.feedback.models import BAD_LEVELS, Level

NO_DATA = _("无数据")

# The published formulas, shown next to each figure wherever it appears.
FORMULAS: dict[str, Any] = {
    "services": _("服务数 = 主动评价数（首次评价，不含追评）+ 系统默认评价数"),
    "active": _("主动评价数 = 群众主动作出的首次评价条数（不含追评、不含系统默认评价）"),
    "active_rate": _("主动评价率 = 主动评价数 ÷ 服务数（服务数含已自动默认评价的服务）"),
    "good_rate": _("好评率 = （非常满意 + 满意）÷ 主动评价数"),
    "bad_rate": _("差评率 = （不满意 + 非常不满意）÷ 主动评价数"),
    "satisfaction_rate": _("满意率 = （非常满意 + 满意 + 基本满意）÷ 主动评价数"),
    "very_rate": _("非常满意率 = 非常满意 ÷ 主动评价数"),
    "fix_rate": _("差评整改率 = 已完成整改或解释说明的有效差评 ÷ 有效差评（有效差评 = 全部差评（含追评）− 申诉复核认定的无效差评）"),
    "rated_share": _("办件评价覆盖率 = 近30天办结且已有评价（本件或其所属申请）的办件 ÷ 近30天办结件数（区别于主动评价率："
                      "后者以评价条数计，含系统默认评价的服务）"),
    "score": _("平均分 = 主动评价按 非常满意10、满意8、基本满意6、不满意3、非常不满意0 分的平均值"),
}


def ratio(a: float, b: float) -> float | None:
    """a ÷ b to four places; None when there is nothing to divide by (shown as 无数据)."""
    return round(a / b, 4) if b else None


def good_rate(*, very: int, satisfied: int, active: int) -> float | None:
    """好评率 = (非常满意 + 满意) ÷ 主动评价数."""
    return ratio(very + satisfied, active)


def bad_rate(*, bad: int, active: int) -> float | None:
    """差评率 = (不满意 + 非常不满意) ÷ 主动评价数."""
    return ratio(bad, active)


def satisfaction_rate(*, bad: int, active: int) -> float | None:
    """满意率 = (非常满意 + 满意 + 基本满意) ÷ 主动评价数 = (主动评价数 − 差评) ÷ 主动评价数."""
    return ratio(active - bad, active)


def very_rate(*, very: int, active: int) -> float | None:
    """非常满意率 = 非常满意 ÷ 主动评价数."""
    return ratio(very, active)


def active_rate(*, active: int, default: int) -> float | None:
    """主动评价率 = 主动评价数 ÷ 服务数 (主动 + 系统默认)."""
    return ratio(active, active + default)


def rated_share(*, rated: int, completed: int) -> float | None:
    """办件评价覆盖率 = completed cases with a rating (of the case or its application) ÷ completed cases."""
    return ratio(rated, completed)


def first_rating_counts() -> dict[str, Any]:
    """Aggregates over Rating rows giving the counts the functions above take (one grouped query)."""
    real_first = Q(sequence=1, is_default=False)
    return {
        "active": Count("id", filter=real_first),
        "default": Count("id", filter=Q(sequence=1, is_default=True)),
        "very": Count("id", filter=real_first & Q(level=Level.VERY_SATISFIED)),
        "satisfied": Count("id", filter=real_first & Q(level=Level.SATISFIED)),
        "bad": Count("id", filter=real_first & Q(level__in=list(BAD_LEVELS))),
    }


def rating_rates(counts: Mapping[str, int]) -> dict[str, float | None]:
    """Every rate of one row of counts (keys active, default, very, satisfied, bad; missing ones count 0)."""
    active, very = counts.get("active", 0), counts.get("very", 0)
    bad = counts.get("bad", 0)
    return {
        "active_rate": active_rate(active=active, default=counts.get("default", 0)),
        "good_rate": good_rate(very=very, satisfied=counts.get("satisfied", 0), active=active),
        "bad_rate": bad_rate(bad=bad, active=active),
        "satisfaction_rate": satisfaction_rate(bad=bad, active=active),
        "very_rate": very_rate(very=very, active=active),
    }
