"""The citizen's voice in pages: the public form (and the staff's intake of hall-desk, 办不成事 and phone reports),
the citizen's lookup, the unit's worklist and the suggestion page with its steps, the survey import and the
monthly report with its workbook."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.access import PUBLIC, Role, allow, has_role
from onewindow.core.audit import audit_log
from onewindow.core.charts import figure_json
from onewindow.core.errors import ServiceError
from onewindow.core.excel import xlsx_response
from onewindow.core.masking import mask_phone
from onewindow.core.paging import paginate
from onewindow.core.security import rate_limit
from onewindow.feedback.access import can_work_suggestion
from onewindow.feedback.models import Disposition, Suggestion, SuggestionKind, SuggestionState, VoiceChannel
from onewindow.feedback.selectors import suggestions as selectors
from onewindow.feedback.selectors.monthly_report import MONTHLY_FORMULAS, monthly_report
from onewindow.feedback.services import suggestions as services
from onewindow.feedback.services.survey import SURVEY_COLUMNS, suggestion_import_survey
from onewindow.feedback.views.common import (
    DEPT_STAFF,
    STAFF,
    date_filter,
    departments,
    error_dict,
    event_actor,
    fmt,
    int_filter,
)

INTAKE_CHANNELS = (VoiceChannel.HALL_DESK, VoiceChannel.CANT_DO, VoiceChannel.PHONE, VoiceChannel.WEB)
IMPORTERS = (Role.SUPERVISOR, Role.CLERK, Role.DEPARTMENT_HEAD)

# ---------------------------------------------------------------- the citizen's pages


def _form_scope(request: HttpRequest) -> str:
    """A form's idempotency scope: the signed-in user, else this browser's session (never a shared address)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if not request.session.session_key:
        request.session.save()
    return f"session:{request.session.session_key}"


def _submit(request: HttpRequest, values: dict[str, Any], *, staff: bool) -> Suggestion:
    channel = values["channel"] if staff and values["channel"] in VoiceChannel.values else VoiceChannel.WEB
    if not staff:
        rate_limit(request, scope="feedback.suggest", limit=10, per_seconds=600)
    return services.suggestion_submit(
        data=services.SuggestionInput(category=values["category"], description=values["description"],
                                      kind=values["kind"] or "suggestion", title=values["title"],
                                      citizen_name=values["citizen_name"], phone=values["phone"],
                                      address=values["address"], channel=channel),
        actor=request.user, idempotency_key=values["idempotency_key"] or None,
        idempotency_scope=_form_scope(request), phone_required=True)


@allow(PUBLIC)
def suggest(request: HttpRequest) -> HttpResponse:
    """The web form (public) and, for staff, the intake form of the hall desk, 办不成事 window and phone."""
    staff = has_role(request.user, *STAFF)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"channel": VoiceChannel.CANT_DO if request.GET.get("cant") else ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("category", "kind", "title", "description", "citizen_name",
                                                        "phone", "address", "channel", "idempotency_key")}
        try:
            s = _submit(request, values, staff=staff)
        except ServiceError as exc:
            errors = error_dict(exc)
        else:
            return render(request, "feedback/suggestions/form_done.html", {"s": s, "staff": staff})
    return render(request, "feedback/suggestions/form.html", {
        "categories": selectors.suggestion_categories(active_only=True), "kinds": SuggestionKind.choices,
        "errors": errors, "values": values, "staff": staff, "channels": [(c.value, c.label) for c in INTAKE_CHANNELS],
        "idempotency_key": values.get("idempotency_key") or uuid.uuid4().hex},
        status=400 if errors else 200)


@allow(PUBLIC)
def lookup(request: HttpRequest) -> HttpResponse:
    result, errors = None, {}
    number = request.POST.get("number", request.GET.get("number", ""))
    if request.method == "POST":
        try:
            rate_limit(request, scope="feedback.lookup", limit=20, per_seconds=300)
            result = selectors.suggestion_lookup(number=number, phone_last4=request.POST.get("phone_last4", ""))
        except ServiceError as exc:
            errors = error_dict(exc)
    return render(request, "feedback/suggestions/lookup.html", {
        "s": result, "replies": list(result.replies.all()) if result else [], "errors": errors, "number": number},
        status=(404 if "number" in errors and not result else 400) if errors else 200)


# ---------------------------------------------------------------- the unit's pages


@allow(*DEPT_STAFF)
def suggestions(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    qs = selectors.suggestions_list(user=request.user, state=state if state in SuggestionState.values or
                                    state == "open" else "", category=request.GET.get("category", ""),
                                    department_id=int_filter(request.GET.get("department"), "department"),
                                    overdue_only=request.GET.get("overdue") == "1", q=request.GET.get("q", ""))
    page = paginate(qs, page=request.GET.get("page"), per_page=50)
    rows = [{"s": s, "overdue": selectors.suggestion_overdue(s), "phone": mask_phone(s.phone)} for s in page]
    return render(request, "feedback/suggestions/list.html", {
        "page": page, "rows": rows, "state": state, "states": SuggestionState.choices,
        "categories": selectors.suggestion_categories(), "departments": departments(request.user),
        "is_supervisor": has_role(request.user, Role.SUPERVISOR)})


def _act(request: HttpRequest, suggestion_id: int) -> None:
    """The step the suggestion page's form asks for."""
    p, user = request.POST, request.user
    action = p.get("action", "")
    if action == "answer":
        services.suggestion_answer(suggestion_id=suggestion_id, actor=user, disposition=p.get("disposition", ""),
                                   text=p.get("text", ""), plan_due_on=date_filter(p.get("plan_due_on"), "plan_due_on"))
    elif action == "complete":
        services.suggestion_complete(suggestion_id=suggestion_id, actor=user, text=p.get("text", ""))
    elif action == "close":
        services.suggestion_close(suggestion_id=suggestion_id, actor=user, note=p.get("note", ""))
    elif action == "reassign":
        services.suggestion_reassign(suggestion_id=suggestion_id, actor=user,
                                     department_id=int_filter(p.get("department"), "department") or 0,
                                     note=p.get("note", ""))
    elif action in ("publish", "unpublish"):
        services.suggestion_publish(suggestion_id=suggestion_id, actor=user, public=action == "publish",
                                    note=p.get("note", ""))
    else:
        raise ServiceError(_("没有这个操作"), field="action")


@allow(*DEPT_STAFF)
def suggestion(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    if not selectors.suggestions_list(user=request.user).filter(pk=suggestion_id).exists():
        raise Http404
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            _act(request, suggestion_id)
        except ServiceError as exc:
            errors = error_dict(exc)
        else:
            messages.success(request, _("已办理"))
            if not selectors.suggestions_list(user=request.user).filter(pk=suggestion_id).exists():
                return redirect("feedback:suggestions")
            return redirect("feedback:suggestion", suggestion_id=suggestion_id)
    s = selectors.suggestion_detail(suggestion_id)
    assert s is not None
    can_work = can_work_suggestion(request.user, s)
    if s.phone and can_work:
        audit_log(actor=request.user, action="feedback.suggestion_view_full", target=s)
    return render(request, "feedback/suggestions/detail.html", {
        "s": s, "errors": errors, "post": request.POST if errors else {}, "can_work": can_work,
        "overdue": selectors.suggestion_overdue(s), "dispositions": Disposition.choices,
        "is_supervisor": has_role(request.user, Role.SUPERVISOR), "departments": departments(request.user),
        "events": [{"e": e, "actor": event_actor(e.actor_label)} for e in s.events.all()]},
        status=400 if errors else 200)


@allow(*IMPORTERS)
def suggestions_import(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    created = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ServiceError(_("请选择要导入的 Excel 文件"), field="file")
            created = suggestion_import_survey(file=upload, actor=request.user)
        except ServiceError as exc:
            errors = [exc.message] + [p.message for p in exc.problems if p.message != exc.message]
    return render(request, "feedback/suggestions/import.html", {
        "errors": errors, "created": created, "columns": SURVEY_COLUMNS}, status=400 if errors else 200)


@allow(*IMPORTERS)
def suggestions_import_template(request: HttpRequest) -> HttpResponse:
    sample: list[list[object]] = [[clock.today(), "林晓梅", "13812345678", "hall-env", "大厅座椅不舒服，等候时间长坐着累",
                                   "建议"]]
    return xlsx_response("回访调查导入模板.xlsx", {"回访调查": (SURVEY_COLUMNS, sample)})


# ---------------------------------------------------------------- the monthly report


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
    report = monthly_report(year=year, month=month, user=request.user)
    mix = figure_json({"data": [{"type": "pie", "hole": .45, "labels": [str(d["label"]) for d in report["dispositions"]],
                                 "values": [d["count"] for d in report["dispositions"]]}],
                       "layout": {"title": {"text": str(_("处置方式构成"))}, "margin": {"l": 16, "r": 16, "t": 40, "b": 16}}})
    cats = report["by_category"]
    volume = figure_json({"data": [{"type": "bar", "x": [str(c["label"]) for c in cats], "y": [c["received"] for c in cats],
                                    "name": str(_("受理量"))}],
                          "layout": {"title": {"text": str(_("按类别受理量"))}, "yaxis": {"tickformat": ",d"},
                                     "margin": {"l": 40, "r": 16, "t": 40, "b": 90}}})
    return render(request, "feedback/suggestions/report.html", {
        "r": report, "month": f"{year:04d}-{month:02d}", "charts": [volume, mix], "formulas": MONTHLY_FORMULAS.values()})


def _group_rows(groups: list[dict[str, Any]]) -> list[list[object]]:
    return [[str(g["label"]), g["received"], g["answered"], g["on_time"], fmt("on_time_rate", g["on_time_rate"]),
             g["closed"], g["fix_now"], g["fix_deadline"], g["explain"], g["overdue_open"]] for g in groups]


def _detail_row(s: Suggestion) -> list[object]:
    return [s.number, timezone.localtime(s.received_at).replace(tzinfo=None), s.category.name, s.get_channel_display(),
            s.description, s.citizen_name[:1] + "*" * max(0, len(s.citizen_name) - 1), mask_phone(s.phone),
            s.department.name if s.department else "", s.get_state_display(), s.get_disposition_display(),
            s.due_on, timezone.localtime(s.answered_at).replace(tzinfo=None) if s.answered_at else ""]


@allow(*DEPT_STAFF)
def suggestions_report_export(request: HttpRequest) -> HttpResponse:
    year, month = _month(request)
    r = monthly_report(year=year, month=month, user=request.user)
    head = [str(x) for x in (_("分组"), _("受理"), _("已答复"), _("按期答复"), _("按期答复率"), _("已办结"),
                             _("立行立改"), _("限期整改"), _("解释说明"), _("超期未答复"))]
    detail_head = [str(x) for x in (_("编号"), _("受理时间"), _("类别"), _("渠道"), _("内容"), _("反映人"), _("电话"),
                                    _("责任单位"), _("状态"), _("处置方式"), _("答复期限"), _("首次答复"))]
    summary: list[list[object]] = [
        [str(_("受理量")), r["received"]], [str(_("已答复")), r["answered"]], [str(_("按期答复")), r["on_time"]],
        [str(_("按期答复率")), fmt("on_time_rate", r["on_time_rate"])], [str(_("已办结")), r["closed"]]]
    summary += [[str(d["label"]), d["count"]] for d in r["dispositions"]]
    summary += [[str(f), ""] for f in MONTHLY_FORMULAS.values()]
    return xlsx_response(f"意见建议月报_{year:04d}-{month:02d}.xlsx", {
        str(_("汇总")): ([str(_("指标")), str(_("数值"))], summary),
        str(_("按类别")): (head, _group_rows(r["by_category"])),
        str(_("按责任单位")): (head, _group_rows(r["by_department"])),
        str(_("按渠道")): (head, _group_rows(r["by_channel"])),
        str(_("明细")): (detail_head, [_detail_row(s) for s in r["rows"]]),
    })
