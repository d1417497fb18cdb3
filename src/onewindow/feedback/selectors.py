"""Reads for pages, the API and reports. Statistics are computed from rating rows (a rating is never edited)
and rectification events; default ratings are always counted apart. Query counts do not grow with lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models import When as DbWhen
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.core import clock
from onewindow.core.access import Role, has_role, user_department_id
from onewindow.feedback.models import (
    BAD_LEVELS,
    GOOD_LEVELS,
    LEVEL_SCORE,
    OPEN_RECT_STATES,
    OPEN_SUGGESTION_STATES,
    Channel,
    Disposition,
    Level,
    Rating,
    Rectification,
    RectificationEvent,
    Suggestion,
    SuggestionEvent,
    SuggestionState,
)

RECTIFIED_ACTIONS = ("fix_now", "explain", "fix_done")

# The published formulas, shown on the statistics page next to each figure.
FORMULAS: dict[str, Any] = {
    "services": _("服务数 = 主动评价数（首次评价，不含追评）+ 系统默认评价数"),
    "active": _("主动评价数 = 群众主动作出的首次评价条数（不含追评、不含系统默认评价）"),
    "active_rate": _("主动评价率 = 主动评价数 ÷ 服务数（服务数含已自动默认评价的服务）"),
    "good_rate": _("好评率 = （非常满意 + 满意）÷ 主动评价数"),
    "bad_rate": _("差评率 = （不满意 + 非常不满意）÷ 主动评价数"),
    "satisfaction_rate": _("满意率 = （非常满意 + 满意 + 基本满意）÷ 主动评价数"),
    "very_rate": _("非常满意率 = 非常满意 ÷ 主动评价数"),
    "fix_rate": _("差评整改率 = 已完成整改或解释说明的有效差评 ÷ 有效差评（有效差评 = 全部差评（含追评）− 申诉复核认定的无效差评）"),
    "score": _("平均分 = 主动评价按 非常满意10、满意8、基本满意6、不满意3、非常不满意0 分的平均值"),
}

DIMENSIONS: dict[str, Any] = {
    "department": _("部门"),
    "hall": _("大厅"),
    "counter": _("窗口"),
    "clerk": _("工作人员"),
    "item": _("事项"),
    "channel": _("评价渠道"),
    "month": _("月份"),
}


def rating_period(start: dt.date | None, end: dt.date | None) -> Q:
    q = Q()
    tz = timezone.get_default_timezone()
    if start:
        q &= Q(rated_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end:
        q &= Q(rated_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return q


def rating_scope(user: Any) -> Q:
    """Supervisors see every rating; department staff their department; a clerk the ratings they received."""
    if has_role(user, Role.SUPERVISOR):
        return Q()
    if has_role(user, Role.REVIEWER, Role.DEPARTMENT_HEAD):
        return Q(department_id=user_department_id(user) or -1)
    if has_role(user, Role.CLERK):
        return Q(clerk_id=user.pk)
    return Q(pk__in=[])


@dataclass
class StatsFilter:
    start: dt.date | None = None
    end: dt.date | None = None
    department_id: int | None = None
    channel: str = ""


def _rating_base(filters: StatsFilter, scope: Q) -> QuerySet[Rating]:
    qs = Rating.objects.filter(scope & rating_period(filters.start, filters.end))
    if filters.department_id:
        qs = qs.filter(department_id=filters.department_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs


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


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    active, default = row["active"], row["default"]
    good = row["very"] + row["satisfied"]
    bad = row["dissatisfied"] + row["very_dissatisfied"]
    valid_bad = row["bad_all"] - row["bad_invalid"]
    row.update(
        services=active + default, good=good, bad=bad, valid_bad=valid_bad,
        active_rate=_ratio(active, active + default), good_rate=_ratio(good, active), bad_rate=_ratio(bad, active),
        satisfaction_rate=_ratio(active - bad, active), very_rate=_ratio(row["very"], active),
        fix_rate=_ratio(row["bad_rectified"], valid_bad),
        score=round(row["score_sum"] / active, 2) if active else None,
    )
    return row


def rating_totals(filters: StatsFilter, scope: Q) -> dict[str, Any]:
    row = _rating_base(filters, scope).aggregate(**_aggregates())
    return _finish(row)


def rating_breakdown(dimension: str, filters: StatsFilter, scope: Q) -> list[dict[str, Any]]:
    """One row per value of the dimension with every published figure; one query."""
    qs = _rating_base(filters, scope)
    if dimension == "department":
        rows = qs.values(key=F("department_id"), label=F("department__name"))
    elif dimension == "hall":
        rows = qs.values(key=F("hall_id"), label=F("hall_name"))
    elif dimension == "counter":
        rows = qs.values(key=F("counter_id"), label=F("counter_name"), group=F("hall_name"))
    elif dimension == "clerk":
        rows = qs.values(key=F("clerk_id"), label=F("clerk__profile__display_name"), login=F("clerk__username"))
    elif dimension == "item":
        rows = qs.values(key=F("item_id"), label=F("item_name"))
    elif dimension == "channel":
        rows = qs.values(key=F("channel"))
    elif dimension == "month":
        rows = qs.annotate(m=TruncMonth("rated_at")).values(key=F("m"))
    else:
        raise ValueError(dimension)
    result = []
    for row in rows.annotate(**_aggregates()).order_by("key"):
        row = _finish(dict(row))
        if dimension == "channel":
            row["label"] = Channel(row["key"]).label if row["key"] else _("系统默认评价")
        elif dimension == "month":
            row["label"] = timezone.localtime(row["key"]).strftime("%Y-%m") if row["key"] else "—"
        elif dimension == "counter" and row.get("group"):
            row["label"] = f"{row['group']} · {row.get('label') or ''}"
        elif dimension == "clerk":
            row["label"] = row.get("label") or row.get("login") or ""
        if row.get("label") in (None, ""):
            row["label"] = _("（未关联）")
        result.append(row)
    return result


# ------------------------------------------------------------------ lists


def ratings_list(*, user: Any, filters: StatsFilter, level: str = "", bad_only: bool = False,
                 include_default: bool = True) -> QuerySet[Rating]:
    qs = _rating_base(filters, rating_scope(user)).select_related("department", "clerk__profile", "rectification")
    if level:
        qs = qs.filter(level=level)
    if bad_only:
        qs = qs.filter(level__in=list(BAD_LEVELS), is_default=False)
    if not include_default:
        qs = qs.filter(is_default=False)
    return qs.order_by("-rated_at", "-id")


def rater_display(rating: Rating) -> str:
    """What staff may see of the rater: nothing for anonymous ratings."""
    from onewindow.core.masking import mask_name

    if rating.is_default:
        return str(_("系统默认"))
    if rating.anonymous:
        return str(_("匿名"))
    return mask_name(rating.rater_name) or str(_("实名"))


def rectification_scope(user: Any) -> Q:
    if has_role(user, Role.SUPERVISOR):
        return Q()
    if has_role(user, Role.REVIEWER, Role.DEPARTMENT_HEAD):
        return Q(department_id=user_department_id(user) or -1)
    if has_role(user, Role.CLERK):
        return Q(rating__clerk_id=user.pk)
    return Q(pk__in=[])


def rectifications_list(*, user: Any, state: str = "", overdue_only: bool = False,
                        open_only: bool = False) -> QuerySet[Rectification]:
    qs = (Rectification.objects.filter(rectification_scope(user))
          .select_related("rating", "department", "rating__clerk__profile"))
    if state:
        qs = qs.filter(state=state)
    if open_only:
        qs = qs.filter(state__in=OPEN_RECT_STATES)
    if overdue_only:
        qs = qs.filter(state__in=OPEN_RECT_STATES, due_on__lt=clock.today())
    return qs.order_by("due_on", "id")


def is_overdue(rec: Rectification) -> bool:
    return rec.state in OPEN_RECT_STATES and rec.due_on < clock.today()


def rectification_detail(rect_id: int) -> Rectification | None:
    return (Rectification.objects.select_related("rating", "department", "rating__clerk__profile")
            .prefetch_related("events__actor__profile").filter(pk=rect_id).first())


# ------------------------------------------------------------------ citizen voice


def suggestion_scope(user: Any) -> Q:
    if has_role(user, Role.SUPERVISOR):
        return Q()
    if has_role(user, Role.REVIEWER, Role.DEPARTMENT_HEAD):
        return Q(department_id=user_department_id(user) or -1)
    return Q(pk__in=[])


def suggestions_list(*, user: Any, state: str = "", category: str = "", department_id: int | None = None,
                     overdue_only: bool = False, q: str = "") -> QuerySet[Suggestion]:
    qs = Suggestion.objects.filter(suggestion_scope(user)).select_related("category", "department")
    if state == "open":
        qs = qs.filter(state__in=OPEN_SUGGESTION_STATES)
    elif state:
        qs = qs.filter(state=state)
    if category:
        qs = qs.filter(category__code=category)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if overdue_only:
        qs = qs.filter(answered_at__isnull=True, due_on__lt=clock.today())
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(description__icontains=q))
    return qs.order_by("-received_at", "-id")


def suggestion_overdue(s: Suggestion) -> bool:
    return s.answered_at is None and s.due_on < clock.today()


def suggestion_detail(suggestion_id: int) -> Suggestion | None:
    return (Suggestion.objects.select_related("category", "department")
            .prefetch_related("replies__department", "events__actor__profile").filter(pk=suggestion_id).first())


def _answered_on_time(s: Suggestion) -> bool | None:
    if s.answered_at is None:
        return None
    return timezone.localdate(s.answered_at) <= s.due_on


def monthly_report(*, year: int, month: int, user: Any) -> dict[str, Any]:
    """Volumes, on-time rate and disposition mix for suggestions received in one month."""
    tz = timezone.get_default_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    qs = (Suggestion.objects.filter(suggestion_scope(user), received_at__gte=start, received_at__lt=end)
          .select_related("category", "department", "recorded_by__profile"))
    everything = list(qs)
    # a unit does not score with what its own staff filed against it (e.g. complaints answered at once)
    rows = [s for s in everything if not is_self_filed(s)]
    today = clock.today()
    answered = [s for s in rows if s.answered_at is not None]
    on_time = [s for s in answered if _answered_on_time(s)]
    due_passed = [s for s in rows if s.answered_at is not None or s.due_on < today]

    def mix(key: Any) -> list[dict[str, Any]]:
        groups: dict[Any, dict[str, Any]] = {}
        for s in rows:
            k, label = key(s)
            g = groups.setdefault(k, {"label": label, "received": 0, "answered": 0, "on_time": 0, "closed": 0,
                                      "fix_now": 0, "fix_deadline": 0, "explain": 0, "overdue_open": 0})
            g["received"] += 1
            if s.answered_at is not None:
                g["answered"] += 1
                g["on_time"] += 1 if _answered_on_time(s) else 0
            if s.state == SuggestionState.CLOSED:
                g["closed"] += 1
            if s.disposition:
                g[s.disposition] += 1
            if s.answered_at is None and s.due_on < today:
                g["overdue_open"] += 1
        out = sorted(groups.values(), key=lambda g: (-g["received"], str(g["label"])))
        for g in out:
            g["on_time_rate"] = _ratio(g["on_time"], g["answered"])
        return out

    disposition_mix = [{"code": d.value, "label": d.label, "count": sum(1 for s in rows if s.disposition == d.value)}
                       for d in Disposition]
    return {
        "year": year, "month": month, "received": len(rows), "answered": len(answered), "on_time": len(on_time),
        "closed": sum(1 for s in rows if s.state == SuggestionState.CLOSED),
        "open": sum(1 for s in rows if s.state in OPEN_SUGGESTION_STATES),
        "on_time_rate": _ratio(len(on_time), len(due_passed)),
        "by_category": mix(lambda s: (s.category_id, s.category.name)),
        "by_department": mix(lambda s: (s.department_id, s.department.name if s.department else _("待分派"))),
        "by_channel": mix(lambda s: (s.channel, s.get_channel_display())),
        "dispositions": disposition_mix,
        "rows": rows,
        "self_filed": len(everything) - len(rows),
    }


def is_self_filed(s: Suggestion) -> bool:
    """Recorded by a member of staff of the unit that answers it: not counted in that unit's figures."""
    profile = getattr(s.recorded_by, "profile", None) if s.recorded_by_id else None
    return (profile is not None and s.department_id is not None and profile.department_id == s.department_id)


MONTHLY_FORMULAS = {
    "on_time_rate": _("按期答复率 = 在答复期限内（含当日）首次答复的件数 ÷ （已答复件数 + 已过期限仍未答复件数）"),
    "volumes": _("受理量按受理时间所在月份统计；处置方式按单位答复时选择的立行立改、限期整改、解释说明统计"),
    "self_filed": _("责任单位本单位工作人员登记的意见建议不计入该单位的统计"),
}


def suggestion_last_update(s: Suggestion) -> dt.datetime:
    return s.updated_at


def open311_requests(*, ids: list[str] | None, service_code: str = "", start: dt.datetime | None = None,
                     end: dt.datetime | None = None, status: str = "", limit: int = 1000,
                     offset: int = 0) -> list[Suggestion]:
    """Published requests only: those filed through Open311 and those staff chose to publish."""
    qs = Suggestion.objects.filter(public=True).select_related("category", "department").prefetch_related("replies")
    if ids:
        return list(qs.filter(number__in=ids).order_by("-received_at")[:limit])
    if service_code:
        qs = qs.filter(category__code=service_code)
    if start is None and end is None:
        start = clock.now() - dt.timedelta(days=90)
    if start:
        qs = qs.filter(received_at__gte=start)
    if end:
        qs = qs.filter(received_at__lte=end)
    if status == "open":
        qs = qs.exclude(state=SuggestionState.CLOSED)
    elif status == "closed":
        qs = qs.filter(state=SuggestionState.CLOSED)
    return list(qs.order_by("-received_at", "-id")[offset:offset + limit])


def suggestion_events_count(s: Suggestion) -> int:
    return SuggestionEvent.objects.filter(suggestion=s).count()


__all__ = ["DIMENSIONS", "FORMULAS", "GOOD_LEVELS", "StatsFilter", "rating_breakdown", "rating_totals"]
