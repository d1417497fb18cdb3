"""JSON API for applications, cases and the worklist (mounted at /api/v1/).

POST /api/v1/applications accepts either
- multipart/form-data: a part `payload` holding the JSON below, plus one file part per material named
  `material.<canonical material code>`; or
- application/json: the same JSON with `files: {"<material code>": {"name": "x.pdf", "content_base64": "…"}}`.

payload: {"kind": "bundle"|"item", "code": "…", "answers": {question: option | [options]},
          "applicant": {"kind": "person", "name", "id_number", "phone"} |
                       {"kind": "enterprise", "name", "credit_code", "legal_representative", "contact_name", "contact_phone"},
          "form": {field key: value}, "deferral_promise": false,
          "channel": "online"|"window" (window: clerks only), "checked_materials": [codes seen at the window],
          "ticket_id": null (window: the hall ticket it was taken from, recorded on the application)}
Header `Idempotency-Key`: a retry with the same key and the same content by the same user answers 200 with the
first application (header `Idempotent-Replayed: true`) and creates nothing; a first submission answers 201; the same
key with different content answers 409.

Online submissions are rate-limited per client address and per applicant phone number
(`cases.intake.limit_online_submission`). Case actions: `cases.actions`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from onewindow.cases import selectors
from onewindow.cases.actions import integer, run_case_action
from onewindow.cases.intake import MATERIAL_PREFIX, limit_online_submission, material_uploads
from onewindow.cases.models import (
    APPLICATION_STATUS_LABELS,
    Applicant,
    Application,
    Case,
    Channel,
    derive_application_status,
)
from onewindow.cases.services import bulk, lifecycle
from onewindow.cases.services.submission import application_submit
from onewindow.cases.services.uploads import Upload, upload_from_base64
from onewindow.core.access import SIGNED_IN, Role, allow, user_department_id, user_roles
from onewindow.core.errors import ServiceError
from onewindow.core.idempotency import idempotency_scope
from onewindow.core.inputs import MAX_PAGE
from onewindow.core.masking import mask_id_number, mask_phone

router = Router()

MAX_FILES = 40


def _json(request: HttpRequest, data: Any, status: int = 200) -> HttpResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def case_dict(case: Case, lt: selectors.Lights, *, full: bool = True) -> dict[str, Any]:
    d: dict[str, Any] = {
        "number": case.number,
        "item_code": case.item_code,
        "item_name": case.item_name,
        "status": case.status,
        "status_label": case.get_status_display(),
        "accepted_on": case.accepted_on.isoformat() if case.accepted_on else None,
        "due_date": case.due_date.isoformat() if case.due_date else None,
        "due_provisional": case.due_provisional,
        "light": lt.light(case),
        "version": case.version,
    }
    if full:
        d.update({
            "department": case.department.name if "department" in case._state.fields_cache else case.department_id,
            "promised_limit": case.promised_limit,
            "handling_type": case.handling_type,
            "paused_workdays": case.paused_workdays,
            "makeup_due": case.makeup_due.isoformat() if case.makeup_due else None,
            "result_number": case.result_number,
            "delivery_method": case.delivery_method,
            "delivery_ref": case.delivery_ref,
            "decided_by_system": case.decided_by_system,
        })
    return d


def application_dict(app: Application, *, cases: Sequence[Case] | None = None) -> dict[str, Any]:
    """`cases`: the application's cases when the caller holds them already (its status is derived from them)."""
    lt = selectors.lights()
    a = app.applicant
    status = app.status if cases is None else derive_application_status(c.status for c in cases)
    return {
        "number": app.number,
        "kind": app.kind,
        "code": app.code,
        "name": app.name,
        "channel": app.channel,
        "status": status,
        "status_label": str(APPLICATION_STATUS_LABELS.get(status, status)),
        "submitted_at": app.submitted_at.isoformat(),
        "applicant": {
            "kind": a.kind, "name": a.name,
            "id_number": mask_id_number(a.id_number) if a.id_number else "",
            "credit_code": a.credit_code,
            "phone": mask_phone(a.notify_phone),
        },
        "cases": [case_dict(c, lt) for c in (app.cases.all() if cases is None else cases)],
    }


def _multipart_submission(request: HttpRequest) -> tuple[Any, dict[str, Upload]]:
    raw = request.POST.get("payload", "")
    try:
        payload = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        raise ServiceError(_("payload 不是有效的 JSON"), field="payload") from None
    for name in request.FILES:
        if not name.startswith(MATERIAL_PREFIX):
            raise ServiceError(_("文件字段应命名为 material.<材料编码>"), field=name)
    return payload, material_uploads(request, skip_empty=False)


def _json_submission(request: HttpRequest) -> tuple[Any, dict[str, Upload]]:
    try:
        payload = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ServiceError(_("请求体不是有效的 JSON"), field="body") from None
    raw_files = payload.pop("files", None) or {} if isinstance(payload, dict) else {}
    if not isinstance(raw_files, dict):
        raise ServiceError(_("files 应为 {材料编码: {name, content_base64}}"), field="files")
    files: dict[str, Upload] = {}
    for code, spec in raw_files.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("content_base64"), str):
            raise ServiceError(_("应提供 content_base64"), field=f"materials.{code}")
        files[str(code)] = upload_from_base64(str(spec.get("name") or ""), spec["content_base64"],
                                              field=f"materials.{code}")
    return payload, files


def _parse_submission(request: HttpRequest) -> tuple[dict[str, Any], dict[str, Upload]]:
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
        payload, files = _multipart_submission(request)
    else:
        payload, files = _json_submission(request)
    if not isinstance(payload, dict):
        raise ServiceError(_("payload 应为 JSON 对象"), field="payload")
    if len(files) > MAX_FILES:
        raise ServiceError(_("一次最多上传%(n)d个文件") % {"n": MAX_FILES}, field="files")
    return payload, files


def _body(request: HttpRequest) -> dict[str, Any]:
    """The JSON body of an action (empty body = {}); a form-encoded or multipart body gives its fields."""
    if request.META.get("CONTENT_TYPE", "").startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        return {key: request.POST.get(key) for key in request.POST}
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ServiceError(_("请求体不是有效的 JSON"), field="body") from None
    if not isinstance(body, dict):
        raise ServiceError(_("请求体应为 JSON 对象"), field="body")
    return body


def _dict_field(payload: dict[str, Any], name: str) -> dict[str, Any]:
    value = payload.get(name) or {}
    if not isinstance(value, dict):
        raise ServiceError(_("%(field)s 应为 JSON 对象") % {"field": name}, field=name)
    return value


@router.post("/applications", response={201: dict, 200: dict}, summary="提交申请（一件事或单个事项）")
@allow(SIGNED_IN)
def submit_application(request: HttpRequest) -> HttpResponse:
    payload, files = _parse_submission(request)
    roles = user_roles(request.user)
    channel = str(payload.get("channel") or (Channel.WINDOW if Role.CLERK in roles else Channel.ONLINE))
    if channel == Channel.WINDOW and Role.CLERK not in roles:
        raise ServiceError(_("只有窗口人员可以提交窗口受理的申请"), field="channel", status=403)
    ticket = payload.get("ticket_id")
    if ticket is not None and not isinstance(ticket, int):
        raise ServiceError(_("ticket_id 应为整数"), field="ticket_id")
    checked = payload.get("checked_materials") or []
    if not isinstance(checked, list):
        raise ServiceError(_("checked_materials 应为材料编码列表"), field="checked_materials")
    applicant = _dict_field(payload, "applicant")
    if channel != Channel.WINDOW:
        limit_online_submission(request, applicant)
    result = application_submit(
        actor=request.user, channel=channel, kind=str(payload.get("kind") or ""), code=str(payload.get("code") or ""),
        answers=_dict_field(payload, "answers"), applicant=applicant,
        form=_dict_field(payload, "form"), files=files,
        checked_materials=checked if channel == Channel.WINDOW else [],
        deferral_promise=bool(payload.get("deferral_promise")), idempotency_key=request.headers.get("Idempotency-Key", ""),
        idempotency_scope=idempotency_scope(actor=request.user, request=request),
        ticket_id=ticket if channel == Channel.WINDOW else None)
    if result.created:  # answered from the rows just written: their departments are the one query left
        prefetch_related_objects(result.cases, "department")
        data = application_dict(result.application, cases=result.cases)
    else:
        data = application_dict(Application.objects.select_related("applicant").prefetch_related("cases__department")
                                .get(pk=result.application.pk))
    response = _json(request, data, status=201 if result.created else 200)
    if not result.created:
        response["Idempotent-Replayed"] = "true"
    return response


@router.get("/applications/{number}", response=dict, summary="申请详情（本人、窗口人员或相关部门）")
@allow(SIGNED_IN)
def get_application(request: HttpRequest, number: str) -> dict[str, Any]:
    app = selectors.application_for_user(request.user, number)
    return application_dict(app)


APPLICATION_ACTIONS = ("accept", "supplement", "withdraw")


@router.post("/applications/{number}/{action}", response=dict, summary="整件操作：受理、一次性告知补正、撤回")
@allow(SIGNED_IN)
def application_action(request: HttpRequest, number: str, action: str) -> dict[str, Any]:
    app = selectors.application_for_user(request.user, number)
    roles = user_roles(request.user)
    body = _body(request)
    if action not in APPLICATION_ACTIONS:
        raise ServiceError(_("未知操作：%(action)s") % {"action": action}, field="action", status=404)
    if action == "withdraw":
        if not (Role.CLERK in roles or selectors.owns_application(request.user, app)):
            raise ServiceError(_("只有申请人本人或窗口人员可以撤回"), field="action", status=403)
        lifecycle.application_withdraw(application=app, actor=request.user, reason=str(body.get("reason") or ""))
    else:
        if Role.CLERK not in roles:
            raise ServiceError(_("只有窗口人员可以整件受理或告知补正"), field="action", status=403)
        if action == "accept":
            lifecycle.application_accept(application=app, actor=request.user)
        else:
            lifecycle.application_request_supplement(application=app, actor=request.user,
                                                     missing=body.get("missing") or [], note=str(body.get("note") or ""))
    return application_dict(selectors.application_for_user(request.user, number))


@router.get("/cases/{number}", response=dict, summary="办件详情（含历史）")
@allow(SIGNED_IN)
def get_case(request: HttpRequest, number: str) -> dict[str, Any]:
    case = selectors.case_for_user(request.user, number)
    data = case_dict(case, selectors.lights())
    data["application"] = case.application.number
    data["events"] = [{"at": e.at.isoformat(), "action": e.action, "from": e.from_status, "to": e.to_status,
                       "actor": e.actor_label, "reason": e.reason} for e in selectors.case_events(case)]
    return data


@router.post("/cases/{number}/{action}", response=dict,
             summary="办件操作：accept|not-accept|supplement|supplement-complete|accept-deferral|makeup-complete|"
                     "start-review|special-start|special-end|approve|deny|complete|deliver|withdraw")
@allow(SIGNED_IN)
def case_action(request: HttpRequest, number: str, action: str) -> dict[str, Any]:
    """Body fields by action: see cases.actions. Optional `version`: refuse with 409 when the case has changed
    since it was read."""
    case = selectors.case_for_user(request.user, number)
    if action not in selectors.ACTION_RULES:
        raise ServiceError(_("未知操作：%(action)s") % {"action": action}, field="action", status=404)
    if not selectors.can_act_on_case(request.user, case, action):
        raise ServiceError(_("您没有权限对该办件执行此操作"), field="action", status=403)
    body = _body(request)
    if body.get("version") is not None and integer(body, "version") != case.version:
        raise ServiceError(_("办件已被他人处理，请刷新后重试"), field="version", status=409)
    run_case_action(case, action, body, request.user)
    case = selectors.case_for_user(request.user, number)
    return case_dict(case, selectors.lights())


@router.get("/worklist", response=dict, summary="本部门待办件，按紧急程度排序（红、黄、绿）")
@allow(Role.REVIEWER, Role.DEPARTMENT_HEAD)
def get_worklist(request: HttpRequest, status: str = "open", item: str = "", light: str = "", q: str = "",
                 page: int = Query(1, ge=1, le=MAX_PAGE), per_page: int = Query(20, ge=1, le=100),
                 mine: bool = False) -> dict[str, Any]:
    wl = selectors.worklist(department_id=user_department_id(request.user), status=status, item_code=item, light=light,
                            q=q, page=page, per_page=per_page, assignee_id=request.user.pk if mine else None)
    return {
        "page": wl.page, "per_page": wl.per_page, "has_next": wl.has_next, "total": wl.total, "pages": wl.pages,
        "results": [{**case_dict(c, wl.lights, full=False), "application": c.application.number,
                     "applicant": _masked_applicant(c.application.applicant)} for c in wl.rows],
    }


@router.post("/worklist/bulk", response=dict,
             summary="批量操作：accept（批量受理）或 assign（部门负责人批量分派，assignee 为本部门审查人员的 id）")
@allow(Role.REVIEWER, Role.DEPARTMENT_HEAD)
def worklist_bulk(request: HttpRequest) -> dict[str, Any]:
    """Body: {"action": "accept"|"assign", "numbers": ["BJ…", …], "assignee": <user id>}. Each case the user may
    not act on is listed under `refused` with the reason; the others are done."""
    body = _body(request)
    numbers = body.get("numbers")
    if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
        raise ServiceError(_("numbers 须为办件编号列表"), field="numbers")
    action = body.get("action")
    if action == "accept":
        result = bulk.cases_accept_bulk(numbers=numbers, actor=request.user)
    elif action == "assign":
        assignee = body.get("assignee")
        result = bulk.cases_assign_bulk(numbers=numbers, assignee_id=assignee if isinstance(assignee, int) else None,
                                        actor=request.user)
    else:
        raise ServiceError(_("action 须为 accept 或 assign"), field="action")
    return {"done": result.done, "refused": [{"number": n, "reason": why} for n, why in result.refused.items()]}


def _masked_applicant(a: Applicant) -> str:
    ident = mask_id_number(a.id_number) if a.kind == "person" else a.credit_code
    return f"{a.name}（{ident}）"
