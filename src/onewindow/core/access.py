"""One door per permission.

Every view and API operation is wrapped in `@allow(...)`, which both checks and *declares* who may use it
(the declaration is kept on the function as `.access` so a test can walk the URL configuration).
Object-level rules live in small `can_*` helpers in the owning app, built on `user_roles` and
`user_department_id` from here.
"""

import functools
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    CITIZEN = "citizen"
    CLERK = "clerk"
    REVIEWER = "reviewer"
    DEPARTMENT_HEAD = "department_head"
    SUPERVISOR = "supervisor"
    CATALOG_ADMIN = "catalog_admin"
    COMMUNITY_WORKER = "community_worker"
    VOLUNTEER = "volunteer"
    OUTLET_STAFF = "outlet_staff"  # a partner outlet (bank branch …) taking applications on the hall's behalf


ROLE_LABELS: dict[str, Any] = {
    Role.CITIZEN: _("办事群众"),
    Role.CLERK: _("综合窗口受理人员"),
    Role.REVIEWER: _("部门审批人员"),
    Role.DEPARTMENT_HEAD: _("部门负责人"),
    Role.SUPERVISOR: _("督查人员"),
    Role.CATALOG_ADMIN: _("事项管理员"),
    Role.COMMUNITY_WORKER: _("社区工作者"),
    Role.VOLUNTEER: _("党员志愿者"),
    Role.OUTLET_STAFF: _("合作网点帮代办人员"),
}

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # any signed-in user

STAFF_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR, Role.CATALOG_ADMIN})


def user_roles(user: Any) -> frozenset[str]:
    """The user's role names (group names). A superuser holds every role. Cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_onewindow_roles", None)
    if cached is not None:
        return cached
    roles = frozenset(Role) if user.is_superuser else frozenset(user.groups.values_list("name", flat=True))
    user._onewindow_roles = roles
    return roles


def has_role(user: Any, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def user_department_id(user: Any) -> int | None:
    """The department a reviewer or department head works for (None for everybody else)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
    return profile.department_id if profile is not None else None


def allow(*who: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare and enforce who may call a view or API operation: PUBLIC, SIGNED_IN or role names."""
    allowed = frozenset(str(w) for w in who)
    if not allowed:
        raise ValueError("allow() needs at least one of PUBLIC, SIGNED_IN or a role")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            check_access(request, allowed)
            return view(request, *args, **kwargs)

        wrapper.access = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorate


class NotSignedIn(PermissionDenied):
    """Raised for anonymous callers of a protected API operation (answered as 401)."""


def check_access(request: HttpRequest, allowed: frozenset[str]) -> None:
    if PUBLIC in allowed:
        return
    user = request.user
    if not user.is_authenticated:
        if request.path.startswith("/api/"):
            raise NotSignedIn(_("请先登录"))
        raise _LoginRedirect(request)
    if SIGNED_IN in allowed:
        return
    if user_roles(user) & allowed:
        return
    raise PermissionDenied(_("您没有权限访问此页面"))


class _LoginRedirect(Exception):
    def __init__(self, request: HttpRequest) -> None:
        self.response = redirect_to_login(request.get_full_path())


class LoginRedirectMiddleware:
    """Turns the anonymous-user signal from `allow` into a redirect to the login page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, _LoginRedirect):
            return exception.response
        return None
