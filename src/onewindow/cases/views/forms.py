"""The apply form and the window form as posted: the applicant's fields, the form's fields, and the errors shown
next to each field. The fields are named `applicant.<key>`, `form.<key>` and `material.<code>` (cases.intake)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, QueryDict

from onewindow.cases.models import Application
from onewindow.core.access import Role, user_roles
from onewindow.core.actors import actor_user
from onewindow.core.errors import ServiceError

APPLICANT_KEYS = ("kind", "name", "id_number", "phone", "credit_code", "legal_representative", "contact_name",
                  "contact_phone")


def errors_by_field(exc: ServiceError) -> dict[str, str]:
    """The first message for each field (`__all__` for the request as a whole)."""
    out: dict[str, str] = {}
    for p in exc.problems:
        out.setdefault(p.field or "__all__", str(p.message))
    return out


def applicant_from_post(post: QueryDict) -> dict[str, str]:
    return {k: str(post.get(f"applicant.{k}", "")).strip() for k in APPLICANT_KEYS}


def form_from_post(post: QueryDict, notice: Any) -> dict[str, str]:
    return {f.key: str(post.get(f"form.{f.key}", "")) for f in notice.fields}


def missing_from_post(post: QueryDict) -> list[str]:
    """The supplement list typed one item a line."""
    return [line for line in str(post.get("missing", "")).splitlines() if line.strip()]


def prefilled_applicant(request: HttpRequest) -> dict[str, str]:
    """A signed-in citizen's details from their last application (or their name), to spare typing them again."""
    user = actor_user(request.user)
    if user is None or Role.CITIZEN not in user_roles(user):
        return {"kind": "person"}
    last = Application.objects.filter(submitted_by=user).select_related("applicant").order_by("-submitted_at").first()
    if last is None:
        profile = getattr(user, "profile", None)
        return {"kind": "person", "name": getattr(profile, "display_name", "") if profile is not None else ""}
    a = last.applicant
    return {"kind": a.kind, "name": a.name, "id_number": a.id_number, "phone": a.phone, "credit_code": a.credit_code,
            "legal_representative": a.legal_representative, "contact_name": a.contact_name,
            "contact_phone": a.contact_phone}
