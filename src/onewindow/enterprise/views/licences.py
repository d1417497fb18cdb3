"""一业一证 pages: the public verification page the QR code opens; the register, issuing and revoking."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.catalog.models import Department
from onewindow.core.access import PUBLIC, Role, allow
from onewindow.core.errors import ServiceError
from onewindow.core.qr import qr_svg
from onewindow.enterprise import access
from onewindow.enterprise.models import Enterprise, Industry, IndustryLicence
from onewindow.enterprise.selectors import licences as selectors
from onewindow.enterprise.services import licences
from onewindow.enterprise.views.common import date_value, run

STAFF = (Role.CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR)
PERMIT_ROWS = 5


def _qr(request: HttpRequest, licence: IndustryLicence) -> str:
    url = request.build_absolute_uri(reverse("enterprise:verify", args=[licence.token]))
    return mark_safe(qr_svg(url, scale=4))


@allow(PUBLIC)
def verify(request: HttpRequest, token: str) -> HttpResponse:
    licence = selectors.by_token(token)
    if licence is None:
        raise Http404(_("未找到该许可证"))
    return render(request, "enterprise/verify.html", {"v": selectors.verification(licence),
                                                      "qr": _qr(request, licence)})


@allow(*STAFF)
def licence_list(request: HttpRequest) -> HttpResponse:
    return render(request, "enterprise/licences.html", {
        "licences": selectors.licences()[:200], "can_issue": access.can_issue_licence(request.user),
        "industries": Industry.choices, "departments": Department.objects.order_by("sort_order", "code"),
        "enterprises": Enterprise.objects.order_by("name")[:500], "permit_rows": range(PERMIT_ROWS)})


def _permits(request: HttpRequest) -> list[licences.PermitIn]:
    p = request.POST
    out = []
    for i in range(PERMIT_ROWS):
        name, number = p.get(f"permit_name_{i}", "").strip(), p.get(f"permit_number_{i}", "").strip()
        if not name and not number:
            continue
        department = Department.objects.filter(pk=p.get(f"permit_department_{i}") or 0).first() \
            if (p.get(f"permit_department_{i}") or "").isdigit() else None
        if department is None:
            raise ServiceError(_("请选择许可部门"), field=f"permits[{i}].department")
        until = p.get(f"permit_until_{i}", "").strip()
        out.append(licences.PermitIn(name=name, number=number, department=department,
                                     valid_from=date_value(p.get(f"permit_from_{i}"), f"permits[{i}].valid_from"),
                                     valid_until=date_value(until, f"permits[{i}].valid_until") if until else None))
    return out


@allow(Role.CLERK, Role.DEPARTMENT_HEAD)
@require_POST
def licence_issue(request: HttpRequest) -> HttpResponse:
    p = request.POST

    def issue() -> IndustryLicence:
        enterprise = Enterprise.objects.filter(credit_code=p.get("credit_code", "").strip().upper()).first()
        if enterprise is None:
            raise ServiceError(_("未找到该企业"), field="credit_code")
        department = Department.objects.filter(pk=p.get("department") or 0).first() \
            if (p.get("department") or "").isdigit() else None
        if department is None:
            raise ServiceError(_("请选择发证部门"), field="department")
        return licences.licence_issue(enterprise=enterprise, industry=p.get("industry", ""),
                                      title=p.get("title", ""), number=p.get("number", ""), department=department,
                                      permits=_permits(request), actor=request.user)

    return run(request, issue, _("综合许可证已核发"), reverse("enterprise:licences"),
               then=lambda lic: reverse("enterprise:licence_detail", args=[lic.pk]))


@allow(*STAFF)
def licence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(IndustryLicence.objects.select_related("enterprise", "department"), pk=pk)
    return render(request, "enterprise/licence_detail.html", {
        "licence": licence, "v": selectors.verification(licence), "qr": _qr(request, licence),
        "events": licence.events.all(), "can_revoke": access.can_revoke_licence(licence, request.user)})


@allow(Role.REVIEWER, Role.DEPARTMENT_HEAD)
@require_POST
def licence_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(IndustryLicence, pk=pk)
    return run(request, lambda: licences.licence_revoke(licence=licence, reason=request.POST.get("reason", ""),
                                                        actor=request.user),
               _("综合许可证已注销"), reverse("enterprise:licence_detail", args=[pk]))
