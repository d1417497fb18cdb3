"""Automated monitors (自动监测). Each monitor returns the breaches it sees now; `monitors_run` turns them into
findings: a new breach opens a finding, a breach seen again refreshes `last_seen`, a finding whose breach is gone
is resolved. A partial unique index keeps one open finding per (monitor, target), so a second run never
duplicates.

Monitors read the other apps' tables (catalog items, cases, ratings, rectifications, suggestions, hall tickets)
with set-based queries: the number of queries does not grow with the number of records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.expressions import Combinable
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onewindow.core import clock
from onewindow.supervision.conf import conf_float, conf_int
from onewindow.supervision.models import Finding, FindingState, MonitorRun
from onewindow.supervision.services.findings import finding_resolve, findings_open

StrOrPromise = str | Promise


@dataclass(frozen=True)
class Breach:
    target_type: str
    target_id: str
    label: str
    message: str
    department_id: int | None = None
    hall_id: int | None = None
    severity: str = "warn"


@dataclass(frozen=True)
class Monitor:
    code: str
    kind: str
    title: StrOrPromise  # gettext_lazy: shown in the reader's language
    check: Callable[[], list[Breach]]


# ------------------------------------------------------------------------------------------ catalog


def _items(q: Q | Combinable, message: Callable[[Mapping[str, Any]], str], severity: str = "warn") -> list[Breach]:
    """The catalog items (not retired) matching `q`, each a breach worded by `message(row)`."""
    from onewindow.catalog.models import ItemStatus, ServiceItem

    rows = (ServiceItem.objects.exclude(status=ItemStatus.RETIRED).filter(q)
            .values("pk", "code", "name", "department_id", "legal_limit", "promised_limit", "handling_type",
                    "max_visits", "online_depth"))
    return [Breach("catalog.serviceitem", str(r["pk"]), f"{r['name']}（{r['code']}）", message(r),
                   department_id=r["department_id"], severity=severity) for r in rows]


def check_promised_over_legal() -> list[Breach]:
    from django.db.models import F

    return _items(Q(promised_limit__gt=F("legal_limit"), legal_limit__gt=0),
                  lambda r: f"承诺时限 {r['promised_limit']} 超过法定时限 {r['legal_limit']}", "high")


def check_instant_mismatch() -> list[Breach]:
    from onewindow.catalog.models import HandlingType

    return _items(Q(promised_limit=0) & ~Q(handling_type=HandlingType.INSTANT)
                  | Q(handling_type=HandlingType.INSTANT) & ~Q(promised_limit=0),
                  lambda r: ("承诺时限为0（即办）但办件类型不是即办件" if r["promised_limit"] == 0
                             else f"办件类型为即办件但承诺时限为 {r['promised_limit']}"))


def check_visits_without_reason() -> list[Breach]:
    return _items(Q(max_visits__gt=0, visits_reason=""),
                  lambda r: f"到现场 {r['max_visits']} 次，未填写必须现场办理原因")


def check_fully_online_visits() -> list[Breach]:
    from onewindow.catalog.models import OnlineDepth

    return _items(Q(online_depth=OnlineDepth.HANDLE, max_visits__gt=0),
                  lambda r: f"标注为全程网办，但到现场次数为 {r['max_visits']}")


def check_fee_without_basis() -> list[Breach]:
    return _items(Q(has_fee=True, fee_basis=""), lambda r: "收费事项未填写收费依据及标准")


def check_published_without_materials() -> list[Breach]:
    from onewindow.catalog.models import ItemMaterial, ItemStatus

    return _items(Q(status=ItemStatus.PUBLISHED) & ~Exists(ItemMaterial.objects.filter(item=OuterRef("pk"))),
                  lambda r: "已发布事项没有申请材料")


def check_published_without_phone() -> list[Breach]:
    from onewindow.catalog.models import ItemStatus

    return _items(Q(status=ItemStatus.PUBLISHED, consult_phone=""), lambda r: "已发布事项没有咨询电话")


# ------------------------------------------------------------------------------------------ cases


def _open_cases(q: Q) -> list[dict[str, Any]]:
    from onewindow.cases.models import OPEN_STATUSES, Case

    return [dict(row) for row in Case.objects.filter(q, status__in=OPEN_STATUSES, due_date__isnull=False)
            .values("pk", "number", "item_name", "department_id", "due_date")]


def check_cases_overdue() -> list[Breach]:
    """超期件 as cases.figures defines them: the same cases lower the department's 按时办结率."""
    from onewindow.cases.figures import overdue_q

    return [Breach("cases.case", str(c["pk"]), f"{c['number']} {c['item_name']}",
                   f"已超过承诺办结日期 {c['due_date']:%Y-%m-%d}", department_id=c["department_id"], severity="high")
            for c in _open_cases(overdue_q(clock.today()))]


def check_cases_at_risk() -> list[Breach]:
    from onewindow.core.calendar import add_workdays

    today = clock.today()
    threshold = conf_int("DEADLINE_YELLOW_WORKDAYS")
    limit = add_workdays(today, threshold)
    return [Breach("cases.case", str(c["pk"]), f"{c['number']} {c['item_name']}",
                   f"临近承诺办结日期 {c['due_date']:%Y-%m-%d}（{threshold} 个工作日内）",
                   department_id=c["department_id"])
            for c in _open_cases(Q(due_date__gte=today, due_date__lte=limit))]


# ------------------------------------------------------------------------------------------ feedback


def check_unrated_services() -> list[Breach]:
    """Per department: cases completed 3–30 days ago; too few rated, the case itself or its application (below
    ONEWINDOW MONITOR_MIN_RATED_SHARE)."""
    from onewindow.cases.models import Case, CaseStatus
    from onewindow.catalog.models import Department
    from onewindow.feedback.figures import rated_share
    from onewindow.feedback.models import Rating

    now = clock.now()
    minimum = conf_float("MONITOR_MIN_RATED_SHARE")
    rated = (Exists(Rating.objects.filter(target_kind="case", target_id=OuterRef("pk")))
             | Exists(Rating.objects.filter(target_kind="application", target_id=OuterRef("application_id"))))
    rows = (Case.objects.filter(status__in=[CaseStatus.COMPLETED, CaseStatus.DELIVERED],
                                completed_at__gte=now - dt.timedelta(days=30),
                                completed_at__lt=now - dt.timedelta(days=3))
            .values("department_id").annotate(total=Count("pk"), rated=Count("pk", filter=rated)))
    names = dict(Department.objects.values_list("pk", "name"))
    out = []
    for r in rows:
        share = rated_share(rated=r["rated"], completed=r["total"])
        if r["total"] >= 5 and share is not None and share < minimum:
            # 办件评价覆盖率 (feedback.figures), not 主动评价率: that one counts ratings, defaults included
            out.append(Breach("catalog.department", str(r["department_id"]), names.get(r["department_id"], ""),
                              f"近30天办结 {r['total']} 件，仅 {r['rated']} 件有评价（办件评价覆盖率 "
                              f"{share:.0%}，低于 {minimum:.0%}）", department_id=r["department_id"]))
    return out


def check_rectifications_overdue() -> list[Breach]:
    from onewindow.feedback.models import OPEN_RECT_STATES, Rectification

    rows = (Rectification.objects.filter(state__in=OPEN_RECT_STATES, due_on__lt=clock.today())
            .values("pk", "due_on", "department_id", "rating__target_number", "rating__item_name"))
    return [Breach("feedback.rectification", str(r["pk"]),
                   f"差评整改 {r['rating__target_number']} {r['rating__item_name']}".strip(),
                   f"差评整改超过办理期限 {r['due_on']:%Y-%m-%d}", department_id=r["department_id"], severity="high")
            for r in rows]


def check_replies_overdue() -> list[Breach]:
    from onewindow.feedback.models import OPEN_SUGGESTION_STATES, Suggestion

    rows = (Suggestion.objects.filter(state__in=OPEN_SUGGESTION_STATES, due_on__lt=clock.today(),
                                      answered_at__isnull=True)
            .values("pk", "number", "title", "due_on", "department_id"))
    return [Breach("feedback.suggestion", str(r["pk"]), f"{r['number']} {r['title']}".strip(),
                   f"意见建议超过答复期限 {r['due_on']:%Y-%m-%d} 未答复", department_id=r["department_id"],
                   severity="high")
            for r in rows]


# ------------------------------------------------------------------------------------------ halls


def check_no_show_spikes() -> list[Breach]:
    """Per hall: on its last ticket day before today, the no-show share is far above the 20 days before it
    (more than twice the usual share and 10 points above it, with at least 5 no-shows)."""
    from onewindow.hall.models import Hall, Ticket

    today = clock.today()
    start = today - dt.timedelta(days=35)
    rows = (Ticket.objects.filter(day__gte=start, day__lt=today).values("hall_id", "day")
            .annotate(n=Count("pk"), no_show=Count("pk", filter=Q(status="no_show"))).order_by("hall_id", "day"))
    by_hall: dict[int, list[dict]] = {}
    for r in rows:
        by_hall.setdefault(r["hall_id"], []).append(r)
    names = dict(Hall.objects.values_list("pk", "name"))
    out = []
    for hall_id, days in by_hall.items():
        last, before = days[-1], days[-21:-1]
        if not before or last["n"] == 0:
            continue
        usual = sum(d["no_show"] for d in before) / max(1, sum(d["n"] for d in before))
        share = last["no_show"] / last["n"]
        if last["no_show"] >= 5 and share > 2 * usual and share > usual + 0.10:
            out.append(Breach("hall.hall", str(hall_id), names.get(hall_id, ""),
                              f"{last['day']:%Y-%m-%d} 过号 {last['no_show']}/{last['n']}（{share:.0%}），"
                              f"此前20天平均 {usual:.0%}", hall_id=hall_id))
    return out


MONITORS: tuple[Monitor, ...] = (
    Monitor("catalog.promised_over_legal", "catalog", _("承诺时限超过法定时限"), check_promised_over_legal),
    Monitor("catalog.instant_mismatch", "catalog", _("即办与即办件不一致"), check_instant_mismatch),
    Monitor("catalog.visits_without_reason", "catalog", _("到现场次数大于0未说明原因"), check_visits_without_reason),
    Monitor("catalog.online_with_visits", "catalog", _("全程网办却需到现场"), check_fully_online_visits),
    Monitor("catalog.fee_without_basis", "catalog", _("收费未注明依据"), check_fee_without_basis),
    Monitor("catalog.no_materials", "catalog", _("已发布事项无材料"), check_published_without_materials),
    Monitor("catalog.no_phone", "catalog", _("已发布事项无咨询电话"), check_published_without_phone),
    Monitor("cases.overdue", "case", _("办件超期"), check_cases_overdue),
    Monitor("cases.at_risk", "case", _("办件临近期限"), check_cases_at_risk),
    Monitor("feedback.unrated", "feedback", _("服务未评价"), check_unrated_services),
    Monitor("feedback.rectification_overdue", "feedback", _("差评整改超期"), check_rectifications_overdue),
    Monitor("feedback.reply_overdue", "feedback", _("意见建议答复超期"), check_replies_overdue),
    Monitor("hall.no_show_spike", "hall", _("大厅过号异常"), check_no_show_spikes),
)
MONITOR_TITLES = {m.code: m.title for m in MONITORS} | {"inspection": _("现场检查不合格")}


def _apply(monitor: Monitor, breaches: list[Breach], now: dt.datetime) -> dict[str, int]:
    """Open a finding for each new breach, refresh the ones seen again, resolve those whose breach is gone."""
    seen = {(b.target_type, b.target_id): b for b in breaches}
    with transaction.atomic():
        open_rows = {(f.target_type, f.target_id): f for f in
                     Finding.objects.select_for_update().filter(monitor=monitor.code, state=FindingState.OPEN)}
        gone = [f for key, f in open_rows.items() if key not in seen]
        still = [f.pk for key, f in open_rows.items() if key in seen]
        for finding in gone:
            finding_resolve(finding=finding, reason="监测未再发现", actor=None)
        if still:
            Finding.objects.filter(pk__in=still).update(last_seen=now)
        new = findings_open(
            Finding(monitor=monitor.code, kind=monitor.kind, severity=b.severity, target_type=b.target_type,
                    target_id=b.target_id, target_label=b.label[:300], message=b.message[:500],
                    department_id=b.department_id, hall_id=b.hall_id, first_seen=now, last_seen=now)
            for key, b in seen.items() if key not in open_rows)
    return {"opened": len(new), "resolved": len(gone), "still_open": len(still)}


def _district_code(path: str | None) -> str:
    """The county-level code of a region path (/350000/350200/350206/…/ → 350206); "" above that level."""
    from onewindow.core.models import RegionLevel

    codes = [c for c in (path or "").strip("/").split("/") if c]
    return codes[RegionLevel.COUNTY - 1] if len(codes) >= RegionLevel.COUNTY else ""


def monitored_targets() -> dict[str, dict[str, int]]:
    """What a run watches, per district: published items (by their department's district) and active halls
    (by theirs). Two grouped queries; records without a district are left out."""
    from onewindow.catalog.models import ItemStatus, ServiceItem
    from onewindow.hall.models import Hall

    out: dict[str, dict[str, int]] = {}
    for path, n in (ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).values("department__region__path")
                    .annotate(n=Count("pk")).values_list("department__region__path", "n").order_by()):
        code = _district_code(path)
        if code:
            out.setdefault(code, {"items": 0, "halls": 0})["items"] += n
    for path, n in (Hall.objects.filter(active=True).values("region__path").annotate(n=Count("pk"))
                    .values_list("region__path", "n").order_by()):
        code = _district_code(path)
        if code:
            out.setdefault(code, {"items": 0, "halls": 0})["halls"] += n
    return out


def monitors_run(*, trigger: str = "manual", only: list[str] | None = None) -> MonitorRun:
    """Run every monitor (or those listed) and record the run with what it watched (`monitored_targets`)."""
    now = clock.now()
    run = MonitorRun.objects.create(started_at=now, trigger=trigger, targets=monitored_targets())
    per: dict[str, dict[str, int]] = {}
    for monitor in MONITORS:
        if only and monitor.code not in only:
            continue
        per[monitor.code] = _apply(monitor, monitor.check(), now)
    run.per_monitor = per
    run.opened = sum(p["opened"] for p in per.values())
    run.resolved = sum(p["resolved"] for p in per.values())
    run.still_open = sum(p["still_open"] for p in per.values())
    run.finished_at = clock.now()
    run.save()
    return run
