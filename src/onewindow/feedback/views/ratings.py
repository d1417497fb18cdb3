"""The rating list for staff (anonymous raters never shown), its Excel export and the provincial JSON lines."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.core.access import Role, allow
from onewindow.core.audit import audit_log
from onewindow.core.excel import xlsx_response
from onewindow.core.paging import paginate
from onewindow.feedback.models import Channel, Level
from onewindow.feedback.provincial import provincial_lines
from onewindow.feedback.reasons import REASON_LABELS
from onewindow.feedback.selectors.ratings import rater_display, ratings_list
from onewindow.feedback.views.common import STAFF, departments, staff_name, stats_filter


@allow(*STAFF)
def ratings(request: HttpRequest) -> HttpResponse:
    f = stats_filter(request)
    level = request.GET.get("level", "") if request.GET.get("level") in Level.values else ""
    qs = ratings_list(user=request.user, filters=f, level=level, bad_only=request.GET.get("bad") == "1")
    page = paginate(qs, page=request.GET.get("page"), per_page=50)
    rows = [{"r": r, "rater": rater_display(r), "reasons": [str(REASON_LABELS.get(c, c)) for c in r.reasons],
             "rect": getattr(r, "rectification", None) if r.is_bad and not r.is_default else None} for r in page]
    return render(request, "feedback/ratings/list.html", {
        "page": page, "rows": rows, "filter": f, "levels": Level.choices, "channels": Channel.choices,
        "level": level, "departments": departments(request.user), "query": request.GET.urlencode()})


@allow(*STAFF)
def ratings_export(request: HttpRequest) -> HttpResponse:
    qs = ratings_list(user=request.user, filters=stats_filter(request))
    headers = [str(x) for x in (_("评价时间"), _("办件/票号"), _("评价次数"), _("评价等级"), _("评价渠道"),
                                _("评价内容"), _("文字评价"), _("评价人"), _("部门"), _("事项"), _("大厅"),
                                _("窗口"), _("工作人员"), _("系统默认评价"))]
    rows: list[list[object]] = [
        [timezone.localtime(r.rated_at).replace(tzinfo=None), r.target_number,
         _("追评") if r.sequence == 2 else _("首次评价"), r.get_level_display(), r.get_channel_display() or "—",
         ",".join(r.reasons), r.text, rater_display(r), r.department.name if r.department else "",
         r.item_name, r.hall_name, r.counter_name, staff_name(r.clerk), _("是") if r.is_default else _("否")]
        for r in qs.iterator(chunk_size=1000)]
    audit_log(actor=request.user, action="feedback.ratings_export", target_type="feedback.rating",
              detail={"rows": len(rows)})
    return xlsx_response("好差评明细.xlsx", {str(_("评价明细")): (headers, rows)})


@allow(Role.SUPERVISOR)
def provincial_download(request: HttpRequest) -> StreamingHttpResponse:
    f = stats_filter(request)
    qs = ratings_list(user=request.user, filters=f)
    response = StreamingHttpResponse(provincial_lines(qs, include_default=request.GET.get("default") == "1"),
                                     content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="haochaping_{f.start}_{f.end}.jsonl"'
    audit_log(actor=request.user, action="feedback.provincial_export", target_type="feedback.rating")
    return response
