"""The 好差评 statistics page (figures with their formulas, charts) and its workbook, by dimension."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.core.access import Role, allow, has_role
from onewindow.core.charts import figure_json
from onewindow.core.excel import xlsx_response
from onewindow.feedback.models import Channel, Level
from onewindow.feedback.selectors.ratings import rating_scope
from onewindow.feedback.selectors.statistics import DIMENSIONS, FORMULAS, rating_breakdown, rating_totals
from onewindow.feedback.views.common import STAFF, departments, fmt, stats_filter

STAT_COLUMNS = [
    ("services", gettext_lazy("服务数")), ("active", gettext_lazy("主动评价")), ("default", gettext_lazy("默认评价")),
    ("followups", gettext_lazy("追评")), ("active_rate", gettext_lazy("主动评价率")), ("good_rate", gettext_lazy("好评率")),
    ("very_rate", gettext_lazy("非常满意率")), ("satisfaction_rate", gettext_lazy("满意率")), ("bad", gettext_lazy("差评")),
    ("bad_rate", gettext_lazy("差评率")), ("valid_bad", gettext_lazy("有效差评")), ("bad_rectified", gettext_lazy("已整改")),
    ("fix_rate", gettext_lazy("差评整改率")), ("score", gettext_lazy("平均分")),
]
CARD_KEYS = ("services", "active", "default", "active_rate", "good_rate", "very_rate", "satisfaction_rate", "bad_rate",
             "fix_rate", "score")
Row = dict[str, Any]


@allow(*STAFF)
def stats(request: HttpRequest) -> HttpResponse:
    f = stats_filter(request)
    dimension = request.GET.get("dimension", "department")
    if dimension not in DIMENSIONS:
        dimension = "department"
    scope = rating_scope(request.user)
    totals = rating_totals(f, scope)
    rows = rating_breakdown(dimension, f, scope)
    months = rating_breakdown("month", f, scope) if dimension != "month" else rows
    channels = rating_breakdown("channel", f, scope) if dimension != "channel" else rows
    table = [{"label": r["label"], "cells": [fmt(k, r.get(k)) for k, _label in STAT_COLUMNS]} for r in rows]
    return render(request, "feedback/statistics/page.html", {
        "filter": f, "dimension": dimension, "dimensions": DIMENSIONS.items(), "totals": totals,
        "cards": [(label, fmt(k, totals.get(k)), FORMULAS.get(k, "")) for k, label in STAT_COLUMNS if k in CARD_KEYS],
        "columns": [label for _k, label in STAT_COLUMNS], "table": table, "formulas": FORMULAS.values(),
        "charts": _charts(totals, months, channels, rows, dimension), "channels": Channel.choices,
        "departments": departments(request.user), "query": request.GET.urlencode(),
        "is_supervisor": has_role(request.user, Role.SUPERVISOR)})


def _trend(months: list[Row]) -> dict[str, Any]:
    labels = [r["label"] for r in months]
    return {
        "data": [
            {"type": "bar", "name": str(_("主动评价")), "x": labels, "y": [r["active"] for r in months]},
            {"type": "bar", "name": str(_("默认评价")), "x": labels, "y": [r["default"] for r in months]},
            {"type": "scatter", "mode": "lines+markers", "name": str(_("好评率")), "x": labels,
             "y": [r["good_rate"] for r in months], "yaxis": "y2"},
        ],
        "layout": {"title": {"text": str(_("各月评价数与好评率"))}, "barmode": "stack",
                   "xaxis": {"type": "category"},
                   "yaxis2": {"overlaying": "y", "side": "right", "tickformat": ".1%", "range": [0, 1.05]},
                   "legend": {"orientation": "h"}, "margin": {"l": 40, "r": 48, "t": 40, "b": 40}},
    }


def _levels(totals: Row) -> dict[str, Any]:
    return {
        "data": [{"type": "pie", "hole": 0.45, "sort": False, "textposition": "inside", "textinfo": "percent",
                  "labels": [str(lv.label) for lv in Level],
                  "values": [totals["very"], totals["satisfied"], totals["basic"], totals["dissatisfied"],
                             totals["very_dissatisfied"]],
                  "marker": {"colors": ["#1e8449", "#52a370", "#1b4f8f", "#d68910", "#c0392b"]}}],
        "layout": {"title": {"text": str(_("主动评价等级构成"))}, "margin": {"l": 16, "r": 16, "t": 40, "b": 16}},
    }


def _by_channel(channels: list[Row]) -> dict[str, Any]:
    return {
        "data": [{"type": "bar", "x": [str(r["label"])[:8] for r in channels], "y": [r["services"] for r in channels]}],
        "layout": {"title": {"text": str(_("按评价渠道"))}, "margin": {"l": 40, "r": 16, "t": 40, "b": 60},
                   "xaxis": {"type": "category", "automargin": True}},
    }


def _by_dimension(rows: list[Row], dimension: str) -> dict[str, Any]:
    top = sorted(rows, key=lambda r: -r["services"])[:15]
    return {
        "data": [{"type": "bar", "orientation": "h",
                  "y": [_short(str(r["label"])) for r in top][::-1],
                  "x": [r["services"] for r in top][::-1], "name": str(_("服务数"))}],
        "layout": {"title": {"text": str(_("按%(d)s的服务数") % {"d": DIMENSIONS[dimension]})},
                   "yaxis": {"automargin": True}, "margin": {"l": 16, "r": 16, "t": 40, "b": 30}},
    }


def _charts(totals: Row, months: list[Row], channels: list[Row], rows: list[Row], dimension: str) -> list[str]:
    return [figure_json(fig) for fig in (_trend(months), _levels(totals), _by_channel(channels),
                                         _by_dimension(rows, dimension))]


def _short(label: str) -> str:
    for prefix, short in (("国家税务总局厦门市", ""), ("厦门市湖里区", "湖里"), ("厦门市", ""), ("福安市", "福安")):
        if label.startswith(prefix) and len(label) > len(prefix) + 2:
            label = short + label[len(prefix):]
            break
    return label[:16]


def _sheet_row(label: str, figures: Row) -> list[object]:
    return [label, *(fmt(k, figures.get(k)) for k, _l in STAT_COLUMNS)]


@allow(*STAFF)
def stats_export(request: HttpRequest) -> HttpResponse:
    f = stats_filter(request)
    scope = rating_scope(request.user)
    headers = [str(_("维度值"))] + [str(label) for _k, label in STAT_COLUMNS]
    sheets: dict[str, tuple[list[str], list[list[object]]]] = {}
    totals = rating_totals(f, scope)
    sheets[str(_("合计"))] = (headers, [_sheet_row(str(_("合计")), totals)])
    for dim, label in DIMENSIONS.items():
        sheets[str(label)] = (headers, [_sheet_row(str(r["label"]), r) for r in rating_breakdown(dim, f, scope)])
    sheets[str(_("公式说明"))] = ([str(_("指标")), str(_("公式"))], [[k, str(v)] for k, v in FORMULAS.items()])
    return xlsx_response(f"好差评统计_{f.start}_{f.end}.xlsx", sheets)
