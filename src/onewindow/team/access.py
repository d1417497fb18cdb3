"""Who manages the window team, and the signed-in member of staff as a User (views are behind `@allow`)."""

from typing import cast

from django.contrib.auth.models import User
from django.http import HttpRequest

from onewindow.core.access import Role

MANAGERS = (Role.SUPERVISOR, Role.DEPARTMENT_HEAD)
STAFF = (Role.CLERK, Role.SUPERVISOR, Role.DEPARTMENT_HEAD)


def me(request: HttpRequest) -> User:
    """The caller; only used behind `@allow(<roles>)`, which lets no anonymous caller through."""
    return cast(User, request.user)
