"""一业一证: an industry comprehensive licence standing for several permits, with one QR code.

The QR code carries a random token (never the id), which opens the public verification page listing every
permit the licence stands for and its status. Issue and revoke are events on the licence.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.core.actors import Actor
from onewindow.core.errors import Conflict, FieldProblem, Forbidden, ServiceError, collect
from onewindow.core.events import record_event, transition
from onewindow.enterprise import access
from onewindow.enterprise.models import Enterprise, Industry, IndustryLicence, LicenceEvent, LicencePermit

L = IndustryLicence.Status
MAX_PERMITS = 30


@dataclass(frozen=True)
class PermitIn:
    name: str
    number: str
    department: Department
    valid_from: dt.date
    valid_until: dt.date | None = None
    name_en: str = ""


def _check_permits(permits: list[PermitIn]) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not 2 <= len(permits) <= MAX_PERMITS:
        problems.append(FieldProblem("permits", _("一张综合许可证应包含 2 至 30 项许可")))
    seen: set[str] = set()
    for i, permit in enumerate(permits):
        if not permit.name.strip():
            problems.append(FieldProblem(f"permits[{i}].name", _("请填写许可名称")))
        if not permit.number.strip():
            problems.append(FieldProblem(f"permits[{i}].number", _("请填写许可编号")))
        elif permit.number.strip() in seen:
            problems.append(FieldProblem(f"permits[{i}].number", _("许可编号重复")))
        seen.add(permit.number.strip())
        if permit.valid_until is not None and permit.valid_until < permit.valid_from:
            problems.append(FieldProblem(f"permits[{i}].valid_until", _("有效期至不能早于有效期自")))
    return problems


def licence_issue(*, enterprise: Enterprise, industry: str, title: str, number: str, department: Department,
                  permits: list[PermitIn], actor: Actor, issued_on: dt.date | None = None,
                  first_in_province: bool = False, title_en: str = "") -> IndustryLicence:
    if not access.can_issue_licence(actor):
        raise Forbidden(_("只有窗口工作人员或部门负责人可以核发综合许可证"), field="licence")
    issued = issued_on or clock.today()
    problems: list[FieldProblem] = []
    if industry not in Industry.values:
        problems.append(FieldProblem("industry", _("请选择行业")))
    if not (title or "").strip():
        problems.append(FieldProblem("title", _("请填写许可证名称")))
    if not (number or "").strip() or len(number.strip()) > 40:
        problems.append(FieldProblem("number", _("许可证编号应为1至40个字符")))
    if issued > clock.today():
        problems.append(FieldProblem("issued_on", _("发证日期不能晚于今天")))
    problems += _check_permits(permits)
    collect(problems, _("综合许可证信息有误"))
    now = clock.now()
    try:
        with transaction.atomic():
            licence = IndustryLicence.objects.create(
                number=number.strip(), title=title.strip()[:200], title_en=(title_en or "").strip()[:200],
                industry=industry, enterprise=enterprise, department=department, issued_on=issued,
                first_in_province=first_in_province, token=secrets.token_urlsafe(24), updated_at=now)
            LicencePermit.objects.bulk_create([
                LicencePermit(licence=licence, name=p.name.strip()[:200], name_en=p.name_en.strip()[:200],
                              number=p.number.strip()[:60], department=p.department, valid_from=p.valid_from,
                              valid_until=p.valid_until) for p in permits])
            record_event(licence, event_model=LicenceEvent, action="issue", actor=actor, to_status=L.VALID, at=now,
                         correlation=licence.number, data={"permits": [p.number.strip() for p in permits]})
    except IntegrityError:
        raise Conflict(_("许可证编号 %(n)s 已存在") % {"n": number.strip()}, field="number") from None
    return licence


def licence_revoke(*, licence: IndustryLicence, reason: str, actor: Actor) -> IndustryLicence:
    if not access.can_revoke_licence(licence, actor):
        raise Forbidden(_("只有发证部门的工作人员可以注销综合许可证"), field="licence")
    if not (reason or "").strip():
        raise ServiceError(_("请填写注销原因"), field="reason")
    with transaction.atomic():
        return transition(licence, to=L.REVOKED, allowed_from={L.VALID}, action="revoke",
                          action_label=_("注销"), actor=actor, event_model=LicenceEvent, reason=reason.strip(),
                          correlation=licence.number, changes={"revoke_reason": reason.strip()})
