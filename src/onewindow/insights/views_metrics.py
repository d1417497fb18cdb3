"""The reform-metrics dashboard (改革成效) page and its Excel export."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from onewindow.core.access import Role, allow
from onewindow.core.charts import figure_json
from onewindow.core.errors import ServiceError
from onewindow.core.excel import xlsx_response
from onewindow.insights import metrics

READERS = (Role.SUPERVISOR, Role.DEPARTMENT_HEAD)


def scope_choices() -> list[tuple[str, str]]:
    from onewindow.bundles.models import Bundle
    from onewindow.catalog.models import Department
    from onewindow.hall.models import Hall

    out = [("all", _("全区（全部）"))]
    en = (get_language() or "").startswith("en")
    out += [(f"hall:{c}", _("大厅：%(name)s") % {"name": e if en and e else n})
            for c, n, e in Hall.objects.values_list("code", "name", "name_en")]
    out += [(f"dept:{c}", _("部门：%(name)s") % {"name": e if en and e else n})
            for c, n, e in Department.objects.values_list("code", "name", "name_en")]
    out += [(f"bundle:{c}", _("一件事：%(name)s") % {"name": e if en and e else n}) for c, n, e in
            Bundle.objects.filter(status="published").values_list("code", "name", "name_en")]
    return out


def _fig(data: list[dict], layout: dict) -> str:
    """A figure as a plain dict (building plotly.graph_objects figures costs more than the whole dashboard)."""
    from onewindow.core.charts import CHART_FONT

    base = {"font": {"family": CHART_FONT}, "margin": {"l": 40, "r": 16, "t": 40, "b": 40}}
    return figure_json({"data": data, "layout": base | layout})


def _before_after(title: str, before: float | None, after: float | None) -> str:
    return _fig([{"type": "bar", "x": [_("基期"), _("统计期")], "y": [before, after], "text": [before, after],
                  "marker": {"color": ["#9aa5b1", "#1f5fbf"]}}], {"title": {"text": title}, "height": 300})


def _charts(data: dict[str, Any], trend: list[dict]) -> dict[str, str]:
    charts = {}
    hall = data["hall"]
    if hall["period"] and hall["baseline"]:
        charts["waiting"] = _before_after(_("平均等候时间（分钟）"), hall["baseline"]["waiting_minutes"],
                                          hall["period"]["waiting_minutes"])
    cases = data["cases"]
    if hall["period"] and hall["baseline"] and data["scope"]["kind"] == "hall":
        charts["window_processing"] = _before_after(_("窗口办理时长（分钟）"), hall["baseline"]["service_minutes"],
                                                    hall["period"]["service_minutes"])
    if cases["period"] and cases["baseline"]:
        charts["processing"] = _before_after(_("平均办理时间（工作日）"), cases["baseline"]["processing_workdays"],
                                             cases["period"]["processing_workdays"])
    bundles = [b for b in data["bundles"] if b["applications"]][:15][::-1]
    if bundles:
        volumes = [b["applications"] for b in bundles]
        charts["volumes"] = _fig(
            [{"type": "bar", "orientation": "h", "y": [b["name"] for b in bundles],
              "x": [b["applications"] for b in bundles], "text": [b["applications"] for b in bundles],
              "marker": {"color": "#1f5fbf"}}],
            {"title": {"text": _("一件事办件量")}, "height": 120 + 26 * len(bundles),
             "xaxis": {"type": "log" if max(volumes) > 50 * max(1, min(volumes)) else "linear"},
             "margin": {"l": 190, "r": 16, "t": 40, "b": 30}})
    if trend:
        months = [t["month"] for t in trend]
        charts["trend"] = _fig(
            [{"type": "bar", "x": months, "y": [t["completed"] for t in trend], "name": _("办结件数"),
              "marker": {"color": "#c8d6ef"}},
             {"type": "scatter", "x": months, "y": [t["workdays"] for t in trend], "name": _("平均办理工作日"),
              "yaxis": "y2", "mode": "lines+markers", "line": {"color": "#c0392b"}}],
            {"title": {"text": _("每月办结量与平均办理时间")}, "height": 320,
             "yaxis2": {"overlaying": "y", "side": "right"}, "legend": {"orientation": "h", "y": -0.2}})
    return charts


@allow(*READERS)
def metrics_page(request: HttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    try:
        params = metrics.parse_params(request.GET)
        data = metrics.compute_from(request.GET)
        scope = metrics.parse_scope(params["scope"])
        trend = metrics.monthly_trend(scope, min(params["baseline_from"], params["from"]),
                                      max(params["baseline_to"], params["to"]))
    except ServiceError as exc:
        errors = {p.field or "__all__": str(p.message) for p in exc.problems}
        params = metrics.default_periods() | {"scope": "all"}
        data, trend = metrics.compute(start=params["from"], end=params["to"], baseline_start=params["baseline_from"],
                                      baseline_end=params["baseline_to"], scope="all"), []
    return render(request, "insights/metrics/dashboard.html", {
        "d": data, "params": params, "errors": errors, "scopes": scope_choices(), "charts": _charts(data, trend),
        "query": request.GET.urlencode()}, status=400 if errors else 200)


@allow(*READERS)
def metrics_export(request: HttpRequest) -> HttpResponse:
    d = metrics.compute_from(request.GET)
    defs = d["definitions"]

    def row(name: str, key: str, before: Any, now: Any, change: Any = None) -> list[Any]:
        return [name, before, now, change, defs.get(key, "")]

    c, cb = d["catalog"]["period"], d["catalog"]["baseline"]
    cases, hall, sat = d["cases"], d["hall"], d["satisfaction"]
    g = lambda part, key: (part or {}).get(key)  # noqa: E731
    summary = [
        row("时限压缩率（较法定）", "compression_legal", cb["compression_legal"], c["compression_legal"]),
        row("时限压缩率（较基期）", "compression_before", None, d["catalog"]["compression_before"]),
        row("即办件占比", "instant_share", cb["instant_share"], c["instant_share"]),
        row("全流程网办占比", "online_share", cb["online_share"], c["online_share"]),
        row("平均等候时间（分钟）", "waiting", g(hall["baseline"], "waiting_minutes"), g(hall["period"], "waiting_minutes"),
            hall["waiting_change"]),
        row("平均办理时间（工作日）", "processing", g(cases["baseline"], "processing_workdays"),
            g(cases["period"], "processing_workdays"), cases["processing_change"]),
        row("平均办理时间（小时）", "processing", g(cases["baseline"], "processing_hours"),
            g(cases["period"], "processing_hours"), cases["processing_hours_change"]),
        row("按时办结率", "on_time", g(cases["baseline"], "on_time_rate"), g(cases["period"], "on_time_rate")),
        row("窗口办理时长（分钟）", "window_processing", g(hall["baseline"], "service_minutes"),
            g(hall["period"], "service_minutes"), hall["service_change"]),
        row("好评率", "good_rate", g(sat["baseline"], "good_rate"), g(sat["period"], "good_rate")),
        row("满意率", "satisfaction_rate", g(sat["baseline"], "satisfaction_rate"), g(sat["period"], "satisfaction_rate")),
        row("非常满意率", "very_rate", g(sat["baseline"], "very_satisfied_share"),
            g(sat["period"], "very_satisfied_share")),
        row("提速办平均压减至", "speedup", None, d["speedup"]["mean_limit_share"]),
        row("锦旗（面，截至统计期末）", "commendations", None, g(d["commendations"], "banner")),
        row("表扬信（封，截至统计期末）", "commendations", None, g(d["commendations"], "letter")),
        row("一件事减少提交材料（份次）", "bundle_saved", None, d["bundle_totals"]["materials_saved"]),
        row("一件事减少跑动（次）", "bundle_saved", None, d["bundle_totals"]["visits_saved"]),
    ]
    bundles = [[b["code"], b["name"], b["applications"], b["baseline_applications"], b["items"], b["materials_before"],
                b["materials_after"], b["visits_before"], b["visits_after"], b["days_before"], b["days_after"],
                b["materials_saved"], b["visits_saved"]] for b in d["bundles"]]
    title = f"{d['scope']['label']} {d['period']['from']}～{d['period']['to']} 对比 {d['baseline']['from']}～{d['baseline']['to']}"
    return xlsx_response(f"改革成效指标_{d['period']['from']}_{d['period']['to']}.xlsx", {
        "指标": (["指标（" + title + "）", "基期", "统计期", "变化", "定义"], summary),
        "一件事": (["编码", "名称", "统计期申请量", "基期申请量", "事项数", "逐项材料", "一件事材料", "逐项跑动",
                 "一件事跑动", "逐项时限", "一件事时限", "减材料（份次）", "减跑动（次）"], bundles),
    })
