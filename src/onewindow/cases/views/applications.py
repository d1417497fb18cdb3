"""The applicant's pages: apply online, the application page (receipt, progress, actions by role), the receipt PDF,
my applications, the public progress lookup, and the submitted files.

An anonymous applicant's browser session remembers the numbers it submitted (`SESSION_KEY`), so they can see
and withdraw those applications without an account. The rating link on the application and progress pages comes
from the feedback app's template tag (`{% load feedback_links %}`): it is offered only to the applicant.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from onewindow.bundles.answers import answers_from_query
from onewindow.bundles.notice import bundle_notice, item_notice
from onewindow.bundles.spec import load_bundle
from onewindow.cases import selectors
from onewindow.cases.intake import limit_online_submission, material_uploads
from onewindow.cases.models import APPLICATION_STATUS_LABELS, Application, Case, CaseStatus, Channel
from onewindow.cases.services import lifecycle
from onewindow.cases.services.submission import application_submit
from onewindow.cases.services.uploads import EXTENSIONS
from onewindow.cases.views.forms import (
    applicant_from_post,
    errors_by_field,
    form_from_post,
    missing_from_post,
    prefilled_applicant,
    shared_errors,
    shared_fields,
)
from onewindow.cases.views.pending_uploads import forget_uploads, keep_uploads, pending_files, pending_uploads
from onewindow.catalog.models import MaterialNecessity
from onewindow.core.access import PUBLIC, SIGNED_IN, Role, allow, user_roles
from onewindow.core.audit import audit_log
from onewindow.core.errors import ServiceError
from onewindow.core.idempotency import idempotency_scope
from onewindow.core.masking import mask_id_number, mask_phone
from onewindow.core.pdf import PdfDocument, pdf_response
from onewindow.core.qr import qr_svg
from onewindow.core.security import RateLimited, client_key, hashed_key, rate_limit

SESSION_KEY = "ow_cases_numbers"
FINISHED = ("completed", "delivered")  # application statuses that may be rated


def session_numbers(request: HttpRequest) -> list[str]:
    return list(request.session.get(SESSION_KEY, []))


def _remember(request: HttpRequest, number: str) -> None:
    numbers = session_numbers(request)
    if number not in numbers:
        numbers = (numbers + [number])[-20:]
        request.session[SESSION_KEY] = numbers


def _apply_notice(kind: str, code: str, request: HttpRequest) -> tuple[Any, dict[str, list[str]]]:
    if kind == "bundle":
        spec = load_bundle(code)
        answers = answers_from_query(request.GET, spec=spec)
        return bundle_notice(bundle_code=code, answers=answers), answers
    return item_notice(item_code=code), {}


@allow(PUBLIC)
def apply(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Citizen: the notice summary → one merged form → each material once → submit → receipt."""
    try:
        notice, answers = _apply_notice(kind, code, request)
    except ServiceError as exc:
        back = f"/bundles/{code}/" if kind == "bundle" else "/catalog/"
        return render(request, "cases/apply_error.html", {"error": exc, "errors": errors_by_field(exc), "back": back},
                      status=400)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    applicant = prefilled_applicant(request)
    status = 200
    idem = request.POST.get("idem", "")[:64] or uuid.uuid4().hex
    if request.method == "POST":
        applicant = applicant_from_post(request.POST)
        values = form_from_post(request.POST, notice)
        chosen = material_uploads(request)
        kept = pending_uploads(request, idem)  # files kept from a refused try; a newly chosen file replaces one
        try:
            limit_online_submission(request, applicant)
            result = application_submit(
                actor=request.user, channel=Channel.ONLINE, kind=kind, code=code, answers=answers, applicant=applicant,
                form=values, files={**kept, **chosen},
                deferral_promise=request.POST.get("deferral_promise") == "1",
                idempotency_key=idem, idempotency_scope=idempotency_scope(actor=request.user, request=request))
        except ServiceError as exc:
            errors = shared_errors(errors_by_field(exc), request.POST)
            status = exc.status if exc.status in (409, 429) else 400
            keep_uploads(request, idem, chosen, {k.removeprefix("materials.") for k in errors})
        else:
            forget_uploads(request, idem)
            _remember(request, result.application.number)
            messages.success(request, "申请已提交，请保存申请编号，可凭编号和手机尾号查询进度。")
            return HttpResponseRedirect(reverse("cases:application", args=[result.application.number]))
        finally:
            for upload in kept.values():
                upload.file.close()
    return render(request, "cases/apply.html", {
        "notice": notice, "kind": kind, "answers": answers, "errors": errors, "values": values, "applicant": applicant,
        "idem": idem, "pending": pending_files(request, idem), "shared": shared_fields(notice),
        "form_pdf_url": reverse("cases:apply_form_pdf", args=[kind, code]) + _query(request),
        "has_deferrable": any(m.necessity == MaterialNecessity.DEFERRABLE for m in notice.materials),
        "query": request.META.get("QUERY_STRING", ""),
    }, status=status)


def _query(request: HttpRequest) -> str:
    """The page's query string (the bundle's answers: which options apply), to carry on to the form's PDF."""
    query = request.META.get("QUERY_STRING", "")
    return f"?{query}" if query else ""


APPLICANT_ROWS = (
    ("申请人姓名/单位名称", ""), ("居民身份证号码", "个人填写"), ("手机号码", "个人填写，用于接收办理进度短信"),
    ("统一社会信用代码", "企业/法人填写"), ("法定代表人（负责人）", "企业/法人填写"), ("联系人及手机", "企业/法人填写"),
)


@allow(PUBLIC)
def apply_form_pdf(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The 申请表 to print and fill in by hand (一表申请): the applicant once, then every field the chosen items ask
    (the same field once), and the signature. The online form asks the same fields."""
    try:
        notice, _answers = _apply_notice(kind, code, request)
    except ServiceError as exc:
        raise Http404(exc.message) from None
    shared = set(shared_fields(notice))
    doc = PdfDocument(title="申请表", subtitle=notice.name)
    doc.paragraph("一表申请：以下内容只需填写一次，适用于本次申请的全部事项。带 * 的栏目为必填。")
    doc.heading("申请事项")
    doc.table(["办理事项", "办理部门", "承诺时限"],
              [[i.name, i.department_name, "即办" if i.handling_type == "1" else f"{i.promised_limit}个工作日"]
               for i in notice.items], col_widths=[0.5, 0.3, 0.2])
    doc.heading("申请人")
    doc.table(["栏目", "填写内容", "说明"], [[f"{label} *", "", note] for label, note in APPLICANT_ROWS],
              col_widths=[0.28, 0.47, 0.25])
    rows = [[f"{f.label}{' *' if f.required else ''}", "",
             "；".join(filter(None, ["可选：" + "／".join(f.choices) if f.choices else "", f.help]))]
            for f in notice.fields if f.key not in shared]
    if rows:
        doc.heading("申请内容")
        doc.table(["栏目", "填写内容", "说明"], rows, col_widths=[0.28, 0.47, 0.25])
    doc.heading("申请人承诺")
    doc.paragraph("本人（单位）承诺所填内容及所交材料真实、有效，如有虚假，愿承担相应法律责任。")
    doc.spacer(6)
    doc.paragraph("申请人（签字/盖章）：____________________　　日期：______年____月____日")
    return pdf_response(doc.render(), f"申请表-{notice.name}.pdf", inline=False)


def _is_applicant(request: HttpRequest, app: Application) -> bool:
    """The applicant themselves: their account, or (online) the account or browser session that submitted it.
    A window application's submitter is the clerk who took it: not the applicant."""
    user = request.user
    if user.is_authenticated and app.applicant.user_id == user.pk:
        return True
    if app.channel != Channel.ONLINE:
        return False
    return (user.is_authenticated and app.submitted_by_id == user.pk) or app.number in session_numbers(request)


def _progress_url(request: HttpRequest, app: Application) -> str:
    return request.build_absolute_uri(reverse("cases:progress") + f"?number={app.number}")


def _qr(data: str) -> SafeString:
    return mark_safe(qr_svg(data, scale=3))  # an SVG drawn here, not user text


def case_rows(cases: list[Case], lt: selectors.Lights) -> list[dict[str, Any]]:
    return [{"case": c, "light": lt.light(c), "light_label": selectors.LIGHT_LABELS[lt.light(c)],
             "days_left": lt.days_left(c)} for c in cases]


@allow(PUBLIC)
def application_page(request: HttpRequest, number: str) -> HttpResponse:
    """The receipt / application page: number, items, promised dates, QR to progress; actions by role."""
    app = selectors.application_for_user(request.user, number, session_numbers=session_numbers(request))
    roles = user_roles(request.user)
    cases = list(app.cases.all())
    full = request.GET.get("full") == "1" and bool(roles & {Role.CLERK, Role.SUPERVISOR, Role.REVIEWER,
                                                             Role.DEPARTMENT_HEAD})
    if full:
        audit_log(actor=request.user, action="applicant.view_full", target=app.applicant, detail={"application": number})
    status = app.status
    return render(request, "cases/application.html", {
        "app": app, "a": app.applicant, "rows": case_rows(cases, selectors.lights()), "status": status,
        "status_label": APPLICATION_STATUS_LABELS.get(status, status), "full": full,
        "id_masked": mask_id_number(app.applicant.id_number), "phone_masked": mask_phone(app.applicant.notify_phone),
        "qr": _qr(_progress_url(request, app)), "progress_url": _progress_url(request, app),
        "rateable": status in FINISHED, "is_applicant": _is_applicant(request, app),
        "is_clerk": Role.CLERK in roles,
        "is_owner": selectors.owns_application(request.user, app) or app.number in session_numbers(request),
        "can_accept": Role.CLERK in roles and any(c.status == CaseStatus.RECEIVED for c in cases),
        "can_withdraw": any(c.status in lifecycle.WITHDRAWABLE for c in cases),
        "materials": selectors.application_materials(app), "events": selectors.application_events(app),
        "supplements": list(app.supplements.order_by("-requested_at")),
        "missing_default": "\n".join(selectors.missing_material_names(app)),
    })


def _application_act(request: HttpRequest, app: Application, action: str) -> str:
    """Run a whole-application action for the page; the success message (Http404 for what the user may not do)."""
    roles = user_roles(request.user)
    if action == "withdraw":
        if not (Role.CLERK in roles or selectors.owns_application(request.user, app)
                or app.number in session_numbers(request)):
            raise Http404("application")
        lifecycle.application_withdraw(application=app, actor=request.user, reason=request.POST.get("reason", ""))
        return "申请已撤回。"
    if Role.CLERK not in roles:
        raise Http404("action")
    if action == "accept":
        lifecycle.application_accept(application=app, actor=request.user)
        return "已受理。即办件已当场办结。"
    if action == "supplement":
        lifecycle.application_request_supplement(application=app, actor=request.user,
                                                 missing=missing_from_post(request.POST),
                                                 note=request.POST.get("note", ""))
        return "已出具一次性补正告知。"
    raise Http404("action")


@allow(PUBLIC)
@require_POST
def application_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    app = selectors.application_for_user(request.user, number, session_numbers=session_numbers(request))
    try:
        messages.success(request, _application_act(request, app, action))
    except ServiceError as exc:
        messages.error(request, exc.message if len(exc.problems) < 2 else "；".join(p.message for p in exc.problems))
    return HttpResponseRedirect(reverse("cases:application", args=[number]))


@allow(SIGNED_IN)
def mine(request: HttpRequest) -> HttpResponse:
    apps = selectors.my_applications(request.user)
    rows = [{"app": a, "status": a.status, "label": APPLICATION_STATUS_LABELS.get(a.status, a.status)} for a in apps]
    return render(request, "cases/mine.html", {"rows": rows})


PROGRESS_LIMIT = 10  # failed lookups per address per 10 minutes
PROGRESS_SECONDS = 600
#: failed lookups of one application number, from any address, per hour: the last four digits have only 10,000
#: values, so without this many addresses together could try them all for a known number
PROGRESS_NUMBER_LIMIT = 10
PROGRESS_NUMBER_SECONDS = 3600


def _count_failed_lookup(address_key: str, tries: int, number_key: str) -> None:
    cache.set(address_key, tries + 1, PROGRESS_SECONDS)
    if not cache.add(number_key, 1, PROGRESS_NUMBER_SECONDS):
        try:
            cache.incr(number_key)
        except ValueError:
            cache.add(number_key, 1, PROGRESS_NUMBER_SECONDS)


def _progress_lookup(request: HttpRequest, number: str) -> tuple[Application | None, bool, bool]:
    """(application, failed, limited): every lookup counts against the shared public limit, a miss also against
    the address and the number."""
    address_key = f"cases:progress:{client_key(request)}"
    number_key = f"cases:progress:{hashed_key('number', number.strip().upper())}"
    tries = cache.get(address_key, 0)
    try:
        rate_limit(request, scope="cases.progress", limit=3 * PROGRESS_LIMIT, per_seconds=PROGRESS_SECONDS)
    except RateLimited:
        return None, False, True
    if tries >= PROGRESS_LIMIT or cache.get(number_key, 0) >= PROGRESS_NUMBER_LIMIT:
        return None, False, True
    app = selectors.progress_lookup(number=number, phone_last4=request.POST.get("last4", ""))
    if app is None:
        _count_failed_lookup(address_key, tries, number_key)
        return None, True, False
    return app, False, False


@allow(PUBLIC)
def progress(request: HttpRequest) -> HttpResponse:
    """Public lookup by application number + the phone's last four digits. A mismatch reveals nothing: an unknown
    number and a wrong phone answer alike, and both count against the address and against the number."""
    app, failed, limited = None, False, False
    number = request.POST.get("number") or request.GET.get("number", "")
    if request.method == "POST":
        app, failed, limited = _progress_lookup(request, number)
    status = app.status if app else ""
    return render(request, "cases/progress.html", {
        "app": app, "number": number, "failed": failed, "limited": limited,
        "rows": case_rows(list(app.cases.all()), selectors.lights()) if app else [],
        "timeline": selectors.application_events(app) if app else [],
        "status_label": APPLICATION_STATUS_LABELS.get(status, status),
        # number + the phone's last four digits: the holder of the receipt (staff never get the link)
        "rateable": status in FINISHED,
    }, status=429 if limited else 200)


@allow(SIGNED_IN)
def receipt_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """受理通知书 (acceptance receipt) as PDF with a QR code to the progress page (rating once complete)."""
    app = selectors.application_for_user(request.user, number)
    a = app.applicant
    doc = PdfDocument(title="受理通知书", subtitle=app.name)
    doc.facts([
        ("申请编号", app.number),
        ("申请人", a.name),
        ("证件号码", mask_id_number(a.id_number) if a.id_number else a.credit_code),
        ("联系电话", mask_phone(a.notify_phone)),
        ("提交时间", f"{timezone.localtime(app.submitted_at):%Y-%m-%d %H:%M}"),  # local time, as on the page
        ("受理渠道", app.get_channel_display()),
    ])
    doc.heading("办理事项")
    rows = []
    for c in app.cases.all():
        due = f"{c.due_date:%Y-%m-%d}" + ("\n（待定）" if c.due_provisional else "") if c.due_date else "—"
        rows.append([c.number, c.item_name, c.department.short_name or c.department.name, c.get_status_display(),
                     "即办" if c.handling_type == "1" else f"{c.promised_limit}个工作日", due])
    doc.table(["办件编号", "事项", "办理部门", "状态", "承诺时限", "承诺办结日期"], rows,
              col_widths=[0.23, 0.25, 0.15, 0.1, 0.12, 0.15], whole=(0, 5))
    doc.paragraph("您的申请材料已收到并经审查，符合受理条件的事项予以受理。办理时限按工作日计算，自受理次日起算；"
                  "特别程序（听证、检验检测、专家评审等）所需时间不计入办理时限。")
    doc.paragraph("请凭申请编号和手机号码后四位扫码或登录查询办理进度；办结后可对本次服务进行评价（好差评）。")
    doc.qr(_progress_url(request, app), caption="扫码查询进度、评价服务")
    return pdf_response(doc.render(), f"受理通知书-{app.number}.pdf")


@allow(PUBLIC)
def material_download(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a submitted file only to whoever may see it; never from a static path."""
    sm = selectors.material_for_user(request.user, pk, session_numbers=session_numbers(request))
    if request.user.is_authenticated and not selectors.owns_application(request.user, sm.application):
        audit_log(actor=request.user, action="material.download", target=sm, detail={"application": sm.application.number})
    try:
        handle = sm.file.open("rb")
    except FileNotFoundError:
        raise Http404("file") from None
    ext = EXTENSIONS.get(sm.content_type, "bin")
    response = FileResponse(handle, content_type=sm.content_type or "application/octet-stream",
                            as_attachment=sm.content_type == "application/pdf" and request.GET.get("inline") != "1",
                            filename=f"{sm.material.name}.{ext}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
