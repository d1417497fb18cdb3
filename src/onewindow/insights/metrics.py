"""Reform metrics (改革成效指标): what the reform changed, for a period and a scope against a baseline period.

Every figure reads the daily rollups (`insights.rollups`) or the catalog, never the raw cases, tickets or
ratings, so a dashboard over a million cases costs about what one over ten thousand costs (the 锦旗 and 表扬信,
a few rows per hall, are counted by team.selectors.commendation_counts). DEFINITIONS gives each figure's
definition; the page shows it next to the figure.

scope: "all" (the district), "hall:<hall code>", "dept:<department code>", "bundle:<bundle code>".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from onewindow.cases import figures as case_defs
from onewindow.core import clock
from onewindow.core.errors import FieldProblem, ServiceError, collect
from onewindow.feedback import figures as rating_defs
from onewindow.insights.models import CaseDaily, RatingDaily, TicketDaily
from onewindow.team.selectors import commendation_counts

# Each figure's definition, shown next to it. The case and rating figures are defined once, in cases.figures and
# feedback.figures (the statistics page and the department ranking show the same formulas and numbers).
DEFINITIONS: dict[str, Any] = {
    "compression_legal": _("时限压缩率（较法定）= 1 − Σ承诺时限 ÷ Σ法定时限，范围内已发布事项，按统计期末的事项版本。"),
    "compression_before": _("时限压缩率（较基期）= 1 − Σ统计期末承诺时限 ÷ Σ基期末承诺时限（事项历史版本）。"),
    "instant_share": _("即办件占比 = 办件类型为即办件的事项数 ÷ 事项数（期末与基期末版本）。"),
    "online_share": _("全流程网办占比 = 网上办理深度为“互联网办理”且到现场0次的事项数 ÷ 事项数。"),
    "bundle_saved": _("一件事减材料/减跑动 = Σ（逐项办理所需材料或到现场次数 − 一件事所需）× 统计期内该一件事申请量。"),
    "waiting": _("平均等候时间 = Σ（首次叫号时间 − 取号时间）÷ 已叫号的号数，来自大厅排队号事件；变化 = 统计期 ÷ 基期 − 1。"),
    "processing": case_defs.FORMULAS["processing"],
    "window_processing": _("窗口办理时长 = Σ（办结时间 − 首次叫号时间）÷ 办结的号数，来自大厅排队号事件（按大厅统计时的办理时长）；"
                           "变化 = 统计期 ÷ 基期 − 1。"),
    "on_time": case_defs.FORMULAS["on_time"],
    "volumes": _("一件事办件量 = 统计期内提交的一件事申请数（每份申请计1件）。"),
    "good_rate": rating_defs.FORMULAS["good_rate"],
    "satisfaction_rate": rating_defs.FORMULAS["satisfaction_rate"],
    "very_rate": rating_defs.FORMULAS["very_rate"],
    "commendations": _("锦旗、表扬信 = 截至统计期末累计收到的锦旗面数、表扬信封数（按收到日期，来自窗口队伍的表扬登记）；"
                       "大厅范围为在该大厅收到的，全区为全部大厅；另列统计期内收到的。"),
    "speedup": _("提速办：备选事项数 = 列入提速办（备选或已达标）的事项；已达标 = 承诺时限不超过部定压缩标准；"
                 "平均压减至 = 各已达标事项（承诺时限 ÷ 提速前承诺时限）的平均值。"),
}


def _name_field() -> str:
    """The name shown: the English one on English pages (the Chinese where a row has none)."""
    return "name_en" if (get_language() or "").startswith("en") else "name"


@dataclass(frozen=True)
class Scope:
    kind: str  # all / hall / dept / bundle
    code: str = ""
    label: str = "全区"
    obj_id: int = 0  # the hall, department or bundle (0 for the district)


def parse_scope(value: str | None) -> Scope:
    from onewindow.bundles.models import Bundle
    from onewindow.catalog.models import Department
    from onewindow.hall.models import Hall

    value = (value or "all").strip()
    if value in ("", "all", "district"):
        return Scope("all")
    kind, _sep, code = value.partition(":")
    missing = {"hall": gettext("没有编码为 %(code)s 的大厅"), "dept": gettext("没有编码为 %(code)s 的部门"),
               "bundle": gettext("没有编码为 %(code)s 的一件事")}
    if kind not in missing or not code:
        raise ServiceError(gettext("范围应为 all、hall:<大厅代码>、dept:<部门编码> 或 bundle:<一件事编码>"), field="scope")
    found: tuple[str, int] | None
    if kind == "hall":
        found = Hall.objects.filter(code=code).values_list(Coalesce(NullIf(_name_field(), Value("")), "name"), "pk").first()
    elif kind == "dept":
        found = Department.objects.filter(code=code).values_list(Coalesce(NullIf(_name_field(), Value("")), "name"), "pk").first()
    else:
        found = Bundle.objects.filter(code=code).values_list(Coalesce(NullIf(_name_field(), Value("")), "name"), "pk").first()
    if found is None:
        raise ServiceError(missing[kind] % {"code": code}, field="scope")
    return Scope(kind, code, *found)


def check_periods(start: dt.date | None, end: dt.date | None, b_start: dt.date | None,
                  b_end: dt.date | None) -> None:
    problems = []
    for field, a, b in (("from", start, end), ("baseline_from", b_start, b_end)):
        if a is None or b is None:
            problems.append(FieldProblem(field, gettext("请填写起止日期")))
        elif a > b:
            problems.append(FieldProblem(field, gettext("开始日期不能晚于结束日期")))
        elif (b - a).days > 366 * 20:
            problems.append(FieldProblem(field, gettext("统计期不能超过20年")))
    collect(problems, gettext("统计期有误"))


def _change(now: float | None, before: float | None) -> float | None:
    if now is None or not before:
        return None
    return round(now / before - 1, 4)


def _figure(figures: Mapping[str, Any] | None, key: str) -> float | None:
    return figures[key] if figures else None


def _ratio(a: float, b: float, digits: int = 4) -> float | None:
    return round(a / b, digits) if b else None


# ------------------------------------------------------------------------------------------ catalog


Row = Mapping[str, Any]


def _scope_items(scope: Scope) -> list[Row]:
    from onewindow.bundles.models import BundleItem
    from onewindow.catalog.models import ItemStatus, ServiceItem
    from onewindow.hall.models import HallCategory

    qs = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)
    if scope.kind == "dept":
        qs = qs.filter(Q(department_id=scope.obj_id) | Q(handling_department_id=scope.obj_id))
    elif scope.kind == "bundle":
        qs = qs.filter(pk__in=BundleItem.objects.filter(bundle_id=scope.obj_id).values("item_id"))
    elif scope.kind == "hall":
        qs = qs.filter(window_category_id__in=HallCategory.objects.filter(hall_id=scope.obj_id).values("category_id"))
    return list(qs.values("pk", "legal_limit", "promised_limit", "handling_type", "max_visits", "online_depth"))


def _as_of(items: list[Row], day: dt.date) -> list[Row]:
    """Each item's figures in force on `day` (its latest history version effective by then; the item itself when
    it has no history; left out when all its versions start later)."""
    from onewindow.catalog.models import ItemHistory

    history: dict[int, list[Row]] = defaultdict(list)
    for h in (ItemHistory.objects.filter(item_id__in=[i["pk"] for i in items])
              .values("item_id", "version", "effective_from", "legal_limit", "promised_limit", "handling_type",
                      "max_visits", "online_depth").order_by("item_id", "version")):
        history[h["item_id"]].append(h)
    out: list[Row] = []
    for item in items:
        versions = history.get(item["pk"])
        if not versions:
            out.append(item)
            continue
        valid = [v for v in versions if v["effective_from"] <= day]
        if valid:
            out.append(valid[-1])
    return out


def catalog_figures(items: list[Row]) -> dict[str, Any]:
    n = len(items)
    legal = sum(i["legal_limit"] for i in items)
    promised = sum(i["promised_limit"] for i in items)
    instant = sum(1 for i in items if i["handling_type"] == "1")
    online = sum(1 for i in items if i["online_depth"] == 5 and i["max_visits"] == 0)
    return {"items": n, "legal_sum": legal, "promised_sum": promised,
            "compression_legal": round(1 - promised / legal, 4) if legal else None,
            "instant_items": instant, "instant_share": _ratio(instant, n),
            "online_items": online, "online_share": _ratio(online, n),
            "visits_mean": _ratio(sum(i["max_visits"] for i in items), n, 2)}


def speedup_figures(item_ids: list[int]) -> dict[str, Any]:
    """提速办 of the scope's published items: candidates (备选 or 已达标), achieved, meeting the ministry's standard,
    and 平均压减至 = mean of promised ÷ before over the achieved items (None without any)."""
    from onewindow.catalog.models import ItemStatus, ServiceItem, SpeedUp

    items = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED, pk__in=item_ids)
    rows = list(items.exclude(speedup=SpeedUp.NONE).values("speedup", "promised_limit", "speedup_before_limit",
                                                            "speedup_standard_limit"))
    achieved = [r for r in rows if r["speedup"] == SpeedUp.ACHIEVED]
    ratios = [r["promised_limit"] / r["speedup_before_limit"] for r in achieved if r["speedup_before_limit"]]
    meets = sum(1 for r in achieved if r["speedup_standard_limit"] is not None
                and r["promised_limit"] <= r["speedup_standard_limit"])
    return {"candidates": len(rows), "achieved": len(achieved), "meets_standard": meets,
            "mean_limit_share": round(sum(ratios) / len(ratios), 4) if ratios else None}


# ------------------------------------------------------------------------------------------ rollups


def _hall_departments(scope: Scope) -> Any:
    """The departments whose published items the hall's window categories take in (a hall scope's cases)."""
    from onewindow.catalog.models import ItemStatus, ServiceItem
    from onewindow.hall.models import HallCategory

    return (ServiceItem.objects.filter(status=ItemStatus.PUBLISHED, window_category_id__in=HallCategory.objects.filter(
        hall_id=scope.obj_id).values("category_id")).values("department_id"))


def _dept_and_parts(dept_id: int | None) -> list[int]:
    """A department with the units under it: the bureau's figures include the cases its business centres handle
    (柜员跑腿 routes them there)."""
    from onewindow.catalog.models import Department
    from onewindow.catalog.selectors import department_and_parts

    dept = Department.objects.filter(pk=dept_id).first() if dept_id else None
    return department_and_parts(dept) if dept is not None else []


def _case_rows(scope: Scope, start: dt.date, end: dt.date) -> Any:
    qs = CaseDaily.objects.filter(day__gte=start, day__lte=end, department_id__gt=0)
    if scope.kind == "dept":
        qs = qs.filter(department_id__in=_dept_and_parts(scope.obj_id))
    elif scope.kind == "bundle":
        qs = qs.filter(bundle_code=scope.code)
    elif scope.kind == "hall":
        qs = qs.filter(department_id__in=_hall_departments(scope))
    return qs


def _overdue(scope: Scope, start: dt.date, end: dt.date) -> int:
    """Open cases of the scope due within the period and past due today (cases.figures' 超期件)."""
    from onewindow.cases.models import Case

    qs = Case.objects.filter(case_defs.overdue_q(clock.today(), due_from=start, due_to=end))
    if scope.kind == "dept":
        qs = qs.filter(department_id__in=_dept_and_parts(scope.obj_id))
    elif scope.kind == "bundle":
        qs = qs.filter(application__kind="bundle", application__code=scope.code)
    elif scope.kind == "hall":
        qs = qs.filter(department_id__in=_hall_departments(scope))
    return qs.count()


def case_figures(scope: Scope, start: dt.date, end: dt.date) -> dict[str, Any] | None:
    s = _case_rows(scope, start, end).aggregate(
        completed=Sum("completed"), on_time=Sum("completed_on_time"), instant=Sum("completed_instant"),
        wd=Sum("processing_workdays"), hours=Sum("processing_hours"), accepted=Sum("accepted"))
    done = s["completed"] or 0
    overdue = _overdue(scope, start, end)
    return {"completed": done, "accepted": s["accepted"] or 0, "overdue": overdue,
            "processing_workdays": _ratio(s["wd"] or 0, done, 2), "processing_hours": _ratio(s["hours"] or 0, done, 1),
            "on_time_rate": case_defs.on_time_rate(on_time=s["on_time"] or 0, completed=done, overdue=overdue),
            "instant_completed_share": _ratio(s["instant"] or 0, done)}


def ticket_figures(scope: Scope, start: dt.date, end: dt.date) -> dict[str, Any] | None:
    if scope.kind in ("dept", "bundle"):
        return None
    qs = TicketDaily.objects.filter(day__gte=start, day__lte=end)
    if scope.kind == "hall":
        qs = qs.filter(hall_id=scope.obj_id)
    s = qs.aggregate(issued=Sum("issued"), called=Sum("called"), wait=Sum("wait_seconds"), served=Sum("served"),
                     service=Sum("service_seconds"), no_show=Sum("no_show"))
    called = s["called"] or 0
    return {"tickets": s["issued"] or 0, "called": called,
            "waiting_minutes": round((s["wait"] or 0) / called / 60, 1) if called else None,
            "service_minutes": round((s["service"] or 0) / s["served"] / 60, 1) if s["served"] else None,
            "no_show_share": _ratio(s["no_show"] or 0, s["issued"] or 0)}


def rating_figures(scope: Scope, start: dt.date, end: dt.date) -> dict[str, Any] | None:
    if scope.kind == "bundle":
        return None
    qs = RatingDaily.objects.filter(day__gte=start, day__lte=end)
    if scope.kind == "dept":
        qs = qs.filter(department_id__in=_dept_and_parts(scope.obj_id))
    elif scope.kind == "hall":
        qs = qs.filter(hall_id=scope.obj_id)
    s = qs.aggregate(total=Sum("total"), very=Sum("very_satisfied"), satisfied=Sum("satisfied"), bad=Sum("bad"),
                     defaulted=Sum("defaulted"))
    counts = {"active": s["total"] or 0, "very": s["very"] or 0, "satisfied": s["satisfied"] or 0,
              "bad": s["bad"] or 0, "default": s["defaulted"] or 0}
    rates = rating_defs.rating_rates(counts)  # the statistics page's definitions, from the same counts
    return {"ratings": counts["active"], "good_rate": rates["good_rate"],
            "satisfaction_rate": rates["satisfaction_rate"], "very_satisfied_share": rates["very_rate"],
            "bad": counts["bad"], "defaulted": counts["default"]}


def commendation_figures(scope: Scope, start: dt.date, end: dt.date) -> dict[str, Any] | None:
    """锦旗 and 表扬信 received up to the period's end and within the period (team.selectors' one count); None
    (无数据) for a department or bundle scope (they are recorded per hall) and for a scope with none recorded."""
    from onewindow.hall.models import Hall

    if scope.kind in ("dept", "bundle"):
        return None
    hall = Hall.objects.get(pk=scope.obj_id) if scope.kind == "hall" else None
    to_date = commendation_counts(hall=hall, until=end)
    if not to_date["total"]:
        return None
    return {**to_date, "until": end.isoformat(), "period": commendation_counts(hall=hall, since=start, until=end)}


def bundle_figures(scope: Scope, start: dt.date, end: dt.date, b_start: dt.date,
                   b_end: dt.date) -> list[dict[str, Any]]:
    from onewindow.bundles.selectors import list_bundles
    from onewindow.hall.models import HallCategory

    cards = list_bundles()
    if scope.kind == "bundle":
        cards = [c for c in cards if c.bundle.code == scope.code]
    elif scope.kind == "dept":
        cards = [c for c in cards if c.bundle.lead_department_id == scope.obj_id
                 or any(bi.item.department_id == scope.obj_id for bi in c.bundle.bundle_items.all())]
    elif scope.kind == "hall":
        cats = set(HallCategory.objects.filter(hall_id=scope.obj_id).values_list("category_id", flat=True))
        cards = [c for c in cards if c.bundle.window_category_id in cats]
    codes = [c.bundle.code for c in cards]

    def volumes(a: dt.date, b: dt.date) -> dict[str, int]:
        return {r["bundle_code"]: r["n"] for r in CaseDaily.objects.filter(
            day__gte=a, day__lte=b, department_id=0, bundle_code__in=codes).values("bundle_code").annotate(
            n=Sum("applications"))}

    now, before = volumes(start, end), volumes(b_start, b_end)
    out: list[dict[str, Any]] = []
    for c in cards:
        f = c.figures
        vol = now.get(c.bundle.code, 0)
        out.append({"code": c.bundle.code, "name": getattr(c.bundle, _name_field()) or c.bundle.name, "items": f.items, "applications": vol,
                    "baseline_applications": before.get(c.bundle.code, 0),
                    "materials_before": f.materials_before, "materials_after": f.materials_after,
                    "visits_before": f.visits_before, "visits_after": f.visits_after,
                    "days_before": f.days_before, "days_after": f.days_after,
                    "materials_saved": max(0, f.materials_before - f.materials_after) * vol,
                    "visits_saved": max(0, f.visits_before - f.visits_after) * vol})
    out.sort(key=lambda r: (-r["applications"], r["code"]))
    return out


def compute(*, start: dt.date, end: dt.date, baseline_start: dt.date, baseline_end: dt.date,
            scope: str | Scope = "all") -> dict[str, Any]:
    """All figures of the dashboard for one period, scope and baseline (a fixed number of queries)."""
    check_periods(start, end, baseline_start, baseline_end)
    sc = scope if isinstance(scope, Scope) else parse_scope(scope)
    items = _scope_items(sc)
    cat_now, cat_before = catalog_figures(_as_of(items, end)), catalog_figures(_as_of(items, baseline_end))
    promised_before = cat_before["promised_sum"]
    cases_now, cases_before = case_figures(sc, start, end), case_figures(sc, baseline_start, baseline_end)
    tickets_now, tickets_before = ticket_figures(sc, start, end), ticket_figures(sc, baseline_start, baseline_end)
    ratings_now, ratings_before = rating_figures(sc, start, end), rating_figures(sc, baseline_start, baseline_end)
    bundles = bundle_figures(sc, start, end, baseline_start, baseline_end)
    return {
        "scope": {"kind": sc.kind, "code": sc.code, "label": sc.label},
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "baseline": {"from": baseline_start.isoformat(), "to": baseline_end.isoformat()},
        "catalog": {"period": cat_now, "baseline": cat_before,
                    "compression_before": (round(1 - cat_now["promised_sum"] / promised_before, 4)
                                           if promised_before else None)},
        "cases": {"period": cases_now, "baseline": cases_before,
                  "processing_change": _change(_figure(cases_now, "processing_workdays"),
                                               _figure(cases_before, "processing_workdays")),
                  "processing_hours_change": _change(_figure(cases_now, "processing_hours"),
                                                     _figure(cases_before, "processing_hours"))},
        "hall": {"period": tickets_now, "baseline": tickets_before,
                 "waiting_change": _change(_figure(tickets_now, "waiting_minutes"),
                                           _figure(tickets_before, "waiting_minutes")),
                 "service_change": _change(_figure(tickets_now, "service_minutes"),
                                           _figure(tickets_before, "service_minutes"))},
        "speedup": speedup_figures([i["pk"] for i in items]),
        "commendations": commendation_figures(sc, start, end),
        "satisfaction": {"period": ratings_now, "baseline": ratings_before},
        "bundles": bundles,
        "bundle_totals": {"applications": sum(b["applications"] for b in bundles),
                          "materials_saved": sum(b["materials_saved"] for b in bundles),
                          "visits_saved": sum(b["visits_saved"] for b in bundles)},
        "definitions": {k: str(v) for k, v in DEFINITIONS.items()},
    }


def default_periods(scope: str | None = None) -> dict[str, dt.date]:
    """After the reform (2021 to today) against before it (the Huli hall's 2019 department windows and
    Fu'an's first half of 2020). A hall with a reform date compares against the month before that date."""
    today = clock.today()
    out = {"from": dt.date(2021, 1, 1), "to": today, "baseline_from": dt.date(2019, 10, 1),
           "baseline_to": dt.date(2020, 6, 30)}
    kind, _sep, code = (scope or "").partition(":")
    if kind == "hall" and code:
        from onewindow.hall.models import Hall

        reform = Hall.objects.filter(code=code).values_list("reform_date", flat=True).first()
        if reform is not None:
            out |= {"baseline_from": reform - dt.timedelta(days=31), "baseline_to": reform - dt.timedelta(days=1)}
    return out


def parse_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The period, baseline and scope of a query string (the page's and the API's), defaults filled in."""
    out: dict[str, Any] = {"scope": params.get("scope") or "all"}
    defaults = default_periods(out["scope"])
    problems = []
    for key in ("from", "to", "baseline_from", "baseline_to"):
        raw = params.get(key) or ""
        try:
            out[key] = dt.date.fromisoformat(raw) if raw else defaults[key]
        except ValueError:
            problems.append(key)
    if problems:
        raise ServiceError(gettext("日期格式应为 YYYY-MM-DD：%(field)s") % {"field": problems[0]}, field=problems[0])
    return out


def compute_from(params: Mapping[str, Any]) -> dict[str, Any]:
    """`compute()` for a query string."""
    p = parse_params(params)
    return compute(start=p["from"], end=p["to"], baseline_start=p["baseline_from"], baseline_end=p["baseline_to"],
                   scope=p["scope"])


def monthly_trend(scope: Scope, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Completed cases and mean working days per month (for the trend chart), from the rollup."""
    from django.db.models.functions import TruncMonth

    rows = (_case_rows(scope, start, end).annotate(m=TruncMonth("day")).values("m")
            .annotate(done=Sum("completed"), wd=Sum("processing_workdays")).order_by("m"))
    return [{"month": r["m"].strftime("%Y-%m"), "completed": r["done"] or 0,
             "workdays": _ratio(r["wd"] or 0, r["done"] or 0, 2)} for r in rows if r["done"]]
