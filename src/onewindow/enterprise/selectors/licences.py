"""Reads for industry licences: the register and what the verification page shows."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.enterprise.models import IndustryLicence, LicencePermit


def licences() -> QuerySet[IndustryLicence]:
    return IndustryLicence.objects.select_related("enterprise", "department").annotate(permit_count=Count("permits"))


def by_token(token: str) -> IndustryLicence | None:
    if not token or len(token) > 64:
        return None
    return (IndustryLicence.objects.select_related("enterprise", "department")
            .prefetch_related("permits__department").filter(token=token).first())


def permit_status(licence: IndustryLicence, permit: LicencePermit) -> tuple[str, str]:
    """(code, label): a revoked licence revokes what it stands for; a permit past its date has expired."""
    if licence.status == IndustryLicence.Status.REVOKED:
        return "revoked", _("已注销")
    today = clock.today()
    if permit.valid_from > today:
        return "pending", _("未生效")
    if permit.valid_until is not None and permit.valid_until < today:
        return "expired", _("已过期")
    return "valid", _("有效")


def verification(licence: IndustryLicence) -> dict[str, Any]:
    """What the public verification page and API show: the licence and every permit with its status."""
    permits = []
    for permit in licence.permits.all():
        code, label = permit_status(licence, permit)
        permits.append({"name": permit.name, "name_en": permit.name_en, "number": permit.number,
                        "department": permit.department.name, "department_en": permit.department.name_en,
                        "valid_from": permit.valid_from, "valid_until": permit.valid_until, "status": code,
                        "status_label": label})
    return {"number": licence.number, "title": licence.title, "title_en": licence.title_en,
            "industry": licence.get_industry_display(), "enterprise": licence.enterprise.name,
            "enterprise_en": licence.enterprise.name_en, "credit_code": licence.enterprise.credit_code,
            "department": licence.department.name, "department_en": licence.department.name_en,
            "issued_on": licence.issued_on, "status": licence.status, "status_label": licence.get_status_display(),
            "first_in_province": licence.first_in_province, "permits": permits}
