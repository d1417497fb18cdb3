"""Navigation by role. Each app names its menu entries (`ITEMS: list[NavItem]`) on its AppConfig (`nav`);
the base layout shows, in a few labelled groups, the items meant for the user's roles that the user may open.

"May open" is read from the route itself: the `@allow(...)` a view declares (core.access) is the one door per
permission, so a menu never links to a page that would answer 403. The same rule serves links inside pages
(`{% can_open "app:name" as ok %}`, core.templatetags.nav).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _

from onewindow.core.access import PUBLIC, SIGNED_IN, Role, user_roles
from onewindow.core.registry import nav_items


@dataclass(frozen=True)
class NavItem:
    label: Any  # lazy translation
    url_name: str
    roles: frozenset[str]
    order: int = 100
    group: str = ""  # one of GROUPS; empty: chosen by `group_of`


# The menu's groups, in the order shown. A handful of labelled groups instead of one long row: at 1280 px and at
# 390 px every link is reachable (the row never scrolls sideways out of sight).
GROUPS: dict[str, Any] = {
    "services": _("办事服务"),
    "public": _("互动公开"),
    "work": _("窗口与审批"),
    "oversight": _("督查统计"),
    "community": _("社区治理"),
}

# Staff pages that are about figures and oversight rather than the day's cases (by route name).
OVERSIGHT_ROUTES = frozenset({
    "supervision:home", "supervision:ranking", "feedback:stats", "hall:stats_index", "insights_metrics",
    "insights_simulation",
})
PUBLIC_AUDIENCE = frozenset({PUBLIC, SIGNED_IN, Role.CITIZEN, Role.VOLUNTEER})


def all_items() -> tuple[NavItem, ...]:
    return nav_items()


def group_of(item: NavItem) -> str:
    """The item's group: its own when it names one; else from what it is and who it is for."""
    if item.group in GROUPS:
        return item.group
    namespace = item.url_name.partition(":")[0] if ":" in item.url_name else ""
    if item.url_name in OVERSIGHT_ROUTES:
        return "oversight"
    if namespace == "community" and not item.roles & PUBLIC_AUDIENCE:
        return "community"
    if item.roles & PUBLIC_AUDIENCE:
        # what a citizen does (find, apply, queue, follow up) apart from what the public may say and see
        return "services" if item.order < 50 else "public"
    return "work"


def access_of(url: str) -> frozenset[str] | None:
    """Who may open `url`, as its view's `@allow(...)` declares (None: no such page or an undeclared view)."""
    try:
        match = resolve(url.split("?", 1)[0])
    except Resolver404:
        return None
    return getattr(match.func, "access", None)


def may_open(user: Any, url: str) -> bool:
    """Whether `user` passes the `@allow` of the view behind `url` (anonymous callers only for PUBLIC pages)."""
    allowed = access_of(url)
    if allowed is None:
        return False
    if PUBLIC in allowed:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return SIGNED_IN in allowed or bool(user_roles(user) & allowed)


def _meant_for(item: NavItem, user: Any, roles: frozenset[str]) -> bool:
    signed_in = bool(getattr(user, "is_authenticated", False))
    return PUBLIC in item.roles or (signed_in and SIGNED_IN in item.roles) or bool(roles & item.roles)


def items_for(user: Any) -> list[dict[str, Any]]:
    """The menu entries for `user`: meant for one of their roles and allowed by the route, in menu order."""
    roles = user_roles(user)
    visible = []
    for item in all_items():
        if not _meant_for(item, user, roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        if may_open(user, url):
            visible.append({"label": item.label, "url": url, "group": group_of(item)})
    return visible


def grouped(entries: list[dict[str, Any]], path: str = "") -> list[dict[str, Any]]:
    """Menu entries (from `items_for`) in their groups, groups without entries left out; `current` marks the
    group holding the page at `path`."""
    by_group: dict[str, list[dict[str, Any]]] = {key: [] for key in GROUPS}
    for entry in entries:
        by_group[entry["group"]].append(entry)
    menu = []
    for key, entries in by_group.items():
        if entries:
            current = any(path == e["url"] for e in entries)
            menu.append({"key": key, "label": GROUPS[key], "items": entries, "current": current})
    return menu
