"""Monthly department score (部门综合评分) and ranking.

Parts, each 0–100 (None = no data that month, left out and the other weights renormalised):
  on_time        按时办结率   cases.figures.on_time_rate: cases completed that month on or before their due date /
                              (cases completed + open cases whose due date in that month has passed)
  satisfaction   好评率       feedback.figures.good_rate: first ratings that month (not default ones) that are
                              非常满意 or 满意 / first ratings
  rectification  按期整改率   notices issued that month answered on or before their deadline / notices issued that
                              month that are answered or past their deadline
  notices        整改通知     100 − penalty × notices issued to the department that month (not below 0)
  instant        即办件占比   published items of the department that are 即办件 / its published items
total = Σ weight × part / Σ weight (over parts with data), rounded to 2 places; rank 1 = highest total.
A department without cases or ratings that month has no data to rank on: it gets no score and is listed apart
(`unranked`), shown as 无数据, never with the points its catalog and notices alone would give.

The case and rating counts are read from the cases and feedback tables themselves (one grouped query each for
the month), with the definitions of insights' daily rollups (`insights/rollups.py`): supervision sits below
insights and does not read its tables, and the live month then counts today's cases too.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_noop

from onewindow.cases import figures as case_figures
from onewindow.core import clock
from onewindow.feedback import figures as rating_figures
from onewindow.supervision.models import (
    DepartmentScore,
    Notice,
    NoticeStatus,
    RankingPublication,
    ScoreWeights,
)

Counts = dict[str, int]

PARTS = ("on_time", "satisfaction", "rectification", "notices", "instant")
PART_LABELS = {"on_time": gettext_noop("按时办结率"), "satisfaction": gettext_noop("好评率"),
               "rectification": gettext_noop("按期整改率"), "notices": gettext_noop("整改通知"),
               "instant": gettext_noop("即办件占比")}  # translated where shown


def part_formulas() -> dict[str, Any]:
    """Each part's formula as shown under the ranking: the on-time and rating ones are the figures modules' own."""
    from django.utils.translation import gettext_lazy as _

    return {
        "on_time": case_figures.FORMULAS["on_time"],
        "satisfaction": rating_figures.FORMULAS["good_rate"],
        "rectification": _("按期整改率 = 当月下发的整改通知中按期反馈的 ÷ 已反馈或已到期的"),
        "notices": _("整改通知 = 100 − 每份扣分 × 当月收到份数"),
        "instant": _("即办件占比 = 即办件 ÷ 已发布事项"),
        "total": _("综合得分 = Σ 权重 × 分项得分 ÷ Σ 权重（无数据的分项不计入，其余权重按比例放大）；当月没有办件也没有评价的"
                   "部门无数据，不参加排名"),
    }


def finding_formulas() -> list[Any]:
    """The figures the findings quote, defined where they are computed (cases.figures, feedback.figures)."""
    return [case_figures.FORMULAS["overdue"], rating_figures.FORMULAS["rated_share"]]


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def active_weights() -> dict[str, int]:
    w = ScoreWeights.objects.filter(active=True).first() or ScoreWeights()
    return {"on_time": w.on_time, "satisfaction": w.satisfaction, "rectification": w.rectification,
            "notices": w.notices, "instant": w.instant, "inspection": w.inspection, "notice_penalty": w.notice_penalty}


def _pct(a: float, b: float) -> float | None:
    return round(100.0 * a / b, 2) if b else None


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100.0 * rate, 2)


def combine(parts: dict[str, float | None], weights: dict[str, int], keys: tuple[str, ...] = PARTS) -> Decimal:
    used = [(weights[k], parts[k]) for k in keys if parts.get(k) is not None and weights.get(k, 0) > 0]
    total_weight = sum(w for w, _ in used)
    if not total_weight:
        return Decimal("0.00")
    value = sum(Decimal(str(w)) * Decimal(str(p)) for w, p in used) / Decimal(total_weight)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _local_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(first, dt.time.min, tzinfo=tz),
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


def _completed_cases(first: dt.date, last: dt.date) -> dict[int, Counts]:
    """department id → cases completed in [first, last] (local days), those on time (completed on a day not later
    than their due date; no due date counts as on time), and the open cases due in [first, last] whose due date
    has passed (超期件, cases.figures)."""
    from onewindow.cases.models import Case

    lo, hi = _local_bounds(first, last)
    rows = (Case.objects.filter(completed_at__gte=lo, completed_at__lt=hi).annotate(day=TruncDate("completed_at"))
            .values("department_id").annotate(done=Count("pk"), on_time=Count("pk", filter=Q(
                due_date__isnull=True) | Q(due_date__gte=F("day")))).order_by())
    out = {r["department_id"]: {"done": r["done"], "on_time": r["on_time"], "overdue": 0} for r in rows}
    overdue = (Case.objects.filter(case_figures.overdue_q(clock.today(), due_from=first, due_to=last))
               .values("department_id").annotate(n=Count("pk")).order_by())
    for r in overdue:
        out.setdefault(r["department_id"], {"done": 0, "on_time": 0, "overdue": 0})["overdue"] = r["n"]
    return out


def _first_ratings(first: dt.date, last: dt.date) -> dict[int, Counts]:
    """department id → first ratings given in [first, last] (local days), default ratings left out: the counts
    feedback.figures takes (active, very, satisfied, bad)."""
    from onewindow.feedback.models import Rating

    lo, hi = _local_bounds(first, last)
    rows = (Rating.objects.filter(rated_at__gte=lo, rated_at__lt=hi, department__isnull=False)
            .values("department_id").annotate(**rating_figures.first_rating_counts()).order_by())
    return {r["department_id"]: {"total": r["active"], "very": r["very"], "satisfied": r["satisfied"],
                                 "bad": r["bad"]} for r in rows if r["active"]}


def notice_counts(rows: Any, key: str) -> dict[int, Counts]:
    """`key` value → notices issued; those due (answered, or past their deadline today); and those answered on
    or before their deadline. `rows` are Notice values with `key`, status, due_on and responded_at."""
    today = clock.today()
    out: dict[int, Counts] = {}
    for row in rows:
        counts = out.setdefault(row[key], {"issued": 0, "due": 0, "on_time": 0})
        counts["issued"] += 1
        responded_at = row["responded_at"]
        answered = row["status"] in (NoticeStatus.RESPONDED, NoticeStatus.ACCEPTED) and responded_at is not None
        if answered or row["due_on"] < today:
            counts["due"] += 1
            if responded_at is not None and answered and timezone.localdate(responded_at) <= row["due_on"]:
                counts["on_time"] += 1
    return out


def _notices(first: dt.date, last: dt.date) -> dict[int, Counts]:
    """department id → notices issued in [first, last]; those due; those answered on time (`notice_counts`)."""
    return notice_counts(Notice.objects.filter(issued_on__gte=first, issued_on__lte=last, department__isnull=False)
                         .values("department_id", "status", "due_on", "responded_at"), "department_id")


def _published_items() -> dict[int, Counts]:
    """department id → its published items and the 即办件 among them."""
    from onewindow.catalog.models import HandlingType, ItemStatus, ServiceItem

    rows = (ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).values("department_id")
            .annotate(n=Count("pk"), instant=Count("pk", filter=Q(handling_type=HandlingType.INSTANT))).order_by())
    return {r["department_id"]: {"n": r["n"], "instant": r["instant"]} for r in rows}


def compute_parts(month: dt.date) -> dict[int, dict[str, Any]]:
    """department id → parts with their counts, from cases, ratings, notices and the catalog (a fixed number of
    queries)."""
    first, last = month_bounds(month)
    penalty = active_weights()["notice_penalty"]
    cases, ratings = _completed_cases(first, last), _first_ratings(first, last)
    notices, items = _notices(first, last), _published_items()
    out: dict[int, dict[str, Any]] = {}
    for dept_id in set(cases) | set(ratings) | set(notices) | set(items):
        c = cases.get(dept_id, {"done": 0, "on_time": 0, "overdue": 0})
        r = ratings.get(dept_id, {"total": 0, "very": 0, "satisfied": 0, "bad": 0})
        n = notices.get(dept_id, {"issued": 0, "due": 0, "on_time": 0})
        i = items.get(dept_id, {"n": 0, "instant": 0})
        parts = {
            "on_time": _percent(case_figures.on_time_rate(on_time=c["on_time"], completed=c["done"],
                                                          overdue=c["overdue"])),
            "satisfaction": _percent(rating_figures.good_rate(very=r["very"], satisfied=r["satisfied"],
                                                              active=r["total"])),
            "rectification": _pct(n["on_time"], n["due"]),
            "notices": float(max(0, 100 - penalty * n["issued"])),
            "instant": _pct(i["instant"], i["n"]),
        }
        out[dept_id] = {"parts": parts, "counts": {
            "completed": c["done"], "completed_on_time": c["on_time"], "overdue": c["overdue"],
            "ratings": r["total"], "good": r["very"] + r["satisfied"], "bad": r["bad"],
            "notices": n["issued"], "notices_due": n["due"], "notices_on_time": n["on_time"], "items": i["n"],
            "instant_items": i["instant"]}}
    return out


def has_data(parts: dict[str, Any]) -> bool:
    """Ranked only on what the department did that month: its cases or its ratings. The catalog and the notices
    alone would give a department that served nobody 90 points."""
    return parts.get("on_time") is not None or parts.get("satisfaction") is not None


def department_scores_build(*, month: dt.date, weights: dict[str, int], now: dt.datetime) -> list[DepartmentScore]:
    """A month's department scores and ranks, not yet stored (rankings.scores_compute stores them together with
    the street scores)."""
    from onewindow.catalog.models import Department

    first, _ = month_bounds(month)
    data = compute_parts(first)
    order = {d.pk: (d.sort_order, d.code) for d in Department.objects.filter(pk__in=data)}
    rows = []
    for dept_id, d in data.items():
        if dept_id not in order or not has_data(d["parts"]):
            continue
        rows.append((combine(d["parts"], weights), dept_id, d))
    rows.sort(key=lambda r: (-r[0], order[r[1]]))
    objs = []
    rank = 0
    previous = None
    for position, (total, dept_id, d) in enumerate(rows, start=1):
        if total != previous:
            rank, previous = position, total
        objs.append(DepartmentScore(month=first, department_id=dept_id, total=total, rank=rank,
                                    parts=d["parts"] | {"counts": d["counts"]}, weights=weights, computed_at=now))
    return objs


def ranking(*, month: dt.date, region: Any = None) -> list[DepartmentScore]:
    """The month's ranking; with a region (core.Region), only its departments, ranked among themselves (a Huli
    supervisor's ranking never mixes in Fu'an's centres)."""
    from onewindow.core.regions import region_q

    first, _ = month_bounds(month)
    rows = list(DepartmentScore.objects.filter(region_q(region, "department__region"), month=first)
                .select_related("department").order_by("rank", "id"))
    if region is not None:
        previous: tuple[int, int] | None = None
        for position, row in enumerate(rows, start=1):  # ties keep one rank, as the stored ranks do
            rank = previous[1] if previous is not None and previous[0] == row.rank else position
            previous = (row.rank, rank)
            row.rank = rank
    return rows


def unranked(*, month: dt.date, region: Any = None) -> list[Any]:
    """Departments with published items but no score that month (no cases, no ratings): listed apart as 无数据."""
    from onewindow.catalog.models import Department, ItemStatus, ServiceItem
    from onewindow.core.regions import region_q

    first, _ = month_bounds(month)
    scored = DepartmentScore.objects.filter(month=first).values("department_id")
    with_items = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).values("department_id")
    return list(Department.objects.filter(region_q(region), pk__in=with_items).exclude(pk__in=scored)
                .order_by("sort_order", "code"))


def is_published(month: dt.date) -> bool:
    return RankingPublication.objects.filter(month=month.replace(day=1), published=True).exists()


def published_months() -> list[dt.date]:
    return list(RankingPublication.objects.filter(published=True).order_by("-month").values_list("month", flat=True))
