"""HTML pages for applying, following progress, window acceptance and the department worklist. Thin: each
page calls services (writes) and selectors (reads)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from onewindow.cases import selectors, services
from onewindow.cases.api import limit_online_submission
from onewindow.cases.models import (
    APPLICATION_STATUS_LABELS,
    Application,
    Case,
    CaseStatus,
    Channel,
    DeliveryMethod,
)
from onewindow.core.access import PUBLIC, SIGNED_IN, Role, allow, user_department_id, user_roles
from onewindow.core.audit import audit_log
from onewindow.core.errors import ServiceError
from onewindow.core.idempotency import idempotency_scope
from onewindow.core.masking import mask_id_number, mask_phone
from onewindow.core.security import RateLimited, client_key, hashed_key, rate_limit

SESSION_KEY = "ow_cases_numbers"


def _session_numbers(request: HttpRequest) -> list[str]:
    return list(request.session.get(SESSION_KEY, []))


def _remember(request: HttpRequest, number: str) -> None:
    numbers = _session_numbers(request)
    if number not in numbers:
        numbers = (numbers + [number])[-20:]
        request.session[SESSION_KEY] = numbers


def _errors(exc: ServiceError) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in exc.problems:
        out.setdefault(p.field or "__all__", str(p.message))
    return out


def _notice(kind: str, code: str, request: HttpRequest) -> tuple[Any, dict[str, list[str]]]:
    from onewindow.bundles.answers import answers_from_query
    from onewindow.bundles.notice import bundle_notice, item_notice
    from onewindow.bundles.spec import load_bundle

    if kind == "bundle":
        spec = load_bundle(code)
        answers = answers_from_query(request.GET, spec=spec)
        return bundle_notice(bundle_code=code, answers=answers), answers
    return item_notice(item_code=code), {}


def _applicant_from_post(post: Any) -> dict[str, str]:
    keys = ("kind", "name", "id_number", "phone", "credit_code", "legal_representative", "contact_name", "contact_phone")
    return {k: post.get(f"applicant.{k}", "").strip() for k in keys}


def _form_from_post(post: Any, notice: Any) -> dict[str, str]:
    return {f.key: post.get(f"form.{f.key}", "") for f in notice.fields}


def _files_from_request(request: HttpRequest) -> dict[str, services.Upload]:
    return {name.removeprefix("material."): services.upload_from_django(f)
            for name, f in request.FILES.items() if name.startswith("material.") and f.size}


def _prefill_applicant(request: HttpRequest) -> dict[str, str]:
    user = request.user
    if not user.is_authenticated or Role.CITIZEN not in user_roles(user):
        return {"kind": "person"}
    last = Application.objects.filter(submitted_by=user).select_related("applicant").order_by("-submitted_at").first()
    if last is None:
        name = getattr(getattr(user, "profile", None), "display_name", "") if hasattr(user, "profile") else ""
        return {"kind": "person", "name": name}
    a = last.applicant
    return {"kind": a.kind, "name": a.name, "id_number": a.id_number, "phone": a.phone, "credit_code": a.credit_code,
            "legal_representative": a.legal_representative, "contact_name": a.contact_name,
            "contact_phone": a.contact_phone}


@allow(PUBLIC)
def apply(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Citizen: the notice summary → one merged form → each material once → submit → receipt."""
    try:
        notice, answers = _notice(kind, code, request)
    except ServiceError as exc:
        back = f"/bundles/{code}/" if kind == "bundle" else "/catalog/"
        return render(request, "cases/apply_error.html", {"error": exc, "errors": _errors(exc), "back": back}, status=400)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    applicant = _prefill_applicant(request)
    status = 200
    if request.method == "POST":
        applicant = _applicant_from_post(request.POST)
        values = _form_from_post(request.POST, notice)
        try:
            limit_online_submission(request, applicant)
            result = services.application_submit(
                actor=request.user, channel=Channel.ONLINE, kind=kind, code=code, answers=answers, applicant=applicant,
                form=values, files=_files_from_request(request),
                deferral_promise=request.POST.get("deferral_promise") == "1",
                idempotency_key=request.POST.get("idem", "")[:64],
                idempotency_scope=idempotency_scope(actor=request.user, request=request))
        except ServiceError as exc:
            errors = _errors(exc)
            status = exc.status if exc.status in (409, 429) else 400
        else:
            _remember(request, result.application.number)
            messages.success(request, "申请已提交，请保存申请编号，可凭编号和手机尾号查询进度。")
            return HttpResponseRedirect(reverse("cases:application", args=[result.application.number]))
    return render(request, "cases/apply.html", {
        "notice": notice, "kind": kind, "answers": answers, "errors": errors, "values": values, "applicant": applicant,
        "idem": request.POST.get("idem") or uuid.uuid4().hex, "has_deferrable": any(m.necessity == "3" for m in notice.materials),
        "query": request.META.get("QUERY_STRING", ""),
    }, status=status)


def _rating_link(request: HttpRequest, app: Application, channel: str = "1", *, holder: bool) -> str:
    """The rating link, for the applicant only (never on a staff member's screen: feedback.access decides)."""
    try:
        from onewindow.feedback.access import holder_rating_url

        return holder_rating_url(user=request.user, holder=holder, target_kind="application", target_id=app.pk,
                                 channel=channel)
    except Exception:  # noqa: BLE001 - ratings are optional
        return ""


def _is_applicant(request: HttpRequest, app: Application) -> bool:
    """The applicant themselves: their account, or (online) the account or browser session that submitted it.
    A window application's submitter is the clerk who took it: not the applicant."""
    user = request.user
    if user.is_authenticated and app.applicant.user_id == user.pk:
        return True
    if app.channel != Channel.ONLINE:
        return False
    return (user.is_authenticated and app.submitted_by_id == user.pk) or app.number in _session_numbers(request)


def _progress_url(request: HttpRequest, app: Application) -> str:
    return request.build_absolute_uri(reverse("cases:progress") + f"?number={app.number}")


def _qr(data: str) -> str:
    from onewindow.core.qr import qr_svg

    return mark_safe(qr_svg(data, scale=3))


def _case_rows(cases: list[Case], lt: selectors.Lights) -> list[dict[str, Any]]:
    return [{"case": c, "light": lt.light(c), "light_label": selectors.LIGHT_LABELS[lt.light(c)]} for c in cases]


@allow(PUBLIC)
def application_page(request: HttpRequest, number: str) -> HttpResponse:
    """The receipt / application page: number, items, promised dates, QR to progress; actions by role."""
    app = selectors.application_for_user(request.user, number, session_numbers=_session_numbers(request))
    roles = user_roles(request.user)
    cases = list(app.cases.all())
    lt = selectors.lights()
    full = request.GET.get("full") == "1" and bool(roles & {Role.CLERK, Role.SUPERVISOR, Role.REVIEWER,
                                                             Role.DEPARTMENT_HEAD})
    if full:
        audit_log(actor=request.user, action="applicant.view_full", target=app.applicant, detail={"application": number})
    status = app.status
    return render(request, "cases/application.html", {
        "app": app, "a": app.applicant, "rows": _case_rows(cases, lt), "status": status,
        "status_label": APPLICATION_STATUS_LABELS.get(status, status), "full": full,
        "id_masked": mask_id_number(app.applicant.id_number), "phone_masked": mask_phone(app.applicant.notify_phone),
        "qr": _qr(_progress_url(request, app)), "progress_url": _progress_url(request, app),
        "rating_url": _rating_link(request, app, holder=_is_applicant(request, app))
        if status in ("completed", "delivered") else "",
        "is_clerk": Role.CLERK in roles, "is_owner": selectors.owns_application(request.user, app)
        or app.number in _session_numbers(request),
        "can_accept": Role.CLERK in roles and any(c.status == CaseStatus.RECEIVED for c in cases),
        "can_withdraw": any(c.status in services.WITHDRAWABLE for c in cases),
        "materials": selectors.application_materials(app), "events": selectors.application_events(app),
        "supplements": list(app.supplements.order_by("-requested_at")),
        "missing_default": "\n".join(_missing_names(app)),
    })


def _missing_names(app: Application) -> list[str]:
    from onewindow.bundles.notice import bundle_notice, item_notice

    try:
        if app.kind == "bundle":
            notice = bundle_notice(bundle_code=app.code, answers=app.answers)
        else:
            notice = item_notice(item_code=app.code)
    except ServiceError:
        return []
    have = set(app.submitted_materials.values_list("material_id", flat=True))
    return [m.name for m in notice.materials if m.material_id not in have and m.source != "40" and m.necessity == "1"]


@allow(PUBLIC)
@require_POST
def application_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    app = selectors.application_for_user(request.user, number, session_numbers=_session_numbers(request))
    roles = user_roles(request.user)
    try:
        if action == "withdraw":
            if not (Role.CLERK in roles or selectors.owns_application(request.user, app)
                    or app.number in _session_numbers(request)):
                raise Http404("application")
            services.application_withdraw(application=app, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, "申请已撤回。")
        elif action in ("accept", "supplement") and Role.CLERK in roles:
            if action == "accept":
                services.application_accept(application=app, actor=request.user)
                messages.success(request, "已受理。即办件已当场办结。")
            else:
                missing = [line for line in request.POST.get("missing", "").splitlines() if line.strip()]
                services.application_request_supplement(application=app, actor=request.user, missing=missing,
                                                        note=request.POST.get("note", ""))
                messages.success(request, "已出具一次性补正告知。")
        else:
            raise Http404("action")
    except ServiceError as exc:
        messages.error(request, exc.message if len(exc.problems) < 2 else "；".join(p.message for p in exc.problems))
    return HttpResponseRedirect(reverse("cases:application", args=[number]))


@allow(SIGNED_IN)
def mine(request: HttpRequest) -> HttpResponse:
    apps = selectors.my_applications(request.user)
    rows = [{"app": a, "status": a.status, "label": APPLICATION_STATUS_LABELS.get(a.status, a.status)} for a in apps]
    return render(request, "cases/mine.html", {"rows": rows})


PROGRESS_LIMIT = 10  # failed lookups per address per 10 minutes
#: failed lookups of one application number, from any address, per hour: the last four digits have only 10,000
#: values, so without this many addresses together could try them all for a known number
PROGRESS_NUMBER_LIMIT = 10
PROGRESS_NUMBER_SECONDS = 3600


@allow(PUBLIC)
def progress(request: HttpRequest) -> HttpResponse:
    """Public lookup by application number + the phone's last four digits. A mismatch reveals nothing: an unknown
    number and a wrong phone answer alike, and both count against the address and against the number."""
    app = None
    failed = False
    limited = False
    number = request.POST.get("number") or request.GET.get("number", "")
    if request.method == "POST":
        key = f"cases:progress:{client_key(request)}"
        number_key = f"cases:progress:{hashed_key('number', number.strip().upper())}"
        tries = cache.get(key, 0)
        try:  # every lookup, matched or not, also counts against the shared public limit
            rate_limit(request, scope="cases.progress", limit=3 * PROGRESS_LIMIT, per_seconds=600)
        except RateLimited:
            limited = True
        if limited or tries >= PROGRESS_LIMIT or cache.get(number_key, 0) >= PROGRESS_NUMBER_LIMIT:
            limited = True
        else:
            app = selectors.progress_lookup(number=number, phone_last4=request.POST.get("last4", ""))
            if app is None:
                cache.set(key, tries + 1, 600)
                if not cache.add(number_key, 1, PROGRESS_NUMBER_SECONDS):
                    try:
                        cache.incr(number_key)
                    except ValueError:
                        cache.add(number_key, 1, PROGRESS_NUMBER_SECONDS)
                failed = True
    lt = selectors.lights()
    status = app.status if app else ""
    return render(request, "cases/progress.html", {
        "app": app, "number": number, "failed": failed, "limited": limited,
        "rows": _case_rows(list(app.cases.all()), lt) if app else [],
        "status_label": APPLICATION_STATUS_LABELS.get(status, status),
        # number + the phone's last four digits: the holder of the receipt (staff never get the link)
        "rating_url": _rating_link(request, app, "3", holder=True) if app and status in ("completed", "delivered")
        else "",
    }, status=429 if limited else 200)


# --------------------------------------------------------------------------- clerk

@allow(Role.CLERK)
def clerk_accept(request: HttpRequest) -> HttpResponse:
    """Window acceptance for any item or bundle: pick, answer, applicant, form, check materials, accept or supplement."""
    from onewindow.bundles.answers import answers_from_query
    from onewindow.bundles.notice import bundle_notice, item_notice
    from onewindow.bundles.selectors import list_bundles
    from onewindow.bundles.selectors import preview as preview_of
    from onewindow.bundles.spec import load_bundle
    from onewindow.catalog.models import ServiceItem

    ticket = request.GET.get("ticket", "")
    kind = request.GET.get("kind", "")
    code = request.GET.get("code", "")
    q = request.GET.get("q", "").strip()
    ctx: dict[str, Any] = {"ticket": ticket, "q": q, "kind": kind, "code": code, "errors": {}}
    if not code:
        if q:
            ctx["bundles"] = list_bundles(q=q)[:20]
            ctx["items"] = list(ServiceItem.objects.filter(status="published", name__icontains=q)
                                .select_related("department").order_by("code")[:30])
        else:
            ctx["bundles"] = list_bundles()[:30]
        return render(request, "cases/clerk_accept.html", ctx)
    preview = None
    notice = None
    try:
        if kind == "bundle":
            spec = load_bundle(code)
            answers = answers_from_query(request.GET, spec=spec)
            preview = preview_of(bundle_code=code, answers=answers)
            if preview.complete:
                notice = bundle_notice(bundle_code=code, answers=answers)
        else:
            answers = {}
            notice = item_notice(item_code=code)
    except ServiceError as exc:
        ctx["errors"] = _errors(exc)
        return render(request, "cases/clerk_accept.html", ctx, status=400)
    ctx.update({"preview": preview, "notice": notice, "answers": answers, "applicant": {"kind": "person"}, "values": {},
                "idem": uuid.uuid4().hex, "query": request.META.get("QUERY_STRING", "")})
    if preview is not None:
        ctx["questions"] = [{"q": question, "options": preview.spec.options.get(question.id, []),
                             "chosen": set(answers.get(question.key, []))} for question in preview.evaluation.visible]
    if request.method == "POST" and notice is not None:
        action = request.POST.get("action", "accept")
        applicant = _applicant_from_post(request.POST)
        values = _form_from_post(request.POST, notice)
        checked = request.POST.getlist("checked")
        ctx.update({"applicant": applicant, "values": values, "checked": set(checked), "idem": request.POST.get("idem")})
        try:
            result = services.application_submit(
                actor=request.user, channel=Channel.WINDOW, kind=kind, code=code, answers=answers, applicant=applicant,
                form=values, files=_files_from_request(request), checked_materials=checked,
                deferral_promise=request.POST.get("deferral_promise") == "1", missing_ok=action == "supplement",
                idempotency_key=request.POST.get("idem", "")[:64], ticket_id=int(ticket) if ticket.isdigit() else None)
            app = result.application
            if result.created and action == "supplement":
                missing = [line for line in request.POST.get("missing", "").splitlines() if line.strip()]
                missing = missing or _missing_names(app)
                services.application_request_supplement(application=app, actor=request.user, missing=missing,
                                                        note=request.POST.get("note", ""))
                messages.success(request, "已出具一次性补正告知，申请人补齐后即受理。")
            elif result.created:
                services.application_accept(application=app, actor=request.user)
                messages.success(request, "已受理。即办件已当场办结，请打印受理通知书。")
        except ServiceError as exc:
            ctx["errors"] = _errors(exc)
            return render(request, "cases/clerk_accept.html", ctx, status=400)
        return HttpResponseRedirect(reverse("cases:application", args=[app.number]))
    return render(request, "cases/clerk_accept.html", ctx)


@allow(SIGNED_IN)
def receipt_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """受理通知书 (acceptance receipt) as PDF with a QR code to the progress page (rating once complete)."""
    from onewindow.core.pdf import PdfDocument, pdf_response

    app = selectors.application_for_user(request.user, number)
    a = app.applicant
    doc = PdfDocument(title="受理通知书", subtitle=app.name)
    doc.facts([
        ("申请编号", app.number),
        ("申请人", a.name),
        ("证件号码", mask_id_number(a.id_number) if a.id_number else a.credit_code),
        ("联系电话", mask_phone(a.notify_phone)),
        ("提交时间", f"{app.submitted_at:%Y-%m-%d %H:%M}"),
        ("受理渠道", app.get_channel_display()),
    ])
    doc.heading("办理事项")
    rows = []
    for c in app.cases.all():
        due = f"{c.due_date:%Y-%m-%d}" + ("（待定）" if c.due_provisional else "") if c.due_date else "—"
        rows.append([c.number, c.item_name, c.department.short_name or c.department.name, c.get_status_display(),
                     "即办" if c.handling_type == "1" else f"{c.promised_limit}个工作日", due])
    doc.table(["办件编号", "事项", "办理部门", "状态", "承诺时限", "承诺办结日期"], rows)
    doc.paragraph("您的申请材料已收到并经审查，符合受理条件的事项予以受理。办理时限按工作日计算，自受理次日起算；"
                  "特别程序（听证、检验检测、专家评审等）所需时间不计入办理时限。")
    doc.paragraph("请凭申请编号和手机号码后四位扫码或登录查询办理进度；办结后可对本次服务进行评价（好差评）。")
    doc.qr(_progress_url(request, app), caption="扫码查询进度、评价服务")
    return pdf_response(doc.render(), f"受理通知书-{app.number}.pdf")


# --------------------------------------------------------------------------- reviewer

@allow(Role.REVIEWER, Role.DEPARTMENT_HEAD)
def worklist_page(request: HttpRequest) -> HttpResponse:
    dept = user_department_id(request.user)
    g = request.GET
    try:
        page = int(g.get("page", "1"))
    except ValueError:
        page = 1
    wl = selectors.worklist(department_id=dept, status=g.get("status", "open"), item_code=g.get("item", ""),
                            light=g.get("light", ""), q=g.get("q", ""), page=page)
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


@allow(SIGNED_IN)
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_for_user(request.user, number)
    app = case.application
    roles = user_roles(request.user)
    staff = bool(roles & {Role.CLERK, Role.SUPERVISOR, Role.REVIEWER, Role.DEPARTMENT_HEAD})
    full = request.GET.get("full") == "1" and staff
    if full:
        audit_log(actor=request.user, action="applicant.view_full", target=app.applicant, detail={"case": number})
    buttons = [b for b in CASE_BUTTONS.get(case.status, []) if selectors.can_act_on_case(request.user, case, b)]
    if case.deferred_materials and case.status in (CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW,
                                                   CaseStatus.SPECIAL_PROCEDURE) and selectors.can_act_on_case(
            request.user, case, "makeup-complete"):
        buttons.append("makeup-complete")
    lt = selectors.lights()
    light = lt.light(case)
    fields = {f.key: f for f in _fields_for(app)}
    return render(request, "cases/case.html", {
        "case": case, "app": app, "a": app.applicant, "full": full, "staff": staff,
        "id_masked": mask_id_number(app.applicant.id_number), "phone_masked": mask_phone(app.applicant.notify_phone),
        "light": light, "light_label": selectors.LIGHT_LABELS[light], "days_left": lt.days_left(case),
        "form_rows": [(fields[k].label if k in fields else k, _shown(fields.get(k), v, full)) for k, v in app.form_data.items()],
        "materials": selectors.case_materials(case), "events": selectors.case_events(case),
        "buttons": [(b, ACTION_TITLES[b]) for b in buttons], "special_kinds": services.SPECIAL_KINDS,
        "delivery_methods": DeliveryMethod.choices, "action_labels": services.ACTION_LABEL,
        "status_labels": services.STATUS_LABEL,
    })


def _shown(field: Any, value: Any, full: bool) -> Any:
    """Personal numbers inside the form are masked like the applicant's own unless the full view was asked for."""
    if full or field is None:
        return value
    if field.kind == "id_number":
        return mask_id_number(value)
    if field.kind == "mobile":
        return mask_phone(value)
    return value


def _fields_for(app: Application) -> list[Any]:
    from onewindow.bundles.notice import bundle_notice, item_notice

    try:
        notice = (bundle_notice(bundle_code=app.code, answers=app.answers) if app.kind == "bundle"
                  else item_notice(item_code=app.code))
    except ServiceError:
        return []
    return list(notice.fields)


@allow(SIGNED_IN)
@require_POST
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    from onewindow.cases.api import _run_case_action

    case = selectors.case_for_user(request.user, number)
    if action not in selectors.ACTION_RULES or not selectors.can_act_on_case(request.user, case, action):
        raise Http404("action")
    body: dict[str, Any] = {k: request.POST.get(k, "") for k in (
        "reason", "note", "kind", "result", "result_number", "method", "tracking_number", "pickup_code", "opinion")}
    body["missing"] = [line for line in request.POST.get("missing", "").splitlines() if line.strip()]
    if request.POST.get("makeup_days"):
        body["makeup_days"] = request.POST.get("makeup_days")
    version = request.POST.get("version", "")
    try:
        if version and version != str(case.version):
            raise ServiceError("办件已被他人处理，请刷新后重试", field="version")
        _run_case_action(case, action, body, request.user)
        messages.success(request, f"已{ACTION_TITLES.get(action, action)}：{case.number}")
    except ServiceError as exc:
        messages.error(request, "；".join(str(p.message) for p in exc.problems))
    return HttpResponseRedirect(reverse("cases:case", args=[number]))


@allow(PUBLIC)
def material_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve a submitted file only to whoever may see it; never from a static path."""
    sm = selectors.material_for_user(request.user, pk, session_numbers=_session_numbers(request))
    if request.user.is_authenticated and not selectors.owns_application(request.user, sm.application):
        audit_log(actor=request.user, action="material.download", target=sm, detail={"application": sm.application.number})
    try:
        handle = sm.file.open("rb")
    except FileNotFoundError:
        raise Http404("file") from None
    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(sm.content_type, "bin")
    response = FileResponse(handle, content_type=sm.content_type or "application/octet-stream",
                            as_attachment=sm.content_type == "application/pdf" and request.GET.get("inline") != "1",
                            filename=f"{sm.material.name}.{ext}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
