"""The two ways in through other hands: a partner outlet's counter (outlet staff) and the hall's 帮办 desk (a
clerk acting for an elderly citizen, with the citizen's consent). Both pick a single item, type the applicant and
the form, tick the paper materials seen (or attach scans), and submit through intake.services.channels."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.bundles.notice import item_notice
from onewindow.cases.intake import material_uploads
from onewindow.cases.services.submission import SubmitResult
from onewindow.cases.views.forms import applicant_from_post, errors_by_field, form_from_post
from onewindow.catalog.models import ServiceItem
from onewindow.core.access import Role, allow
from onewindow.core.errors import ServiceError
from onewindow.core.paging import paginate
from onewindow.hall.models import Hall
from onewindow.intake import selectors
from onewindow.intake.access import outlet_of
from onewindow.intake.models import ConsentMethod
from onewindow.intake.services import channels

Submit = Callable[[dict[str, Any]], SubmitResult]


@allow(Role.OUTLET_STAFF)
def outlet_home(request: HttpRequest) -> HttpResponse:
    outlet = outlet_of(request.user)
    if outlet is None:
        return render(request, "intake/outlet_home.html", {"outlet": None})  # an account not (yet) placed
    page = paginate(selectors.outlet_applications(outlet), page=request.GET.get("page"), per_page=30)
    return render(request, "intake/outlet_home.html", {
        "outlet": outlet, "page": page, "items": outlet.items.filter(status="published").order_by("code")})


def _form_page(request: HttpRequest, *, template: str, code: str, submit: Submit,
               extra: dict[str, Any]) -> HttpResponse:
    """The item's notice and form; on POST, the submission (400 with every field's problem, nothing changed)."""
    ctx: dict[str, Any] = {"code": code, "errors": {}, "applicant": {"kind": "person"}, "values": {},
                           "checked": set(), "idem": uuid.uuid4().hex, **extra}
    try:
        ctx["notice"] = item_notice(item_code=code)
    except ServiceError as exc:
        ctx["errors"] = errors_by_field(exc)
        return render(request, template, ctx, status=404)
    if request.method != "POST":
        return render(request, template, ctx)
    post = request.POST
    ctx.update({"applicant": applicant_from_post(post), "values": form_from_post(post, ctx["notice"]),
                "checked": set(post.getlist("checked")), "idem": post.get("idem", "")[:64]})
    try:
        result = submit({"applicant": ctx["applicant"], "form": ctx["values"], "files": material_uploads(request),
                         "checked_materials": post.getlist("checked"), "idempotency_key": ctx["idem"]})
    except ServiceError as exc:
        ctx["errors"] = errors_by_field(exc)
        return render(request, template, ctx, status=exc.status)
    messages.success(request, _("已提交，申请编号 %(n)s，请告知申请人凭编号查询进度。") % {"n": result.application.number})
    return HttpResponseRedirect(reverse("intake:application", args=[result.application.number]))


@allow(Role.OUTLET_STAFF)
def outlet_submit(request: HttpRequest) -> HttpResponse:
    outlet = outlet_of(request.user)
    if outlet is None:
        return HttpResponseRedirect(reverse("intake:outlet"))
    code = request.GET.get("item", "")[:36]
    try:
        channels.outlet_item(outlet, code)
    except ServiceError:
        return HttpResponseRedirect(reverse("intake:outlet"))

    def submit(fields: dict[str, Any]) -> SubmitResult:
        return channels.outlet_submit(item_code=code, actor=request.user, **fields)

    return _form_page(request, template="intake/outlet_submit.html", code=code, submit=submit,
                      extra={"outlet": outlet})


def _consent_at(raw: str) -> dt.datetime | None:
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw[:25])
    except ValueError:
        raise ServiceError(_("请填写有效的同意时间"), field="consent_at") from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@allow(Role.CLERK)
def assisted(request: HttpRequest) -> HttpResponse:
    """帮办: choose an item (search), then the form with the citizen's consent."""
    code = request.GET.get("item", "")[:36]
    halls = list(Hall.objects.filter(active=True).order_by("sort_order", "code"))
    if not code:
        q = request.GET.get("q", "").strip()[:50]
        items = (ServiceItem.objects.filter(status="published", name__icontains=q).select_related("department")
                 .order_by("code")[:30]) if q else []
        return render(request, "intake/assisted.html", {
            "q": q, "items": items, "recent": selectors.assisted_applications(limit=20)})
    post = request.POST
    consent = {"consent_method": post.get("consent_method", ""), "consent_witness": post.get("consent_witness", ""),
               "consent_note": post.get("consent_note", ""), "consent_at_raw": post.get("consent_at", ""),
               "hall": post.get("hall", "")}

    def submit(fields: dict[str, Any]) -> SubmitResult:
        hall = next((h for h in halls if h.code == consent["hall"]), None)
        if hall is None:
            raise ServiceError(_("请选择大厅"), field="hall")
        return channels.assisted_submit(
            hall=hall, code=code, consent_method=consent["consent_method"],
            consent_at=_consent_at(consent["consent_at_raw"]), consent_witness=consent["consent_witness"],
            consent_note=consent["consent_note"], actor=request.user, **fields)

    return _form_page(request, template="intake/assisted_submit.html", code=code, submit=submit,
                      extra={"halls": halls, "consent": consent, "methods": ConsentMethod.choices})
