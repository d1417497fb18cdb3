"""A year of supervision for a region (年度常态化监管), each figure computed from the records with its formula — the
seed's "2021年，通过每天对全区线上4276个审批服务事项、线下64个政务服务大厅进行常态化严格监管……共计发出行政服务
质量问题整改通知单202份" reads back from the demo's 2021 notices and monitor runs.

  notices        整改通知单      notices issued (issued_on) in the year whose unit (department or hall) lies in
                                 the region, by the unit's level (district department, district hall, street centre,
                                 community station); accepted, and accepted as rectified on time
  monitoring     常态化监测      the monitor runs started in the year that watched the region (MonitorRun.targets
                                 has one of its districts): the days with a run; the online items and halls a run
                                 watched (the most any run of the year recorded, with the fewest beside it)

Monitoring is recorded per district (county level), so a region below a district has no monitoring figures (None,
shown as 无数据); a region above one adds up its districts run by run.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.core import clock
from onewindow.core.models import Region, RegionLevel
from onewindow.supervision.models import MonitorRun, Notice, NoticeStatus
from onewindow.supervision.selectors import unit_region_q

FORMULAS: dict[str, Any] = {
    "notices": _("下发整改通知单 = 该年下发、整改单位（部门或大厅）在本区划内的整改通知单份数；按整改单位分为区级部门、区政务服务中心、"
                 "街道便民服务中心、社区便民服务站"),
    "accepted": _("已验收办结 = 其中已验收办结的份数；按期整改 = 其中在整改期限内反馈并验收的份数"),
    "days": _("监测天数 = 该年有监测运行、且运行记录了本区划的日数 ÷ 该年已过的日数"),
    "targets": _("监测对象 = 每次监测运行记录的所监测对象：线上为已发布的审批服务事项（按实施部门所在区县），线下为启用的"
                 "政务服务大厅（区、街道、社区三级）；年度数字取该年各次运行记录的最大值，括号内为最小值"),
}


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _notice_figures(year: int, region: Region | None) -> dict[str, int]:
    first, last = _year_bounds(year)
    counts = Notice.objects.filter(unit_region_q(region), issued_on__gte=first, issued_on__lte=last).aggregate(
        issued=Count("pk"),
        accepted=Count("pk", filter=Q(status=NoticeStatus.ACCEPTED)),
        on_time=Count("pk", filter=Q(status=NoticeStatus.ACCEPTED, on_time=True)),
        to_department=Count("pk", filter=Q(department__isnull=False)),
        to_district_hall=Count("pk", filter=Q(department__isnull=True, hall__level="district")),
        to_street_hall=Count("pk", filter=Q(department__isnull=True, hall__level="street")),
        to_community_hall=Count("pk", filter=Q(department__isnull=True, hall__level="community")))
    return {k: int(v or 0) for k, v in counts.items()}


def _district_codes(region: Region | None) -> set[str] | None:
    """The district codes whose monitoring counts for `region`; None for every district (unscoped); an empty set
    below district level (monitoring is recorded per district)."""
    if region is None:
        return None
    if region.level > RegionLevel.COUNTY:
        return set()
    return set(Region.objects.filter(level=RegionLevel.COUNTY, path__startswith=region.path)
               .values_list("code", flat=True))


def _monitoring(year: int, region: Region | None) -> dict[str, Any]:
    first, last = _year_bounds(year)
    today = clock.today()
    elapsed = ((min(last, today) - first).days + 1) if first <= today else 0
    codes = _district_codes(region)
    days: set[dt.date] = set()
    items: list[int] = []
    halls: list[int] = []
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    for started_at, targets in MonitorRun.objects.filter(started_at__gte=lo, started_at__lt=hi).values_list(
            "started_at", "targets").order_by():
        watched = {c: t for c, t in (targets or {}).items() if codes is None or c in codes}
        if not watched:
            continue
        days.add(timezone.localdate(started_at))
        items.append(sum(int(t.get("items", 0)) for t in watched.values()))
        halls.append(sum(int(t.get("halls", 0)) for t in watched.values()))
    return {"days": len(days) if codes != set() else None, "days_in_year": 366 if calendar.isleap(year) else 365,
            "days_elapsed": elapsed, "runs": len(items),
            "items": max(items) if items else None, "items_min": min(items) if items else None,
            "halls": max(halls) if halls else None, "halls_min": min(halls) if halls else None}


def year_figures(*, year: int, region: Region | None) -> dict[str, Any]:
    """The year's notices and monitoring coverage for `region` (every region when None)."""
    return {"year": year, "region": region.code if region is not None else "",
            "notices": _notice_figures(year, region), "monitoring": _monitoring(year, region)}
