"""Enterprise profiles and hiring records (用工备案), and the facts a policy's rules are checked against."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.actors import Actor
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict, FieldProblem, ServiceError, collect
from onewindow.enterprise.models import Enterprise, HiringRecord, Industry
from onewindow.enterprise.rules import Facts

# 18 characters: registration authority, kind, region (6 digits), organisation code (9), check character
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
MAX_CAPITAL = Decimal("1e11")
MAX_EMPLOYEES = 10_000_000


def _capital(value: Any) -> Decimal:
    try:
        capital = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("注册资本应为数字（万元）"), field="registered_capital") from None
    if not capital.is_finite() or capital < 0 or capital >= MAX_CAPITAL:
        raise ServiceError(_("注册资本应为 0 至 10¹¹ 万元之间的数字"), field="registered_capital")
    return capital.quantize(Decimal("0.01"))


def _count(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_EMPLOYEES:
        raise ServiceError(_("人数应为 0 至 10,000,000 的整数"), field=field)
    return value


def enterprise_register(*, credit_code: str, name: str, registered_capital: Any, industry: str,
                        founded_on: dt.date, declared_employees: int, actor: Actor, user: Any = None,
                        name_en: str = "") -> Enterprise:
    """Create an enterprise's profile, or update it when the credit code is known (one profile per code)."""
    code = (credit_code or "").strip().upper()
    problems: list[FieldProblem] = []
    if not CREDIT_CODE.match(code):
        problems.append(FieldProblem("credit_code", _("统一社会信用代码应为18位数字或大写字母")))
    if not (name or "").strip():
        problems.append(FieldProblem("name", _("请填写企业名称")))
    if industry not in Industry.values:
        problems.append(FieldProblem("industry", _("请选择行业")))
    if founded_on > clock.today():
        problems.append(FieldProblem("founded_on", _("成立日期不能晚于今天")))
    collect(problems, _("企业信息有误"))
    capital = _capital(registered_capital)
    employees = _count(declared_employees, "declared_employees")
    values = {"name": name.strip()[:200], "name_en": (name_en or "").strip()[:200], "registered_capital": capital,
              "industry": industry, "founded_on": founded_on, "declared_employees": employees}
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().filter(credit_code=code).first()
        if enterprise is None:
            enterprise = Enterprise.objects.create(credit_code=code, user=user, created_at=clock.now(), **values)
            action = "enterprise.register"
        else:
            if user is not None and enterprise.user_id not in (None, user.pk):
                raise Conflict(_("该企业已由其他账号登记"), field="credit_code")
            for key, value in values.items():
                setattr(enterprise, key, value)
            if user is not None:
                enterprise.user = user
            enterprise.save()
            action = "enterprise.update"
        audit_log(actor=actor, action=action, target=enterprise, detail={"credit_code": code})
    return enterprise


def hiring_record_file(*, enterprise: Enterprise, filed_on: dt.date, hired: int, left: int, actor: Actor,
                       reference: str = "") -> HiringRecord:
    _count(hired, "hired")
    _count(left, "left")
    if hired == 0 and left == 0:
        raise ServiceError(_("招用或解除人数至少一项大于0"), field="hired")
    if filed_on > clock.today():
        raise ServiceError(_("备案日期不能晚于今天"), field="filed_on")
    with transaction.atomic():
        record = HiringRecord.objects.create(enterprise=enterprise, filed_on=filed_on, hired=hired, left=left,
                                             reference=(reference or "").strip()[:40])
        audit_log(actor=actor, action="enterprise.hiring_filed", target=enterprise,
                  detail={"hired": hired, "left": left, "reference": record.reference})
    return record


def facts_for(enterprise: Enterprise) -> Facts:
    """What the platform knows: employees from hiring records where the enterprise has filed any, else declared."""
    totals = enterprise.hiring_records.aggregate(hired=Sum("hired"), left=Sum("left"))
    if totals["hired"] is None:
        employees, source = enterprise.declared_employees, "declared"
    else:
        employees, source = max(int(totals["hired"]) - int(totals["left"] or 0), 0), "hiring"
    return Facts(registered_capital=enterprise.registered_capital, employees=employees, employees_source=source,
                 industry=enterprise.industry, founded_on=enterprise.founded_on)
