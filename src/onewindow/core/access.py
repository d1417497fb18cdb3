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
from django.db.models.signals import m2m_changed, post_delete, post_save
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


ROLES_SECONDS = 30  # how long a user's groups are kept in the ``figures`` cache (see user_roles)
_roles_generation = [0]  # bumped when a whole group changes: older keys are never read again


def _roles_key(user_pk: object) -> str:
    return f"access.roles:{_roles_generation[0]}:{user_pk}"


def user_roles(user: Any) -> frozenset[str]:
    """The user's role names (group names). A superuser holds every role.

    Every staff request asks, so the names are kept on the user object for the request and in the ``figures``
    cache (core.cache) for ROLES_SECONDS: a request costs no query for them. A change of anyone's groups drops
    the kept names at once (`roles_changed`, connected below): for the whole cluster with Redis; without
    it, another server process may honour a withdrawn role for up to ROLES_SECONDS. Deactivating an account
    (is_active) takes effect on the next request everywhere, as before.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_onewindow_roles", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        roles = frozenset(Role)
    else:
        from django.core.cache import caches

        figures = caches["figures"]
        key = _roles_key(user.pk)
        kept = figures.get(key)
        if kept is None:
            kept = frozenset(user.groups.values_list("name", flat=True))
            figures.set(key, kept, timeout=ROLES_SECONDS)
        roles = kept
    user._onewindow_roles = roles
    return roles


def roles_changed(sender: Any = None, instance: Any = None, **kwargs: Any) -> None:
    """Someone's groups changed, or a group was saved or deleted: forget the kept role names."""
    from django.core.cache import caches

    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: act once the change is made
    pks = ({instance.pk} if action is not None and not kwargs.get("reverse")  # user.groups.add/remove/set/clear
           else kwargs.get("pk_set") if action in ("post_add", "post_remove") else None)  # group.user_set.…
    if pks is None:  # a group saved, deleted or emptied: every member may be concerned (a new key generation)
        _roles_generation[0] += 1
        return
    caches["figures"].delete_many([_roles_key(pk) for pk in pks])


m2m_changed.connect(roles_changed, sender="auth.User_groups", dispatch_uid="access.roles.m2m")
post_save.connect(roles_changed, sender="auth.Group", dispatch_uid="access.roles.group_save")
post_delete.connect(roles_changed, sender="auth.Group", dispatch_uid="access.roles.group_delete")


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
