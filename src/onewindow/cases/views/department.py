"""The department's pages: the worklist by urgency, and the case page with the buttons its status allows (each
button is one action of cases.actions, shared with the API)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from onewindow.cases import selectors
from onewindow.cases.actions import run_case_action
from onewindow.cases.models import Case, CaseStatus, DeliveryMethod
from onewindow.cases.services.lifecycle import MAKEUP_OPEN, SPECIAL_KINDS
from onewindow.core.access import SIGNED_IN, Role, allow, user_department_id, user_roles
from onewindow.core.audit import audit_log
from onewindow.core.errors import ServiceError
from onewindow.core.inputs import page_param
from onewindow.core.masking import mask_id_number, mask_phone


@allow(Role.REVIEWER, Role.DEPARTMENT_HEAD)
def worklist_page(request: HttpRequest) -> HttpResponse:
    dept = user_department_id(request.user)
    g = request.GET
    wl = selectors.worklist(department_id=dept, status=g.get("status", "open"), item_code=g.get("item", ""),
                            light=g.get("light", ""), q=g.get("q", ""), page=_page(g.get("page", "1")))
    rows = []
    for c in wl.rows:
        a = c.application.applicant
        light = wl.lights.light(c)
        rows.append({"case": c, "light": light, "light_label": selectors.LIGHT_LABELS[light],
                     "applicant": a.name, "ident": mask_id_number(a.id_number) if a.kind == "person" else a.credit_code})
    params = g.copy()
    params.pop("page", None)
    return render(request, "cases/worklist.html", {
        "wl": wl, "rows": rows, "items": selectors.department_items(dept), "statuses": CaseStatus.choices,
        "f": {k: g.get(k, "") for k in ("status", "item", "light", "q")}, "qs": params.urlencode(),
        "no_department": dept is None,
    })


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
    "withdraw": "撤回",
}
STAFF = frozenset({Role.CLERK, Role.SUPERVISOR, Role.REVIEWER, Role.DEPARTMENT_HEAD})


def _buttons(request: HttpRequest, case: Case) -> list[tuple[str, str]]:
    buttons = [b for b in CASE_BUTTONS.get(CaseStatus(case.status), [])
               if selectors.can_act_on_case(request.user, case, b)]
    if (case.deferred_materials and case.status in MAKEUP_OPEN
            and selectors.can_act_on_case(request.user, case, "makeup-complete")):
        buttons.append("makeup-complete")
    return [(b, ACTION_TITLES[b]) for b in buttons]


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
        "delivery_methods": DeliveryMethod.choices,
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
            raise ServiceError("办件已被他人处理，请刷新后重试", field="version")
        run_case_action(case, action, body, request.user)
        messages.success(request, f"已{ACTION_TITLES.get(action, action)}：{case.number}")
    except ServiceError as exc:
        messages.error(request, "；".join(str(p.message) for p in exc.problems))
    return HttpResponseRedirect(reverse("cases:case", args=[number]))
