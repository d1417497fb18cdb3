"""Figures for the simulation page as plain plotly JSON dicts (building plotly.graph_objects figures costs
about a second per page; dicts cost nothing). Drawn in the browser by core/static/core/charts.js.

Every label is translated here, in the request's language: the browser draws the JSON as it is. Layout and
category names are the Chinese msgids the simulation carries (gettext_noop), or a hall category's name already
in the page's language, which gettext leaves as it is."""

from __future__ import annotations

from django.utils.translation import gettext as _

from onewindow.core.charts import CHART_FONT, figure_json

COLOURS = {"department": "#c0392b", "comprehensive": "#1b4f8f", "skill_groups": "#d68910", "recorded": "#5f6b7a",
           "real": "#1e8449"}


def _name(name: str) -> str:
    """A layout's or category's name in the page's language (gettext("") would answer the catalog's header)."""
    return _(name) if name else name


def _colour(code: str) -> str:
    return COLOURS.get(code, "#1b4f8f")


def _layout(title: str, height: int = 320, **extra: object) -> dict:
    layout = {"title": {"text": title, "font": {"size": 14}}, "height": height, "font": {"family": CHART_FONT},
              "margin": {"l": 48, "r": 16, "t": 44, "b": 40}, "legend": {"orientation": "h", "y": -0.2},
              "yaxis": {"title": {"text": _("分钟")}, "rangemode": "tozero"}}
    layout.update(extra)
    return layout


def waits_by_layout(result: dict) -> str:
    data = []
    for metric, label, colour in (("mean_wait", _("平均等候"), "#1b4f8f"), ("p90_wait", _("90%分位等候"), "#8fb3de")):
        ests = [lay["overall"][metric] for lay in result["layouts"]]
        data.append({"type": "bar", "name": label, "x": [_name(lay["name"]) for lay in result["layouts"]],
                     "y": [e["mean"] for e in ests], "marker": {"color": colour},
                     "error_y": {"type": "data", "array": [e["high"] - e["mean"] for e in ests],
                                 "arrayminus": [e["mean"] - e["low"] for e in ests]}})
    return figure_json({"data": data, "layout": _layout(_("等候时间（分钟，95%置信区间）"), 340, barmode="group")})


def waits_by_category(result: dict) -> str:
    data = [{"type": "bar", "name": _name(lay["name"]), "x": [_name(c["name"]) for c in lay["by_category"]],
             "y": [c["mean_wait"]["mean"] for c in lay["by_category"]], "marker": {"color": _colour(lay["code"])}}
            for lay in result["layouts"]]
    return figure_json({"data": data, "layout": _layout(_("各类别平均等候（分钟）"), 340, barmode="group")})


def waits_by_hour(result: dict) -> str:
    data = [{"type": "scatter", "mode": "lines+markers", "name": _name(lay["name"]), "x": [h["hour"] for h in lay["by_hour"]],
             "y": [h["p90_wait"]["mean"] for h in lay["by_hour"]], "line": {"color": _colour(lay["code"])}}
            for lay in result["layouts"]]
    return figure_json({"data": data, "layout": _layout(_("各时段90%分位等候（按取号时段，分钟）"))})


def plan_chart(plan: dict, demand: dict) -> str:
    hours = plan["hour_labels"]
    erlang = [sum(p["erlang"][h] for p in plan["pools"]) for h in range(len(hours))]
    data = [
        {"type": "bar", "name": _("规划窗口数"), "x": hours, "y": plan["counters_by_hour"], "marker": {"color": "#1b4f8f"}},
        {"type": "scatter", "mode": "lines+markers", "name": _("Erlang C 估计"), "x": hours, "y": erlang,
         "line": {"color": "#d68910", "dash": "dash"}},
        {"type": "scatter", "mode": "lines", "name": _("到达人数/小时"), "x": hours, "y": demand["total_per_hour"],
         "yaxis": "y2", "line": {"color": "#5f6b7a"}},
    ]
    layout = _layout(_("各时段所需窗口数"), margin={"l": 48, "r": 56, "t": 44, "b": 40},
                     yaxis={"title": {"text": _("窗口")}, "rangemode": "tozero"},
                     yaxis2={"title": {"text": _("人/小时")}, "overlaying": "y", "side": "right", "showgrid": False,
                             "rangemode": "tozero"})
    return figure_json({"data": data, "layout": layout})


def replay_chart(replay: dict) -> str:
    rec = replay["recorded"]
    hours = [h["label"] for h in rec["by_hour"]]
    data = [
        {"type": "scatter", "mode": "lines+markers", "name": _("实际"), "x": hours,
         "y": [h["real_mean"] for h in rec["by_hour"]], "line": {"color": COLOURS["real"], "width": 3}},
        {"type": "scatter", "mode": "lines+markers", "name": _("回放（实际窗口）"), "x": hours,
         "y": [h["sim_mean"] for h in rec["by_hour"]], "line": {"color": COLOURS["recorded"], "dash": "dash"}},
    ]
    if "comprehensive" in replay:
        alt = replay["comprehensive"]
        data.append({"type": "scatter", "mode": "lines+markers", "name": _("回放（综合窗口，同等人力）"), "x": hours,
                     "y": [h["sim_mean"] for h in alt["by_hour"]], "line": {"color": COLOURS["comprehensive"]}})
    return figure_json({"data": data, "layout": _layout(_("回放：各时段平均等候（按取号时段，分钟）"))})
