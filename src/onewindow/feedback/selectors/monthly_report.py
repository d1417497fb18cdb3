"""The monthly report of the citizen's voice: volumes, on-time replies and the disposition mix of the suggestions
received in one month, overall and by category, responsible unit and channel. A unit does not score with what
its own staff filed against it (`suggestions.is_self_filed`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.core import clock
from onewindow.core.actors import Actor
from onewindow.feedback.models import OPEN_SUGGESTION_STATES, Disposition, Suggestion, SuggestionState
from onewindow.feedback.selectors.statistics import ratio
from onewindow.feedback.selectors.suggestions import is_self_filed, suggestion_scope

MONTHLY_FORMULAS = {
    "on_time_rate": _("按期答复率 = 在答复期限内（含当日）首次答复的件数 ÷ （已答复件数 + 已过期限仍未答复件数）"),
    "volumes": _("受理量按受理时间所在月份统计；处置方式按单位答复时选择的立行立改、限期整改、解释说明统计"),
    "self_filed": _("责任单位本单位工作人员登记的意见建议不计入该单位的统计"),
}


def _answered_on_time(s: Suggestion) -> bool | None:
    if s.answered_at is None:
        return None
    return timezone.localdate(s.answered_at) <= s.due_on


def _tally(group: dict[str, Any], s: Suggestion, today: dt.date) -> None:
    group["received"] += 1
    if s.answered_at is not None:
        group["answered"] += 1
        group["on_time"] += 1 if _answered_on_time(s) else 0
    if s.state == SuggestionState.CLOSED:
        group["closed"] += 1
    if s.disposition:
        group[s.disposition] += 1
    if s.answered_at is None and s.due_on < today:
        group["overdue_open"] += 1


def _mix(rows: list[Suggestion], key: Callable[[Suggestion], tuple[Any, Any]], today: dt.date) -> list[dict[str, Any]]:
    """The figures of each group (`key` gives a suggestion's group and its label), largest first."""
    groups: dict[Any, dict[str, Any]] = {}
    for s in rows:
        k, label = key(s)
        group = groups.setdefault(k, {"label": label, "received": 0, "answered": 0, "on_time": 0, "closed": 0,
                                      "fix_now": 0, "fix_deadline": 0, "explain": 0, "overdue_open": 0})
        _tally(group, s, today)
    out = sorted(groups.values(), key=lambda g: (-g["received"], str(g["label"])))
    for g in out:
        g["on_time_rate"] = ratio(g["on_time"], g["answered"])
    return out


def monthly_report(*, year: int, month: int, user: Actor) -> dict[str, Any]:
    """Volumes, on-time rate and disposition mix for suggestions received in one month."""
    tz = timezone.get_default_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    everything = list(Suggestion.objects.filter(suggestion_scope(user), received_at__gte=start, received_at__lt=end)
                      .select_related("category", "department", "recorded_by__profile"))
    rows = [s for s in everything if not is_self_filed(s)]
    today = clock.today()
    answered = [s for s in rows if s.answered_at is not None]
    on_time = [s for s in answered if _answered_on_time(s)]
    due_passed = [s for s in rows if s.answered_at is not None or s.due_on < today]
    return {
        "year": year, "month": month, "received": len(rows), "answered": len(answered), "on_time": len(on_time),
        "closed": sum(1 for s in rows if s.state == SuggestionState.CLOSED),
        "open": sum(1 for s in rows if s.state in OPEN_SUGGESTION_STATES),
        "on_time_rate": ratio(len(on_time), len(due_passed)),
        "by_category": _mix(rows, lambda s: (s.category_id, s.category.name), today),
        "by_department": _mix(rows, lambda s: (s.department_id, s.department.name if s.department else _("待分派")),
                              today),
        "by_channel": _mix(rows, lambda s: (s.channel, s.get_channel_display()), today),
        "dispositions": [{"code": d.value, "label": d.label, "count": sum(1 for s in rows if s.disposition == d.value)}
                         for d in Disposition],
        "rows": rows,
        "self_filed": len(everything) - len(rows),
    }
