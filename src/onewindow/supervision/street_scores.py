"""Monthly street score (街道综合评分) and the ranking of the streets of a district (the seed: 对各部门、街道进行质量
排名并面向社会公布).

A street is its 街道便民服务中心 and the 社区便民服务站 under it: every active hall whose region lies inside the
street's region (hall.Hall.region; Huli: 5 streets, 1 + 58 halls). Parts, each 0–100 (None = no data that month,
left out and the other weights renormalised), with the department score's definitions where they are the same:
  satisfaction   好评率       feedback.figures.good_rate over first ratings given at the street's halls that month
  inspection     现场检查合格率 points passed ÷ points of the inspections of the street's halls submitted that month
  rectification  按期整改率   as the department score, over notices addressed to the street's halls (no department)
  notices        整改通知     100 − penalty × those notices issued that month (not below 0)
total = Σ weight × part / Σ weight (over parts with data), rounded to 2 places; rank 1 = highest total among the
streets of the same district. A street whose halls were neither rated nor inspected that month has no data: it
gets no score and is listed apart as 无数据, never with the points its notices alone would give.

Stored in StreetScore by `rankings.scores_compute`, so publishing a month freezes both rankings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy, gettext_noop

from onewindow.core.models import Region, RegionLevel
from onewindow.feedback import figures as rating_figures
from onewindow.supervision.models import InspectionStatus, Notice, StreetScore
from onewindow.supervision.scores import (
    Counts,
    _local_bounds,
    _pct,
    _percent,
    combine,
    month_bounds,
    notice_counts,
    part_formulas,
)

STREET_PARTS = ("satisfaction", "inspection", "rectification", "notices")
STREET_PART_LABELS = {"satisfaction": gettext_noop("好评率"), "inspection": gettext_noop("现场检查合格率"),
                      "rectification": gettext_noop("按期整改率"), "notices": gettext_noop("整改通知")}


def street_formulas() -> dict[str, Any]:
    """Each part's formula as shown under the street ranking (the shared ones are the department score's)."""
    shared = part_formulas()
    return {
        "scope": gettext_lazy("街道 = 街道便民服务中心及其下各社区便民服务站（所在行政区划在该街道内的大厅）"),
        "satisfaction": shared["satisfaction"],
        "inspection": gettext_lazy("现场检查合格率 = 当月提交的、对该街道各大厅的现场检查中合格的检查点 ÷ 检查点"),
        "rectification": shared["rectification"],
        "notices": gettext_lazy("整改通知 = 100 − 每份扣分 × 当月下发给该街道各大厅的份数"),
        "total": gettext_lazy("综合得分 = Σ 权重 × 分项得分 ÷ Σ 权重（无数据的分项不计入，其余权重按比例放大）；当月各大厅"
                              "既无评价也未被检查的街道无数据，不参加排名；名次在同一区县的街道之间排定"),
    }


def _street_of_halls() -> tuple[dict[int, int], dict[int, int]]:
    """hall id → street region id, for every active hall inside a street; street id → its number of halls."""
    from onewindow.hall.models import Hall

    streets = dict(Region.objects.filter(level=RegionLevel.STREET).values_list("path", "pk"))
    out: dict[int, int] = {}
    for hall_id, path in Hall.objects.filter(active=True, region__level__gte=RegionLevel.STREET).values_list(
            "pk", "region__path"):
        codes = [c for c in path.strip("/").split("/") if c]
        street_path = "/" + "/".join(codes[:RegionLevel.STREET]) + "/"
        if street_path in streets:
            out[hall_id] = streets[street_path]
    sizes: dict[int, int] = defaultdict(int)
    for street_id in out.values():
        sizes[street_id] += 1
    return out, dict(sizes)


def _by_street(per_hall: dict[int, Counts], hall_street: dict[int, int]) -> dict[int, Counts]:
    out: dict[int, Counts] = {}
    for hall_id, counts in per_hall.items():
        street = hall_street.get(hall_id)
        if street is None:
            continue
        into = out.setdefault(street, dict.fromkeys(counts, 0))
        for k, v in counts.items():
            into[k] = into.get(k, 0) + v
    return out


def compute_street_parts(month: dt.date, penalty: int) -> dict[int, dict[str, Any]]:
    """street region id → parts with their counts, for every street that has halls (a fixed number of queries)."""
    from onewindow.feedback.models import Rating
    from onewindow.supervision.models import InspectionResult

    first, last = month_bounds(month)
    lo, hi = _local_bounds(first, last)
    hall_street, sizes = _street_of_halls()
    halls = list(hall_street)
    ratings = {r["hall_id"]: {"active": r["active"], "very": r["very"], "satisfied": r["satisfied"], "bad": r["bad"]}
               for r in Rating.objects.filter(rated_at__gte=lo, rated_at__lt=hi, hall_id__in=halls)
               .values("hall_id").annotate(**rating_figures.first_rating_counts()).order_by()}
    points = {r["inspection__hall_id"]: {"inspections": r["inspections"], "points": r["points"],
                                         "passed": r["passed"]}
              for r in InspectionResult.objects.filter(
                  inspection__status=InspectionStatus.SUBMITTED, inspection__submitted_at__gte=lo,
                  inspection__submitted_at__lt=hi, inspection__hall_id__in=halls, passed__isnull=False)
              .values("inspection__hall_id").annotate(inspections=Count("inspection_id", distinct=True),
                                                      points=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
              .order_by()}
    notices = notice_counts(Notice.objects.filter(issued_on__gte=first, issued_on__lte=last, department__isnull=True,
                                                  hall_id__in=halls)
                            .values("hall_id", "status", "due_on", "responded_at"), "hall_id")
    by_ratings, by_points = _by_street(ratings, hall_street), _by_street(points, hall_street)
    by_notices = _by_street(notices, hall_street)
    out: dict[int, dict[str, Any]] = {}
    for street_id, n_halls in sizes.items():
        r = by_ratings.get(street_id, {"active": 0, "very": 0, "satisfied": 0, "bad": 0})
        p = by_points.get(street_id, {"inspections": 0, "points": 0, "passed": 0})
        n = by_notices.get(street_id, {"issued": 0, "due": 0, "on_time": 0})
        parts = {
            "satisfaction": _percent(rating_figures.good_rate(very=r["very"], satisfied=r["satisfied"],
                                                              active=r["active"])),
            "inspection": _pct(p["passed"], p["points"]),
            "rectification": _pct(n["on_time"], n["due"]),
            "notices": float(max(0, 100 - penalty * n["issued"])),
        }
        out[street_id] = {"parts": parts, "counts": {
            "halls": n_halls, "ratings": r["active"], "good": r["very"] + r["satisfied"], "bad": r["bad"],
            "inspections": p["inspections"], "points": p["points"], "points_passed": p["passed"],
            "notices": n["issued"], "notices_due": n["due"], "notices_on_time": n["on_time"]}}
    return out


def street_has_data(parts: dict[str, Any]) -> bool:
    """Ranked only on what was seen at the street's halls that month: ratings or inspections."""
    return parts.get("satisfaction") is not None or parts.get("inspection") is not None


def street_scores_compute(*, month: dt.date, weights: dict[str, int], now: dt.datetime) -> list[StreetScore]:
    """Store a month's street scores, ranked within each district (called by rankings.scores_compute, inside its
    transaction and after its published-month check)."""
    first, _ = month_bounds(month)
    data = compute_street_parts(first, weights["notice_penalty"])
    streets = {s.pk: s for s in Region.objects.filter(pk__in=data)}
    by_district: dict[int | None, list[tuple[Any, int, dict[str, Any]]]] = defaultdict(list)
    for street_id, d in data.items():
        if street_has_data(d["parts"]):
            by_district[streets[street_id].parent_id].append((combine(d["parts"], weights, STREET_PARTS), street_id, d))
    objs = []
    for rows in by_district.values():
        rows.sort(key=lambda r: (-r[0], streets[r[1]].code))
        rank, previous = 0, None
        for position, (total, street_id, d) in enumerate(rows, start=1):
            if total != previous:
                rank, previous = position, total
            objs.append(StreetScore(month=first, street_id=street_id, total=total, rank=rank,
                                    parts=d["parts"] | {"counts": d["counts"]}, weights=weights, computed_at=now))
    StreetScore.objects.filter(month=first).delete()
    StreetScore.objects.bulk_create(objs)
    return objs


def districts_with_streets(within: Region | None = None) -> list[Region]:
    """The county-level regions (inside `within` when given) that have streets: the scopes of a street ranking."""
    qs = Region.objects.filter(level=RegionLevel.COUNTY,
                               pk__in=Region.objects.filter(level=RegionLevel.STREET).values("parent_id"))
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    return list(qs.order_by("path"))


def street_ranking(*, month: dt.date, district: Region) -> list[StreetScore]:
    """The month's street ranking of one district."""
    first, _ = month_bounds(month)
    return list(StreetScore.objects.filter(month=first, street__parent=district).select_related("street")
                .order_by("rank", "street__code"))


def street_unranked(*, month: dt.date, district: Region) -> list[Region]:
    """The district's streets that have halls but no score that month (no ratings, no inspections): 无数据."""
    from onewindow.hall.models import Hall

    first, _ = month_bounds(month)
    scored = StreetScore.objects.filter(month=first).values("street_id")
    streets = Region.objects.filter(level=RegionLevel.STREET, parent=district).exclude(pk__in=scored)
    with_halls = {p for p in Hall.objects.filter(active=True, region__path__startswith=district.path)
                  .values_list("region__path", flat=True)}
    return [s for s in streets.order_by("code") if any(p.startswith(s.path) for p in with_halls)]
