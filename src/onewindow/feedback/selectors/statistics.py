"""The published 好差评 figures, overall and by department, hall, counter, clerk, item, channel or month.

Computed from the rating rows (a rating is never edited) and the rectification events, one query per table of
figures; default ratings are always counted apart. `FORMULAS` is shown next to each figure on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import Count, Exists, F, OuterRef, Q, Sum, Value
from django.db.models import When as DbWhen
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.feedback import figures
from onewindow.feedback.models import BAD_LEVELS, LEVEL_SCORE, Channel, Level, RectificationEvent
from onewindow.feedback.selectors.ratings import StatsFilter, rating_base

RECTIFIED_ACTIONS = ("fix_now", "explain", "fix_done")

# The published formulas, shown on the statistics page next to each figure (one definition: feedback.figures).
FORMULAS = figures.FORMULAS

DIMENSIONS: dict[str, Any] = {
    "department": _("部门"),
    "hall": _("大厅"),
    "counter": _("窗口"),
    "clerk": _("工作人员"),
    "item": _("事项"),
    "channel": _("评价渠道"),
    "month": _("月份"),
}

# what each dimension groups by: `key`, and the columns its row label is made of
GROUP_BY: dict[str, dict[str, Any]] = {
    "department": {"key": F("department_id"), "label": F("department__name")},
    "hall": {"key": F("hall_id"), "label": F("hall_name")},
    "counter": {"key": F("counter_id"), "label": F("counter_name"), "group": F("hall_name")},
    "clerk": {"key": F("clerk_id"), "label": F("clerk__profile__display_name"), "login": F("clerk__username")},
    "item": {"key": F("item_id"), "label": F("item_name")},
    "channel": {"key": F("channel")},
    "month": {"key": TruncMonth("rated_at")},
}

LABELS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "channel": lambda row: Channel(row["key"]).label if row["key"] else _("系统默认评价"),
    "month": lambda row: timezone.localtime(row["key"]).strftime("%Y-%m") if row["key"] else "—",
    "counter": lambda row: f"{row['group']} · {row.get('label') or ''}" if row.get("group") else row.get("label"),
    "clerk": lambda row: row.get("label") or row.get("login") or "",
}


def _aggregates() -> dict[str, Any]:
    real_first = Q(sequence=1, is_default=False)
    real_bad = Q(is_default=False, level__in=list(BAD_LEVELS))
    invalid = Exists(RectificationEvent.objects.filter(rectification__rating=OuterRef("pk"), action="appeal_accepted"))
    rectified = Exists(RectificationEvent.objects.filter(rectification__rating=OuterRef("pk"),
                                                         action__in=RECTIFIED_ACTIONS))
    score = DbCase(*[DbWhen(level=lv, then=Value(points)) for lv, points in LEVEL_SCORE.items()], default=Value(0))
    return {
        "active": Count("id", filter=real_first),
        "default": Count("id", filter=Q(sequence=1, is_default=True)),
        "followups": Count("id", filter=Q(sequence=2)),
        "very": Count("id", filter=real_first & Q(level=Level.VERY_SATISFIED)),
        "satisfied": Count("id", filter=real_first & Q(level=Level.SATISFIED)),
        "basic": Count("id", filter=real_first & Q(level=Level.BASIC)),
        "dissatisfied": Count("id", filter=real_first & Q(level=Level.DISSATISFIED)),
        "very_dissatisfied": Count("id", filter=real_first & Q(level=Level.VERY_DISSATISFIED)),
        "bad_all": Count("id", filter=real_bad),
        "bad_invalid": Count("id", filter=real_bad & Q(invalid)),
        "bad_rectified": Count("id", filter=real_bad & Q(rectified) & ~Q(invalid)),
        "score_sum": Coalesce(Sum(score, filter=real_first), Value(0)),
    }


ratio = figures.ratio


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    active, default = row["active"], row["default"]
    good = row["very"] + row["satisfied"]
    bad = row["dissatisfied"] + row["very_dissatisfied"]
    valid_bad = row["bad_all"] - row["bad_invalid"]
    row.update(services=active + default, good=good, bad=bad, valid_bad=valid_bad,
               fix_rate=ratio(row["bad_rectified"], valid_bad),
               score=round(row["score_sum"] / active, 2) if active else None)
    row.update(figures.rating_rates(row))
    return row


def rating_totals(filters: StatsFilter, scope: Q) -> dict[str, Any]:
    return _finish(rating_base(filters, scope).aggregate(**_aggregates()))


def rating_breakdown(dimension: str, filters: StatsFilter, scope: Q) -> list[dict[str, Any]]:
    """One row per value of the dimension with every published figure; one query."""
    if dimension not in GROUP_BY:
        raise ValueError(dimension)
    label = LABELS.get(dimension, lambda row: row.get("label"))
    rows = rating_base(filters, scope).values(**GROUP_BY[dimension]).annotate(**_aggregates()).order_by("key")
    result = []
    for values in rows:
        row = _finish(dict(values))
        row["label"] = label(row)
        if row["label"] in (None, ""):
            row["label"] = _("（未关联）")
        result.append(row)
    return result
