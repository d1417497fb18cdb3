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


#: form fields that ask what the applicant block already asks (相同内容只填一次): by applicant kind, the form
#: field's key and the applicant field it repeats. The apply page does not ask them again; the posted applicant's
#: value fills them in for every item of the application.
SHARED_WITH_APPLICANT: dict[str, dict[str, str]] = {
    "person": {"applicant_name": "name", "id_number": "id_number", "mobile": "phone"},
    "enterprise": {"enterprise_name": "name", "credit_code": "credit_code", "legal_rep": "legal_representative",
                   "contact_mobile": "contact_phone"},
}


def shared_fields(notice: Any) -> dict[str, str]:
    """{form field key: the applicant kind for which the applicant block already asks it} for the notice's form
    (the page hides such a field while that kind is chosen)."""
    keys = {f.key for f in notice.fields}
    return {key: kind for kind, pairs in SHARED_WITH_APPLICANT.items() for key in pairs if key in keys}


def form_from_post(post: QueryDict, notice: Any) -> dict[str, str]:
    """The form's values as posted; a field the applicant block already asks takes the applicant's value."""
    values = {f.key: str(post.get(f"form.{f.key}", "")) for f in notice.fields}
    kind = str(post.get("applicant.kind", "") or "person")
    for key, applicant_key in SHARED_WITH_APPLICANT.get(kind, {}).items():
        given = str(post.get(f"applicant.{applicant_key}", "")).strip()
        if key in values and given:
            values[key] = given
    return values


def shared_errors(errors: dict[str, str], post: QueryDict) -> dict[str, str]:
    """A problem with a form field the page did not show (it repeats an applicant field) is shown at the applicant
    field, where the value was typed."""
    kind = str(post.get("applicant.kind", "") or "person")
    out = dict(errors)
    for key, applicant_key in SHARED_WITH_APPLICANT.get(kind, {}).items():
        message = out.pop(f"form.{key}", None)
        if message:
            out.setdefault(f"applicant.{applicant_key}", message)
    return out


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
