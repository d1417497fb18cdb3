"""Charts with plotly, rendered in the browser by plotly.js served from this site (never from the internet).

Usage (3 lines):
    # view:      context["chart"] = figure_json(go.Figure(go.Bar(x=names, y=counts)))
    # template:  <div class="chart" data-figure="{{ chart }}"></div>
    #            {% block extra_body %}<script src="{% url 'plotly_js' %}"></script>
    #            <script src="{% static 'core/charts.js' %}"></script>{% endblock %}

`core/static/core/charts.js` draws every `div.chart[data-figure]` with Plotly.newPlot (responsive). The
template's autoescaping makes the JSON safe inside the attribute.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["figure_json"]

CHART_FONT = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"


def figure_json(fig: Any) -> str:
    """A plotly figure (or a plain {"data": [...], "layout": {...}} dict) as a JSON string."""
    if isinstance(fig, dict):
        data = fig
    else:
        fig = fig.__class__(fig)  # a copy: the caller's figure is not changed
        if fig.layout.font.family is None:
            fig.update_layout(font_family=CHART_FONT)
        if fig.layout.margin.t is None:
            fig.update_layout(margin={"l": 40, "r": 16, "t": 40, "b": 40})
        return fig.to_json()
    return json.dumps(data, ensure_ascii=False, default=str)
