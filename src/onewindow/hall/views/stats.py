"""The supervisor's hall statistics: one day's figures with charts, the reform before/after comparison, and
the same figures as a spreadsheet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onewindow.core.access import Role, allow
from onewindow.core.charts import figure_json
from onewindow.core.excel import xlsx_response
from onewindow.core.regions import user_region, user_sees
from onewindow.hall import stats
from onewindow.hall.models import Hall
from onewindow.hall.regions import halls_in
from onewindow.hall.views.public import hall_or_404, hall_today

Rows = list[dict[str, Any]]


def _stats_day(request: HttpRequest, hall: Hall) -> dt.date:
    """The day asked for (?date=YYYY-MM-DD), else today, else the hall's latest day with tickets."""
    raw = request.GET.get("date", "")
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            messages.error(request, _("日期格式应为 YYYY-MM-DD"))
    days = stats.ticket_days(hall, limit=1)
    today = hall_today(hall)
    return today if not days or days[0] >= today else days[0]


def _labels(rows: Rows) -> list[Any]:
    return [r["label"] for r in rows]


def _charts(data: dict[str, Any]) -> dict[str, str]:
    """Plotly figures: tickets and waiting per hour, waiting and service per category, counter utilisation."""
    hours, cats, counters = data["hours"], data["categories"], data["counters"]
    margin = {"l": 50, "r": 20, "t": 40, "b": 40}
    return {
        "hours": figure_json({
            "data": [
                {"type": "bar", "name": "取号数", "x": _labels(hours), "y": [r["tickets"] for r in hours]},
                {"type": "scatter", "mode": "lines+markers", "name": "平均等候（分钟）", "yaxis": "y2",
                 "x": _labels(hours), "y": [r["mean_wait"] for r in hours]},
            ],
            "layout": {"title": {"text": "分时段取号与等候"}, "height": 340, "legend": {"orientation": "h"},
                       "yaxis": {"title": {"text": "取号数"}},
                       "yaxis2": {"title": {"text": "分钟"}, "overlaying": "y", "side": "right"},
                       "margin": {**margin, "r": 50}},
        }),
        "categories": figure_json({
            "data": [{"type": "bar", "name": name, "x": _labels(cats), "y": [r[key] for r in cats]}
                     for name, key in (("平均等候", "mean_wait"), ("P90 等候", "p90_wait"),
                                       ("平均办理", "mean_service"))],
            "layout": {"title": {"text": "各类别等候与办理时长（分钟）"}, "height": 340, "barmode": "group",
                       "legend": {"orientation": "h"}, "margin": margin},
        }),
        "counters": figure_json({
            "data": [{"type": "bar", "name": "利用率 %", "x": _labels(counters),
                      "y": [r["utilisation"] for r in counters]}],
            "layout": {"title": {"text": "窗口利用率（%）"}, "height": 300, "margin": {**margin, "b": 60}},
        }),
    }


def _scoped_halls(request: HttpRequest) -> list[Hall]:
    """The active halls of the supervisor's region (all when unscoped)."""
    return [h for h in halls_in(user_region(request.user)) if h.active]


def _scoped_hall(request: HttpRequest, code: str) -> Hall:
    """A hall of the supervisor's region; any other is a 404 (a Huli supervisor never reads Fu'an's hall)."""
    h = hall_or_404(code)
    if not user_sees(request.user, h.region):
        raise Http404
    return h


@allow(Role.SUPERVISOR)
def stats_index(request: HttpRequest) -> HttpResponse:
    halls = _scoped_halls(request)
    if not halls:
        raise Http404
    return redirect("hall:stats", hall=halls[0].code)


@allow(Role.SUPERVISOR)
def stats_page(request: HttpRequest, hall: str) -> HttpResponse:
    h = _scoped_hall(request, hall)
    day = _stats_day(request, h)
    data = stats.hall_stats(h, day)
    return render(request, "hall/stats.html", {
        "hall": h, "day": day, "data": data, "charts": _charts(data), "halls": _scoped_halls(request),
        "reform": stats.reform_comparison(h, day), "days": stats.ticket_days(h, limit=30),
    })


HEADER = ["分组", "取号数", "办结数", "平均等候(分钟)", "P90等候(分钟)", "平均办理(分钟)", "过号率(%)", "利用率(%)"]
COLUMNS = ("label", "tickets", "finished", "mean_wait", "p90_wait", "mean_service", "no_show_rate", "utilisation")


@allow(Role.SUPERVISOR)
def stats_xlsx(request: HttpRequest, hall: str) -> HttpResponse:
    h = _scoped_hall(request, hall)
    day = _stats_day(request, h)
    data = stats.hall_stats(h, day)

    def rows(items: Rows) -> list[list[Any]]:
        return [[r[c] for c in COLUMNS] for r in items]

    return xlsx_response(f"{h.code}-hall-stats-{day.isoformat()}.xlsx", {
        "合计": (HEADER, rows([data["total"]])),
        "窗口类别": (HEADER, rows(data["categories"])),
        "窗口": (HEADER, rows(data["counters"])),
        "受理人员": (HEADER, rows(data["clerks"])),
        "时段": (HEADER, rows(data["hours"])),
    })
