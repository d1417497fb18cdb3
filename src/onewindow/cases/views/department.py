"""The department's pages: the worklist by urgency, and the case page with the buttons its status allows (each
button is one action of cases.actions, shared with the API)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.cases import selectors
from onewindow.cases.actions import run_case_action
from onewindow.cases.models import Case, CaseStatus, DeliveryMethod
from onewindow.cases.services import bulk
from onewindow.cases.services.lifecycle import MAKEUP_OPEN, SPECIAL_KINDS
from onewindow.core import clock
from onewindow.core.access import SIGNED_IN, Role, allow, user_department_id, user_roles
from onewindow.core.audit import audit_log
from onewindow.core.errors import ServiceError
from onewindow.core.excel import xlsx_response
from onewindow.core.inputs import page_param
from onewindow.core.masking import mask_id_number, mask_phone

FILTER_KEYS = ("status", "item", "light", "q", "mine")
#: the Excel export holds at most this many rows (a department's open cases fit; the filters narrow the rest)
EXPORT_LIMIT = 5000


def _filters(request: HttpRequest) -> tuple[dict[str, str], selectors.WorklistFilter]:
    g = request.GET
    f = {k: g.get(k, "").strip() for k in FILTER_KEYS}
    mine = request.user.pk if f["mine"] == "1" else None
    return f, selectors.WorklistFilter(status=f["status"] or "open", item_code=f["item"], light=f["light"], q=f["q"],
                                       assignee_id=mine)


def _ident(c: Case) -> str:
    a = c.application.applicant
    return mask_id_number(a.id_number) if a.kind == "person" else a.credit_code


def _assignee_name(c: Case) -> str:
    user = c.assignee
    return (user.profile.display_name or user.username) if user is not None else ""


@allow(Role.REVIEWER, Role.DEPARTMENT_HEAD)
def worklist_page(request: HttpRequest) -> HttpResponse:
    dept = user_department_id(request.user)
    f, wf = _filters(request)
    wl = selectors.worklist(department_id=dept, status=wf.status, item_code=wf.item_code, light=wf.light, q=wf.q,
                            page=_page(request.GET.get("page", "1")), assignee_id=wf.assignee_id)
    rows = []
    for c in wl.rows:
        light = wl.lights.light(c)
        rows.append({"case": c, "light": light, "light_label": selectors.LIGHT_LABELS[light],
                     "applicant": c.application.applicant.name, "ident": _ident(c), "assignee": _assignee_name(c)})
    qs = urlencode({k: v for k, v in f.items() if v})
    head = Role.DEPARTMENT_HEAD in user_roles(request.user)
    return render(request, "cases/worklist.html", {
        "wl": wl, "rows": rows, "items": selectors.department_items(dept), "statuses": CaseStatus.choices,
        "f": f, "qs": qs, "back": urlencode({"wl": qs}) if qs else "", "no_department": dept is None,
        "is_head": head, "staff": selectors.department_staff(dept) if head else [],
    })


@allow(Role.REVIEWER, Role.DEPARTMENT_HEAD)
def worklist_export(request: HttpRequest) -> HttpResponse:
    """The worklist as filtered, as an Excel file (personal numbers masked, like the page)."""
    dept = user_department_id(request.user)
    _f, wf = _filters(request)
    lt = selectors.lights()
    cases = list(selectors.worklist_cases(dept, wf, lt)[:EXPORT_LIMIT])
    header = [_("办件编号"), _("申请编号"), _("事项"), _("申请人"), _("证件号码"), _("状态"), _("时限"),
              _("承诺办结"), _("承办人")]
    body: list[list[object]] = [
        [c.number, c.application.number, c.item_name, c.application.applicant.name, _ident(c),
         c.get_status_display(), selectors.LIGHT_LABELS[lt.light(c)], c.due_date, _assignee_name(c)]
        for c in cases]
    audit_log(actor=request.user, action="cases.worklist_export", detail={"rows": len(body), **_f})
    return xlsx_response(f"待办件-{clock.today():%Y%m%d}.xlsx", {_("待办件"): (header, body)})


@allow(Role.REVIEWER, Role.DEPARTMENT_HEAD)
@require_POST
def worklist_bulk(request: HttpRequest) -> HttpResponse:
    """Accept several cases, or (a head) assign several: each case refused on its own is named, the rest done."""
    post = request.POST
    action = post.get("action", "")
    numbers = post.getlist("case")
    back = reverse("cases:worklist") + (f"?{post['wl']}" if post.get("wl") else "")
    try:
        if action == "accept":
            result = bulk.cases_accept_bulk(numbers=numbers, actor=request.user)
        elif action == "assign":
            raw = post.get("assignee", "")
            result = bulk.cases_assign_bulk(numbers=numbers, assignee_id=int(raw) if raw.isdigit() else None,
                                            actor=request.user)
        else:
            raise ServiceError(_("请选择批量操作"), field="action")
    except ServiceError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(back)
    if result.done:
        messages.success(request, _("已%(act)s %(n)s 个办件：%(numbers)s") % {
            "act": ACTION_TITLES.get(action, _("分派")), "n": len(result.done), "numbers": "、".join(result.done)})
    if result.refused:
        messages.error(request, _("%(n)s 个办件未办理：%(why)s") % {
            "n": len(result.refused), "why": "；".join(f"{n} {why}" for n, why in result.refused.items())})
    return HttpResponseRedirect(back)


def _page(value: str) -> int:
    try:
        return page_param(value)
    except ServiceError:
        return 1


CASE_BUTTONS = {
    CaseStatus.RECEIVED: ["accept", "supplement", "not-accept"],
    CaseStatus.SUPPLEMENT: ["supplement-complete", "not-accept"],
    CaseStatus.ACCEPTED: ["start-review", "approve", "deny", "special-start"],
    CaseStatus.UNDER_REVIEW: ["approve", "deny", "special-start"],
    CaseStatus.SPECIAL_PROCEDURE: ["special-end"],
    CaseStatus.APPROVED: ["complete"],
    CaseStatus.COMPLETED: ["deliver"],
}
ACTION_TITLES = {
    "accept": "受理", "supplement": "一次性告知补正", "not-accept": "不予受理", "supplement-complete": "补正已齐，受理",
    "start-review": "开始审查", "approve": "准予", "deny": "不予批准", "special-start": "进入特别程序",
    "special-end": "结束特别程序", "complete": "办结出件", "deliver": "送达", "makeup-complete": "容缺材料已补齐",
    "withdraw": "撤回", "assign": "分派",
}
STAFF = frozenset({Role.CLERK, Role.SUPERVISOR, Role.REVIEWER, Role.DEPARTMENT_HEAD})


def _buttons(request: HttpRequest, case: Case) -> list[tuple[str, str]]:
    buttons = [b for b in CASE_BUTTONS.get(CaseStatus(case.status), [])
               if selectors.can_act_on_case(request.user, case, b)]
    if (case.deferred_materials and case.status in MAKEUP_OPEN
            and selectors.can_act_on_case(request.user, case, "makeup-complete")):
        buttons.append("makeup-complete")
    return [(b, ACTION_TITLES[b]) for b in buttons]


def _worklist_query(raw: str) -> str:
    """The worklist filters a case page was opened from (only the known keys), to lead back to the same list."""
    got = QueryDict(raw[:500])
    return urlencode({k: got.get(k, "")[:100] for k in FILTER_KEYS if got.get(k)})


def _shown(field: Any, value: Any, full: bool) -> Any:
    """Personal numbers inside the form are masked like the applicant's own unless the full view was asked for."""
    if full or field is None:
        return value
    if field.kind == "id_number":
        return mask_id_number(value)
    if field.kind == "mobile":
        return mask_phone(value)
    return value


@allow(SIGNED_IN)
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_for_user(request.user, number)
    app = case.application
    staff = bool(user_roles(request.user) & STAFF)
    full = request.GET.get("full") == "1" and staff
    if full:
        audit_log(actor=request.user, action="applicant.view_full", target=app.applicant, detail={"case": number})
    lt = selectors.lights()
    light = lt.light(case)
    notice = selectors.application_notice(app)
    fields = {f.key: f for f in notice.fields} if notice is not None else {}
    return render(request, "cases/case.html", {
        "case": case, "app": app, "a": app.applicant, "full": full, "staff": staff,
        "id_masked": mask_id_number(app.applicant.id_number), "phone_masked": mask_phone(app.applicant.notify_phone),
        "light": light, "light_label": selectors.LIGHT_LABELS[light], "days_left": lt.days_left(case),
        "form_rows": [(fields[k].label if k in fields else k, _shown(fields.get(k), v, full))
                      for k, v in app.form_data.items()],
        "materials": selectors.case_materials(case), "events": selectors.case_events(case),
        "buttons": _buttons(request, case), "special_kinds": SPECIAL_KINDS,
        "delivery_methods": DeliveryMethod.choices, "wl": _worklist_query(request.GET.get("wl", "")),
    })


BUTTON_FIELDS = ("reason", "note", "kind", "result", "result_number", "method", "tracking_number", "pickup_code",
                 "opinion")


@allow(SIGNED_IN)
@require_POST
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    case = selectors.case_for_user(request.user, number)
    if action not in selectors.ACTION_RULES or not selectors.can_act_on_case(request.user, case, action):
        raise Http404("action")
    body: dict[str, Any] = {k: request.POST.get(k, "") for k in BUTTON_FIELDS}
    body["missing"] = [line for line in request.POST.get("missing", "").splitlines() if line.strip()]
    if request.POST.get("makeup_days"):
        body["makeup_days"] = request.POST.get("makeup_days")
    version = request.POST.get("version", "")
    try:
        if version and version != str(case.version):
            raise ServiceError(_("办件已被他人处理，请刷新后重试"), field="version")
        run_case_action(case, action, body, request.user)
        messages.success(request, f"已{ACTION_TITLES.get(action, action)}：{case.number}")
    except ServiceError as exc:
        messages.error(request, "；".join(str(p.message) for p in exc.problems))
    wl = _worklist_query(request.POST.get("wl", ""))
    return HttpResponseRedirect(reverse("cases:case", args=[number]) + (f"?{urlencode({'wl': wl})}" if wl else ""))
