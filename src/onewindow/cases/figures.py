"""The one definition of every case figure (按时办结率, 超期件, 办理时间), used by every page and API that shows one.

cases sits below supervision and insights: the supervision overview (overdue cases), the department ranking and
the reform dashboard import these definitions, so the overdue cases the monitors count are the same cases that
lower the on-time rate. None (nothing to divide by) is shown as 无数据 / "No data", never as a score.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

FORMULAS: dict[str, Any] = {
    "on_time": _("按时办结率 = 按期办结件数 ÷（办结件数 + 超期未办结件数）；按期办结 = 办结日不晚于承诺办结日期；"
                 "超期未办结 = 承诺办结日期已过仍未办结的办件（计入其承诺办结日期所在的统计期）"),
    "overdue": _("超期件 = 承诺办结日期早于今天、仍在办理中的办件"),
    "processing": _("平均办理时间 = Σ受理日至办结日的工作日数 ÷ 办结件数（受理当日不计）；小时数为接件至办结的自然小时；"
                    "变化 = 统计期 ÷ 基期 − 1"),
}


def overdue_q(today: dt.date, *, due_from: dt.date | None = None, due_to: dt.date | None = None) -> Q:
    """Open cases past their promised day (超期件) on `today`; optionally only those due within [due_from, due_to]."""
    from onewindow.cases.models import OPEN_STATUSES

    q = Q(status__in=OPEN_STATUSES, due_date__isnull=False, due_date__lt=today)
    if due_from is not None:
        q &= Q(due_date__gte=due_from)
    if due_to is not None:
        q &= Q(due_date__lte=due_to)
    return q


def on_time_rate(*, on_time: int, completed: int, overdue: int) -> float | None:
    """按时办结率 = 按期办结 ÷ (办结 + 超期未办结), to four places; None without any case to count."""
    total = completed + overdue
    return round(on_time / total, 4) if total else None
