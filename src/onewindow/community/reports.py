"""Time-bank reports (charts, Excel) and the monthly two-way feedback report (page, PDF, Excel)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from onewindow.community.selectors import hours
from onewindow.core import clock
from onewindow.core.charts import figure_json
from onewindow.core.excel import xlsx_response


def report_context() -> dict[str, Any]:
    by_month = hours.hours_by_month()
    by_team = hours.hours_by_team()
    by_compound = hours.hours_by_compound()
    top = hours.top_volunteers(limit=10)
    month_chart = figure_json({
        "data": [{"type": "bar", "x": [r["month"] for r in by_month], "y": [r["hours"] for r in by_month],
                  "marker": {"color": "#1b4f8f"}, "name": _("服务时长（小时）")}],
        "layout": {"title": {"text": _("每月记入服务时长（小时）")}, "height": 320,
                   "margin": {"l": 40, "r": 16, "t": 48, "b": 40}},
    })
    teams_top = by_team[:12]
    team_chart = figure_json({
        "data": [{"type": "bar", "orientation": "h", "y": [r["team"] for r in teams_top][::-1],
                  "x": [r["hours"] for r in teams_top][::-1], "marker": {"color": "#c0392b"}}],
        "layout": {"title": {"text": _("服务队时长前十二（小时）")}, "height": 420,
                   "margin": {"l": 170, "r": 16, "t": 48, "b": 40}},
    })
    return {"by_month": by_month, "by_team": by_team, "by_compound": by_compound[:30], "top": top,
            "month_chart": month_chart, "team_chart": team_chart,
            "total_hours": round(sum(r["minutes"] for r in by_month) / 60, 1)}


def report_xlsx() -> HttpResponse:
    by_month = hours.hours_by_month(months=120)
    return xlsx_response(f"时间银行统计-{clock.today():%Y%m%d}.xlsx", {
        _("按月"): ([_("月份"), _("分钟"), _("小时")], [[r["month"], r["minutes"], r["hours"]] for r in by_month]),
        _("按服务队"): ([_("服务队"), _("领域"), _("分钟"), _("小时")],
                     [[r["team"], r["field"], r["minutes"], r["hours"]] for r in hours.hours_by_team()]),
        _("按小区"): ([_("社区"), _("小区"), _("订单数"), _("分钟"), _("小时")],
                    [[r["community"], r["compound"], r["orders"], r["minutes"], r["hours"]]
                     for r in hours.hours_by_compound()]),
        _("按党员"): ([_("党员"), _("居住小区"), _("分钟"), _("小时")],
                    [[r["name"], r["compound"], r["minutes"], r["hours"]] for r in hours.hours_by_member()]),
    })


FEEDBACK_HEADERS = ("姓名", "居住社区", "居住小区", "已报到", "完成订单", "服务时长（小时）", "参加活动")


def _feedback_rows(data: dict[str, Any]) -> list[list[object]]:
    return [[r["name"], r["community"], r["compound"], "是" if r["reported"] else "否", r["orders"], r["hours"],
             r["events"]] for r in data["rows"]]


def feedback_xlsx(data: dict[str, Any]) -> HttpResponse:
    employer, month = data["employer"], data["month"]
    return xlsx_response(f"双向反馈-{employer.name}-{month}.xlsx", {
        month: (list(FEEDBACK_HEADERS), _feedback_rows(data)),
    })


def feedback_pdf(data: dict[str, Any]) -> HttpResponse:
    from onewindow.core.pdf import PdfDocument, pdf_response

    employer, month, totals = data["employer"], data["month"], data["totals"]
    doc = PdfDocument(_("在职党员到社区报到服务情况反馈表"), f"{employer.party_org_name or employer.name} · {month}")
    doc.facts([
        (_("反馈对象"), employer.party_org_name or employer.name),
        (_("统计月份"), month),
        (_("在职党员"), totals["members"]),
        (_("已到社区报到"), totals["reported"]),
        (_("本月参加服务"), totals["active"]),
        (_("完成订单"), totals["orders"]),
        (_("记入服务时长"), f"{totals['hours']} 小时"),
        (_("参加主题活动"), f"{totals['events']} 人次"),
    ])
    doc.paragraph(_("根据在职党员“双重联系、双向反馈”制度，社区党组织将本单位党员参加社区建设的情况反馈如下。"))
    doc.table(list(FEEDBACK_HEADERS), _feedback_rows(data), col_widths=[0.14, 0.14, 0.2, 0.1, 0.12, 0.16, 0.14])
    doc.paragraph(_("荔城区社区党组织 · 生成日期 %(d)s") % {"d": clock.today().isoformat()})
    return pdf_response(doc.render(), f"双向反馈-{employer.name}-{month}.pdf")
