"""Password rules (AUTH_PASSWORD_VALIDATORS): staff accounts need longer passwords than citizens.

Staff are users holding a staff role (`onewindow.core.access.STAFF_ROLES`), Django's `is_staff` or a superuser.
An account that is not saved yet (the admin's "add user" page, `createsuperuser`) cannot show its roles, so it
gets the staff minimum: a citizen account may be created with a longer password, never a staff account with a
shorter one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from onewindow.core.access import STAFF_ROLES, user_roles


def is_staff_account(user: Any) -> bool:
    if user is None or getattr(user, "pk", None) is None:
        return True
    if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
        return True
    roles = user_roles(user) if getattr(user, "is_authenticated", False) else frozenset()
    return bool(roles & STAFF_ROLES)


class RoleMinimumLengthValidator:
    """At least `staff_min` characters for staff accounts and `citizen_min` for everyone else."""

    def __init__(self, staff_min: int = 10, citizen_min: int = 8) -> None:
        self.staff_min = staff_min
        self.citizen_min = citizen_min

    def minimum_for(self, user: Any) -> int:
        return self.staff_min if is_staff_account(user) else self.citizen_min

    def validate(self, password: str, user: Any = None) -> None:
        minimum = self.minimum_for(user)
        if len(password) < minimum:
            raise ValidationError(
                _("密码太短，至少需要%(min_length)d个字符") % {"min_length": minimum},
                code="password_too_short",
                params={"min_length": minimum},
            )

    def get_help_text(self) -> str:
        return _("密码至少需要%(citizen)d个字符；工作人员账号至少需要%(staff)d个字符") % {
            "citizen": self.citizen_min, "staff": self.staff_min}
