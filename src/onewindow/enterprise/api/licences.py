"""一业一证 API: public verification by the QR token; the register, issue and revoke for staff."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from onewindow.catalog.models import Department
from onewindow.core.access import PUBLIC, Role, allow
from onewindow.core.errors import FieldProblem, NotFound, ServiceError
from onewindow.core.inputs import BoundedDate
from onewindow.enterprise.models import Enterprise, IndustryLicence
from onewindow.enterprise.selectors import licences as selectors
from onewindow.enterprise.services import licences

router = Router()
STAFF = (Role.CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR)


def _json(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def verification_dict(licence: IndustryLicence) -> dict[str, Any]:
    data = selectors.verification(licence)
    data["permits"] = [{k: _json(v) for k, v in p.items()} for p in data["permits"]]
    return {k: _json(v) for k, v in data.items()}


class PermitSchema(Schema):
    name: str
    number: str
    department: str  # department code
    valid_from: BoundedDate
    valid_until: BoundedDate | None = None


class LicenceIn(Schema):
    credit_code: str
    industry: str
    title: str
    number: str
    department: str
    permits: list[PermitSchema]
    first_in_province: bool = False


class RevokeIn(Schema):
    reason: str


def _department(code: str, field: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise ServiceError(_("未找到该部门：%(c)s") % {"c": code}, field=field)
    return department


@router.get("licences/verify/{token}", summary="综合许可证扫码核验（公开）")
@allow(PUBLIC)
def licence_verify(request: HttpRequest, token: str) -> dict[str, Any]:
    licence = selectors.by_token(token)
    if licence is None:
        raise NotFound(_("未找到该许可证"), field="token")
    return verification_dict(licence)


@router.get("licences", summary="行业综合许可证登记簿")
@allow(*STAFF)
def licence_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"number": lic.number, "title": lic.title, "enterprise": lic.enterprise.name,
             "department": lic.department.name, "issued_on": lic.issued_on.isoformat(), "status": lic.status,
             "permits": getattr(lic, "permit_count", 0), "token": lic.token} for lic in selectors.licences()[:500]]


@router.post("licences", response={201: dict}, summary="核发行业综合许可证")
@allow(Role.CLERK, Role.DEPARTMENT_HEAD)
def licence_issue(request: HttpRequest, payload: LicenceIn) -> Status:
    enterprise = Enterprise.objects.filter(credit_code=payload.credit_code.strip().upper()).first()
    if enterprise is None:
        raise ServiceError(_("未找到该企业：%(c)s") % {"c": payload.credit_code}, field="credit_code")
    permits, problems = [], []
    for i, p in enumerate(payload.permits):
        try:
            permits.append(licences.PermitIn(name=p.name, number=p.number,
                                             department=_department(p.department, f"permits[{i}].department"),
                                             valid_from=p.valid_from, valid_until=p.valid_until))
        except ServiceError as exc:
            problems += exc.problems
    if problems:
        raise ServiceError(_("综合许可证信息有误"), problems=[FieldProblem(p.field, p.message) for p in problems])
    licence = licences.licence_issue(enterprise=enterprise, industry=payload.industry, title=payload.title,
                                     number=payload.number, department=_department(payload.department, "department"),
                                     permits=permits, first_in_province=payload.first_in_province,
                                     actor=request.user)
    return Status(201, verification_dict(licence) | {"token": licence.token})


@router.post("licences/{number}/revoke", summary="注销综合许可证（发证部门）")
@allow(Role.REVIEWER, Role.DEPARTMENT_HEAD)
def licence_revoke(request: HttpRequest, number: str, payload: RevokeIn) -> dict[str, Any]:
    licence = IndustryLicence.objects.select_related("enterprise", "department").filter(number=number).first()
    if licence is None:
        raise NotFound(_("未找到该许可证"), field="number")
    return verification_dict(licences.licence_revoke(licence=licence, reason=payload.reason, actor=request.user))
