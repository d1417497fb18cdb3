"""What citizens type, cleaned the same way for ratings and suggestions: phone numbers (a mobile number or a
landline) and one-line fields. Free text loses its control characters through core.validators.clean_text."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from onewindow.core.errors import ServiceError
from onewindow.core.validators import clean_text, validate_mobile


def clean_phone(value: str, field: str, *, required: bool = False) -> str:
    """A mobile number (validated) or a landline (固定电话, 7–12 digits not starting with 1); '' when empty."""
    value = (value or "").strip()
    if not value:
        if required:
            raise ServiceError(_("请填写联系电话"), field=field)
        return ""
    digits = re.sub(r"[\s-]", "", value)
    if digits.isdigit() and 7 <= len(digits) <= 12 and not digits.startswith("1"):
        return digits
    try:
        return validate_mobile(value)
    except ValidationError as exc:
        raise ServiceError(exc.messages[0], field=field) from exc


def one_line(value: object, limit: int) -> str:
    """A one-line field (a name, a title, an address): no line breaks, tabs or runs of spaces, at most `limit`."""
    return " ".join(clean_text(value).split())[:limit]
