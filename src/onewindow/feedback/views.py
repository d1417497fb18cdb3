"""Pages: the public rating page, rectification worklists, statistics, the citizen voice."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.core.access import PUBLIC, Role, allow, has_role, user_department_id
from onewindow.core.audit import audit_log
from onewindow.core.errors import ServiceError
from onewindow.core.excel import xlsx_response
from onewindow.core.inputs import MAX_ID, date_param, int_param, page_param
from onewindow.core.masking import mask_phone
from onewindow.core.security import rate_limit
from onewindow.feedback import exports, selectors, services, targets
from onewindow.feedback.links import read_token
from onewindow.feedback.models import (
    BAD_LEVELS,
    CallbackMethod,
    Channel,
    Disposition,
    Level,
    Rating,
    RectState,
    SuggestionCategory,
    SuggestionKind,
    SuggestionState,
    VoiceChannel,
)
from onewindow.feedback.reasons import REASON_LABELS, REASON_LEVEL, REASONS

STAFF = (Role.CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR)
DEPT_STAFF = (Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR)


def _level_options() -> list[dict[str, Any]]:
    return [{"value": level.value, "label": level.label, "bad": level.value in BAD_LEVELS,
             "reasons": REASONS[level.value]} for level in Level]


@allow(PUBLIC)
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """The phone-friendly rating page reached from the paired counter pad, the ticket's follow page or the
    applicant's own pages. Closed (with the reason) when the link expired or the viewer served the citizen."""
    data = read_token(token)
    if data is None:
        return render(request, "feedback/rate_invalid.html", status=404)
    target = targets.resolve(data.target_kind, data.target_id)
    if target is None:
        return render(request, "feedback/rate_invalid.html", status=404)
    sequence = services.rating_next_sequence(target_kind=data.target_kind, target_id=data.target_id,
                                             channel=data.channel)
    refused = services.rating_refusal(token=data, target=target, user=request.user)
    context: dict[str, Any] = {
        "token": token, "target": target, "channel_label": Channel(data.channel).label, "sequence": sequence,
        "levels": _level_options(), "values": {}, "errors": {}, "done": None, "pad": data.channel == Channel.HALL_PAD,
        # an unfinished service says so below; any other refusal (expired, staff) closes the page
        "refusal": refused[0] if refused is not None and refused[1] != 409 else "",
    }
    status = refused[1] if refused is not None and refused[1] != 409 and request.method == "POST" else 200
    if request.method == "POST" and sequence is not None and refused is None:
        values = {
            "level": request.POST.get("level", ""),
            # reasons ticked under another level (hidden on the page) are dropped
            "reasons": [c for c in request.POST.getlist("reasons")
                        if REASON_LEVEL.get(c) == request.POST.get("level", "")],
            "text": request.POST.get("text", ""),
            "anonymous": request.POST.get("identity", "anonymous") != "named",
            "rater_name": request.POST.get("rater_name", ""),
            "rater_phone": request.POST.get("rater_phone", ""),
        }
        try:
            rating = services.rating_create(token=data, level=values["level"], reasons=values["reasons"],
                                            text=values["text"], anonymous=values["anonymous"],
                                            rater_name=values["rater_name"], rater_phone=values["rater_phone"],
                                            user=request.user)
        except ServiceError as exc:
            status = exc.status
            context["values"] = values
            context["errors"] = {p.field or "all": p.message for p in exc.problems}
            if exc.status in (403, 409, 410):  # nothing the citizen can correct on the form
                context["errors"] = {"all": exc.message}
            context["sequence"] = services.rating_next_sequence(target_kind=data.target_kind,
                                                                target_id=data.target_id, channel=data.channel)
        else:
            context["done"] = rating
            context["sequence"] = services.rating_next_sequence(target_kind=data.target_kind,
                                                                target_id=data.target_id, channel=data.channel)
    elif request.method == "POST" and (refused is None or refused[1] == 409):
        status = 409
        context["errors"] = {"all": _("该服务已评价，不能再次评价") if sequence is None
                             else _("该服务尚未办结，办结后才能评价")}
    if data.channel == Channel.HALL_PAD and target.counter_id:
        with contextlib.suppress(NoReverseMatch):
            context["pad_url"] = reverse("hall:pad", kwargs={"counter": target.counter_id})
    context["previous"] = list(Rating.objects.filter(target_kind=data.target_kind, target_id=data.target_id,
                                                     is_default=False).order_by("sequence"))
    return render(request, "feedback/rate.html", context, status=status)


# ====================================================================== staff pages

def _date(value: str | None, field: str = "date") -> dt.date | None:
    """Not a date → None (the filter is ignored); a date out of range → 400 naming the field."""
    return date_param(value, field, lenient=True)


def _int(value: str | None, field: str = "id") -> int | None:
    """Not a number → None (the filter is ignored); a number out of range → 400 naming the field."""
    return int_param(value, field, lo=-MAX_ID, lenient=True)


def _stats_filter(request: HttpRequest) -> selectors.StatsFilter:
    today = clock.today()
    start = _date(request.GET.get("start"), "start") or (today.replace(day=1) - dt.timedelta(days=150)).replace(day=1)
    end = _date(request.GET.get("end"), "end") or today
    return selectors.StatsFilter(start=start, end=end, department_id=_int(request.GET.get("department"), "department"),
                                 channel=request.GET.get("channel", "") if request.GET.get("channel") in Channel.values
                                 else "")


def _error_dict(exc: ServiceError) -> dict[str, str]:
    return {(p.field or "all"): p.message for p in exc.problems}


@allow(*STAFF)
def ratings(request: HttpRequest) -> HttpResponse:
    f = _stats_filter(request)
    level = request.GET.get("level", "") if request.GET.get("level") in Level.values else ""
    qs = selectors.ratings_list(user=request.user, filters=f, level=level, bad_only=request.GET.get("bad") == "1")
    page = Paginator(qs, 50).get_page(page_param(request.GET.get("page")))
    rows = [{"r": r, "rater": selectors.rater_display(r), "reasons": [f"{c} {REASON_LABELS.get(c, '')}" for c in r.reasons],
             "rect": getattr(r, "rectification", None) if r.is_bad and not r.is_default else None} for r in page]
    return render(request, "feedback/ratings.html", {
        "page": page, "rows": rows, "filter": f, "levels": Level.choices, "channels": Channel.choices,
        "level": level, "departments": _departments(request.user), "query": request.GET.urlencode()})


def _departments(user: Any) -> list[Department]:
    if has_role(user, Role.SUPERVISOR):
        return list(Department.objects.order_by("sort_order", "code"))
    dept_id = user_department_id(user)
    return list(Department.objects.filter(pk=dept_id)) if dept_id else []


@allow(*STAFF)
def ratings_export(request: HttpRequest) -> HttpResponse:
    f = _stats_filter(request)
    qs = selectors.ratings_list(user=request.user, filters=f)
    headers = [str(x) for x in (_("评价时间"), _("办件/票号"), _("评价次数"), _("评价等级"), _("评价渠道"),
                                _("评价内容"), _("文字评价"), _("评价人"), _("部门"), _("事项"), _("大厅"),
                                _("窗口"), _("工作人员"), _("系统默认评价"))]
    rows = [[timezone.localtime(r.rated_at).replace(tzinfo=None), r.target_number,
             _("追评") if r.sequence == 2 else _("首次评价"), r.get_level_display(), r.get_channel_display() or "—",
             ",".join(r.reasons), r.text, selectors.rater_display(r), r.department.name if r.department else "",
             r.item_name, r.hall_name, r.counter_name, _clerk_name(r.clerk), _("是") if r.is_default else _("否")]
            for r in qs.iterator(chunk_size=1000)]
    audit_log(actor=request.user, action="feedback.ratings_export", target_type="feedback.rating",
              detail={"rows": len(rows)})
    return xlsx_response("好差评明细.xlsx", {str(_("评价明细")): (headers, rows)})


def _clerk_name(user: Any) -> str:
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return getattr(profile, "display_name", "") or user.get_username()


STAT_COLUMNS = [
    ("services", gettext_lazy("服务数")), ("active", gettext_lazy("主动评价")), ("default", gettext_lazy("默认评价")), ("followups", gettext_lazy("追评")),
    ("active_rate", gettext_lazy("主动评价率")), ("good_rate", gettext_lazy("好评率")), ("very_rate", gettext_lazy("非常满意率")),
    ("satisfaction_rate", gettext_lazy("满意率")), ("bad", gettext_lazy("差评")), ("bad_rate", gettext_lazy("差评率")), ("valid_bad", gettext_lazy("有效差评")),
    ("bad_rectified", gettext_lazy("已整改")), ("fix_rate", gettext_lazy("差评整改率")), ("score", gettext_lazy("平均分")),
]
RATE_KEYS = {"active_rate", "good_rate", "very_rate", "satisfaction_rate", "bad_rate", "fix_rate"}


def _fmt(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key in RATE_KEYS:
        return f"{value * 100:.2f}%"
    return str(value)


@allow(*STAFF)
def stats(request: HttpRequest) -> HttpResponse:
    f = _stats_filter(request)
    dimension = request.GET.get("dimension", "department")
    if dimension not in selectors.DIMENSIONS:
        dimension = "department"
    scope = selectors.rating_scope(request.user)
    totals = selectors.rating_totals(f, scope)
    rows = selectors.rating_breakdown(dimension, f, scope)
    months = selectors.rating_breakdown("month", f, scope) if dimension != "month" else rows
    channels = selectors.rating_breakdown("channel", f, scope) if dimension != "channel" else rows
    table = [{"label": r["label"], "cells": [_fmt(k, r.get(k)) for k, _label in STAT_COLUMNS]} for r in rows]
    charts = _stat_charts(totals, months, channels, rows, dimension)
    return render(request, "feedback/stats.html", {
        "filter": f, "dimension": dimension, "dimensions": selectors.DIMENSIONS.items(), "totals": totals,
        "cards": [(label, _fmt(k, totals.get(k)), selectors.FORMULAS.get(k, ""))
                  for k, label in STAT_COLUMNS if k in ("services", "active", "default", "active_rate", "good_rate",
                                                        "very_rate", "satisfaction_rate", "bad_rate", "fix_rate",
                                                        "score")],
        "columns": [label for _k, label in STAT_COLUMNS], "table": table, "formulas": selectors.FORMULAS.values(),
        "charts": charts, "channels": Channel.choices, "departments": _departments(request.user),
        "query": request.GET.urlencode(), "is_supervisor": has_role(request.user, Role.SUPERVISOR)})


def _stat_charts(totals: dict, months: list[dict], channels: list[dict], rows: list[dict], dimension: str) -> list[str]:
    from onewindow.core.charts import figure_json

    month_labels = [r["label"] for r in months]
    trend = {
        "data": [
            {"type": "bar", "name": str(_("主动评价")), "x": month_labels, "y": [r["active"] for r in months]},
            {"type": "bar", "name": str(_("默认评价")), "x": month_labels, "y": [r["default"] for r in months]},
            {"type": "scatter", "mode": "lines+markers", "name": str(_("好评率")), "x": month_labels,
             "y": [r["good_rate"] for r in months], "yaxis": "y2"},
        ],
        "layout": {"title": {"text": str(_("各月评价数与好评率"))}, "barmode": "stack",
                   "xaxis": {"type": "category"},
                   "yaxis2": {"overlaying": "y", "side": "right", "tickformat": ".1%", "range": [0, 1.05]},
                   "legend": {"orientation": "h"}, "margin": {"l": 40, "r": 48, "t": 40, "b": 40}},
    }
    levels = {
        "data": [{"type": "pie", "hole": 0.45, "sort": False, "textposition": "inside", "textinfo": "percent",
                  "labels": [str(lv.label) for lv in Level],
                  "values": [totals["very"], totals["satisfied"], totals["basic"], totals["dissatisfied"],
                             totals["very_dissatisfied"]],
                  "marker": {"colors": ["#1e8449", "#52a370", "#1b4f8f", "#d68910", "#c0392b"]}}],
        "layout": {"title": {"text": str(_("主动评价等级构成"))}, "margin": {"l": 16, "r": 16, "t": 40, "b": 16}},
    }
    by_channel = {
        "data": [{"type": "bar", "x": [str(r["label"])[:8] for r in channels], "y": [r["services"] for r in channels]}],
        "layout": {"title": {"text": str(_("按评价渠道"))}, "margin": {"l": 40, "r": 16, "t": 40, "b": 60},
                   "xaxis": {"type": "category", "automargin": True}},
    }
    top = sorted(rows, key=lambda r: -r["services"])[:15]
    by_dim = {
        "data": [{"type": "bar", "orientation": "h",
                  "y": [_short(str(r["label"])) for r in top][::-1],
                  "x": [r["services"] for r in top][::-1], "name": str(_("服务数"))}],
        "layout": {"title": {"text": str(_("按%(d)s的服务数") % {"d": selectors.DIMENSIONS[dimension]})},
                   "yaxis": {"automargin": True}, "margin": {"l": 16, "r": 16, "t": 40, "b": 30}},
    }
    return [figure_json(fig) for fig in (trend, levels, by_channel, by_dim)]


def _short(label: str) -> str:
    for prefix, short in (("国家税务总局厦门市", ""), ("厦门市湖里区", "湖里"), ("厦门市", ""), ("福安市", "福安")):
        if label.startswith(prefix) and len(label) > len(prefix) + 2:
            label = short + label[len(prefix):]
            break
    return label[:16]


@allow(*STAFF)
def stats_export(request: HttpRequest) -> HttpResponse:
    f = _stats_filter(request)
    scope = selectors.rating_scope(request.user)
    headers = [str(_("维度值"))] + [str(label) for _k, label in STAT_COLUMNS]
    sheets: dict[str, tuple[list[str], list[list[object]]]] = {}
    totals = selectors.rating_totals(f, scope)
    sheets[str(_("合计"))] = (headers, [[str(_("合计"))] + [_fmt(k, totals.get(k)) for k, _l in STAT_COLUMNS]])
    for dim, label in selectors.DIMENSIONS.items():
        rows = selectors.rating_breakdown(dim, f, scope)
        sheets[str(label)] = (headers, [[str(r["label"])] + [_fmt(k, r.get(k)) for k, _l in STAT_COLUMNS]
                                        for r in rows])
    sheets[str(_("公式说明"))] = ([str(_("指标")), str(_("公式"))],
                              [[k, str(v)] for k, v in selectors.FORMULAS.items()])
    return xlsx_response(f"好差评统计_{f.start}_{f.end}.xlsx", sheets)


@allow(Role.SUPERVISOR)
def provincial_download(request: HttpRequest) -> HttpResponse:
    f = _stats_filter(request)
    qs = selectors.ratings_list(user=request.user, filters=f)
    response = StreamingHttpResponse(exports.provincial_lines(qs, include_default=request.GET.get("default") == "1"),
                                     content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="haochaping_{f.start}_{f.end}.jsonl"'
    audit_log(actor=request.user, action="feedback.provincial_export", target_type="feedback.rating")
    return response


# ---------------------------------------------------------------- rectification


@allow(*STAFF)
def rectifications(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    view = request.GET.get("view", "open")
    qs = selectors.rectifications_list(user=request.user, state=state if state in RectState.values else "",
                                       overdue_only=view == "overdue", open_only=view == "open")
    page = Paginator(qs, 50).get_page(page_param(request.GET.get("page")))
    rows = [{"rec": rec, "overdue": selectors.is_overdue(rec),
             "reasons": [f"{c} {REASON_LABELS.get(c, '')}" for c in rec.rating.reasons]} for rec in page]
    counts = {
        "open": selectors.rectifications_list(user=request.user, open_only=True).count(),
        "overdue": selectors.rectifications_list(user=request.user, overdue_only=True).count(),
    }
    return render(request, "feedback/rectifications.html", {
        "page": page, "rows": rows, "view": view, "state": state, "states": RectState.choices, "counts": counts,
        "is_supervisor": has_role(request.user, Role.SUPERVISOR)})


@allow(*STAFF)
def rectification(request: HttpRequest, rect_id: int) -> HttpResponse:
    if not selectors.rectifications_list(user=request.user).filter(pk=rect_id).exists():
        raise Http404
    errors: dict[str, str] = {}
    action = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        step = services.RECT_STEPS.get(action)
        kwargs: dict[str, Any] = {"rect_id": rect_id, "actor": request.user}
        p = request.POST
        extra = {
            "verify": {"note": p.get("note", "")},
            "appeal": {"reason": p.get("reason", "")},
            "review": {"accept": p.get("accept") == "1", "note": p.get("note", "")},
            "dispose": {"disposition": p.get("disposition", ""), "measures": p.get("measures", ""),
                        "workdays": _int(p.get("workdays"), "workdays")},
            "complete": {"measures": p.get("measures", "")},
            "callback": {"method": p.get("method", ""), "outcome": p.get("outcome", "")},
            "close": {"note": p.get("note", "")},
        }.get(action)
        if step is None or extra is None:
            errors = {"all": str(_("没有这个操作"))}
        else:
            try:
                rec = step(**kwargs, **extra)
            except ServiceError as exc:
                errors = _error_dict(exc)
            else:
                messages.success(request, _("已办理：%(s)s") % {"s": rec.get_state_display()})
                return redirect("feedback:rectification", rect_id=rect_id)
    rec = selectors.rectification_detail(rect_id)
    assert rec is not None
    rating = rec.rating
    contact = None
    if not rating.anonymous and rec.state == RectState.RECTIFIED and services.can_work_rectification(request.user, rec):
        contact = {"name": rating.rater_name, "phone": rating.rater_phone}
        audit_log(actor=request.user, action="feedback.rater_contact_view", target=rec)
    can_work = services.can_work_rectification(request.user, rec)
    return render(request, "feedback/rectification.html", {
        "rec": rec, "rating": rating, "overdue": selectors.is_overdue(rec), "errors": errors, "action": action,
        "reasons": [f"{c} {REASON_LABELS.get(c, '')}" for c in rating.reasons], "contact": contact,
        "can_work": can_work, "is_supervisor": has_role(request.user, Role.SUPERVISOR),
        "is_clerk_of": rating.clerk_id == request.user.pk, "dispositions": Disposition.choices,
        "can_appeal": services.can_appeal_rectification(request.user, rec),
        "methods": CallbackMethod.choices, "fix_workdays": services.conf("BAD_REVIEW_FIX_WORKDAYS", 15),
        "events": [{"e": e, "label": services.RECT_ACTIONS_LABELS.get(e.action, e.action),
                    "actor": _clerk_name(e.actor) if e.actor else _("系统/群众")} for e in rec.events.all()],
        "rater": selectors.rater_display(rating), "post": request.POST if errors else {}})


# ---------------------------------------------------------------- citizen voice

INTAKE_CHANNELS = (VoiceChannel.HALL_DESK, VoiceChannel.CANT_DO, VoiceChannel.PHONE, VoiceChannel.WEB)


@allow(PUBLIC)
def suggest(request: HttpRequest) -> HttpResponse:
    """The web form (public) and, for staff, the intake form of the hall desk, 办不成事 window and phone."""
    staff = has_role(request.user, *STAFF)
    categories = list(SuggestionCategory.objects.filter(active=True))
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"channel": VoiceChannel.CANT_DO if request.GET.get("cant") else ""}
    if request.method == "POST":
        p = request.POST
        values = {k: p.get(k, "") for k in ("category", "kind", "title", "description", "citizen_name", "phone",
                                             "address", "channel", "idempotency_key")}
        channel = values["channel"] if staff and values["channel"] in VoiceChannel.values else VoiceChannel.WEB
        try:
            if not staff:
                rate_limit(request, scope="feedback.suggest", limit=10, per_seconds=600)
            s = services.suggestion_submit(
                data=services.SuggestionInput(category=values["category"], description=values["description"],
                                              kind=values["kind"] or "suggestion", title=values["title"],
                                              citizen_name=values["citizen_name"], phone=values["phone"],
                                              address=values["address"], channel=channel),
                actor=request.user, idempotency_key=values["idempotency_key"] or None,
                idempotency_scope=_form_scope(request), phone_required=True)
        except ServiceError as exc:
            errors = _error_dict(exc)
        else:
            return render(request, "feedback/suggest_done.html", {"s": s, "staff": staff})
    return render(request, "feedback/suggest.html", {
        "categories": categories, "kinds": SuggestionKind.choices, "errors": errors, "values": values,
        "staff": staff, "channels": [(c.value, c.label) for c in INTAKE_CHANNELS],
        "idempotency_key": values.get("idempotency_key") or uuid.uuid4().hex},
        status=400 if errors else 200)


def _form_scope(request: HttpRequest) -> str:
    """A form's idempotency scope: the signed-in user, else this browser's session (never a shared address)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if not request.session.session_key:
        request.session.save()
    return f"session:{request.session.session_key}"


@allow(PUBLIC)
def lookup(request: HttpRequest) -> HttpResponse:
    result, errors = None, {}
    number = request.POST.get("number", request.GET.get("number", ""))
    if request.method == "POST":
        try:
            rate_limit(request, scope="feedback.lookup", limit=20, per_seconds=300)
            result = services.suggestion_lookup(number=number, phone_last4=request.POST.get("phone_last4", ""))
        except ServiceError as exc:
            errors = _error_dict(exc)
    return render(request, "feedback/lookup.html", {
        "s": result, "replies": list(result.replies.all()) if result else [], "errors": errors, "number": number},
        status=(404 if "number" in errors and not result else 400) if errors else 200)


@allow(*DEPT_STAFF)
def suggestions(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    qs = selectors.suggestions_list(user=request.user, state=state if state in SuggestionState.values or
                                    state == "open" else "", category=request.GET.get("category", ""),
                                    department_id=_int(request.GET.get("department"), "department"),
                                    overdue_only=request.GET.get("overdue") == "1", q=request.GET.get("q", ""))
    page = Paginator(qs, 50).get_page(page_param(request.GET.get("page")))
    rows = [{"s": s, "overdue": selectors.suggestion_overdue(s), "phone": mask_phone(s.phone)} for s in page]
    return render(request, "feedback/suggestions.html", {
        "page": page, "rows": rows, "state": state, "states": SuggestionState.choices,
        "categories": SuggestionCategory.objects.all(), "departments": _departments(request.user),
        "is_supervisor": has_role(request.user, Role.SUPERVISOR)})


@allow(*DEPT_STAFF)
def suggestion(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    if not selectors.suggestions_list(user=request.user).filter(pk=suggestion_id).exists():
        raise Http404
    errors: dict[str, str] = {}
    if request.method == "POST":
        p, user = request.POST, request.user
        action = p.get("action", "")
        try:
            if action == "answer":
                services.suggestion_answer(suggestion_id=suggestion_id, actor=user, disposition=p.get("disposition", ""),
                                           text=p.get("text", ""), plan_due_on=_date(p.get("plan_due_on"), "plan_due_on"))
            elif action == "complete":
                services.suggestion_complete(suggestion_id=suggestion_id, actor=user, text=p.get("text", ""))
            elif action == "close":
                services.suggestion_close(suggestion_id=suggestion_id, actor=user, note=p.get("note", ""))
            elif action == "reassign":
                services.suggestion_reassign(suggestion_id=suggestion_id, actor=user,
                                             department_id=_int(p.get("department"), "department") or 0, note=p.get("note", ""))
            elif action in ("publish", "unpublish"):
                services.suggestion_publish(suggestion_id=suggestion_id, actor=user, public=action == "publish",
                                            note=p.get("note", ""))
            else:
                raise ServiceError(_("没有这个操作"), field="action")
        except ServiceError as exc:
            errors = _error_dict(exc)
        else:
            messages.success(request, _("已办理"))
            if not selectors.suggestions_list(user=request.user).filter(pk=suggestion_id).exists():
                return redirect("feedback:suggestions")
            return redirect("feedback:suggestion", suggestion_id=suggestion_id)
    s = selectors.suggestion_detail(suggestion_id)
    assert s is not None
    can_work = services.can_work_suggestion(request.user, s)
    if s.phone and can_work:
        audit_log(actor=request.user, action="feedback.suggestion_view_full", target=s)
    return render(request, "feedback/suggestion.html", {
        "s": s, "errors": errors, "post": request.POST if errors else {}, "can_work": can_work,
        "overdue": selectors.suggestion_overdue(s), "dispositions": Disposition.choices,
        "is_supervisor": has_role(request.user, Role.SUPERVISOR),
        "departments": Department.objects.order_by("sort_order", "code"),
        "events": [{"e": e, "actor": _clerk_name(e.actor) if e.actor else _("系统/群众")} for e in s.events.all()]},
        status=400 if errors else 200)


@allow(Role.SUPERVISOR, Role.CLERK, Role.DEPARTMENT_HEAD)
def suggestions_import(request: HttpRequest) -> HttpResponse:
    errors: list[Any] = []
    created = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ServiceError(_("请选择要导入的 Excel 文件"), field="file")
            created = services.suggestion_import_survey(file=upload, actor=request.user)
        except ServiceError as exc:
            errors = [exc.message] + [p.message for p in exc.problems if p.message != exc.message]
    return render(request, "feedback/suggestions_import.html", {
        "errors": errors, "created": created, "columns": services.SURVEY_COLUMNS}, status=400 if errors else 200)


@allow(Role.SUPERVISOR, Role.CLERK, Role.DEPARTMENT_HEAD)
def suggestions_import_template(request: HttpRequest) -> HttpResponse:
    sample = [[clock.today(), "林晓梅", "13812345678", "hall-env", "大厅座椅不舒服，等候时间长坐着累", "建议"]]
    return xlsx_response("回访调查导入模板.xlsx", {"回访调查": (services.SURVEY_COLUMNS, sample)})


def _month(request: HttpRequest) -> tuple[int, int]:
    today = clock.today()
    try:
        y, m = (int(x) for x in request.GET.get("month", "").split("-"))
        if 2000 <= y <= 2100 and 1 <= m <= 12:
            return y, m
    except ValueError:
        pass
    return today.year, today.month


@allow(*DEPT_STAFF)
def suggestions_report(request: HttpRequest) -> HttpResponse:
    year, month = _month(request)
    report = selectors.monthly_report(year=year, month=month, user=request.user)
    from onewindow.core.charts import figure_json

    mix = figure_json({"data": [{"type": "pie", "hole": .45, "labels": [str(d["label"]) for d in report["dispositions"]],
                                 "values": [d["count"] for d in report["dispositions"]]}],
                       "layout": {"title": {"text": str(_("处置方式构成"))}, "margin": {"l": 16, "r": 16, "t": 40, "b": 16}}})
    cats = report["by_category"]
    volume = figure_json({"data": [{"type": "bar", "x": [str(c["label"]) for c in cats], "y": [c["received"] for c in cats],
                                    "name": str(_("受理量"))}],
                          "layout": {"title": {"text": str(_("按类别受理量"))}, "yaxis": {"tickformat": ",d"},
                                     "margin": {"l": 40, "r": 16, "t": 40, "b": 90}}})
    return render(request, "feedback/suggestions_report.html", {
        "r": report, "month": f"{year:04d}-{month:02d}", "charts": [volume, mix],
        "formulas": selectors.MONTHLY_FORMULAS.values()})


@allow(*DEPT_STAFF)
def suggestions_report_export(request: HttpRequest) -> HttpResponse:
    year, month = _month(request)
    r = selectors.monthly_report(year=year, month=month, user=request.user)
    head = [str(x) for x in (_("分组"), _("受理"), _("已答复"), _("按期答复"), _("按期答复率"), _("已办结"),
                             _("立行立改"), _("限期整改"), _("解释说明"), _("超期未答复"))]

    def table(groups: list[dict]) -> list[list[object]]:
        return [[str(g["label"]), g["received"], g["answered"], g["on_time"], _fmt("on_time_rate", g["on_time_rate"]),
                 g["closed"], g["fix_now"], g["fix_deadline"], g["explain"], g["overdue_open"]] for g in groups]

    detail_head = [str(x) for x in (_("编号"), _("受理时间"), _("类别"), _("渠道"), _("内容"), _("反映人"), _("电话"),
                                    _("责任单位"), _("状态"), _("处置方式"), _("答复期限"), _("首次答复"))]
    detail = [[s.number, timezone.localtime(s.received_at).replace(tzinfo=None), s.category.name, s.get_channel_display(),
               s.description, s.citizen_name[:1] + "*" * max(0, len(s.citizen_name) - 1), mask_phone(s.phone),
               s.department.name if s.department else "", s.get_state_display(), s.get_disposition_display(),
               s.due_on, timezone.localtime(s.answered_at).replace(tzinfo=None) if s.answered_at else ""]
              for s in r["rows"]]
    summary = [[str(_("受理量")), r["received"]], [str(_("已答复")), r["answered"]], [str(_("按期答复")), r["on_time"]],
               [str(_("按期答复率")), _fmt("on_time_rate", r["on_time_rate"])], [str(_("已办结")), r["closed"]]]
    summary += [[str(d["label"]), d["count"]] for d in r["dispositions"]]
    summary += [[str(f), ""] for f in selectors.MONTHLY_FORMULAS.values()]
    return xlsx_response(f"意见建议月报_{year:04d}-{month:02d}.xlsx", {
        str(_("汇总")): ([str(_("指标")), str(_("数值"))], summary),
        str(_("按类别")): (head, table(r["by_category"])),
        str(_("按责任单位")): (head, table(r["by_department"])),
        str(_("按渠道")): (head, table(r["by_channel"])),
        str(_("明细")): (detail_head, detail),
    })
