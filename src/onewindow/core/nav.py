"""Navigation by role. Each app names its menu entries (`ITEMS: list[NavItem]`) on its AppConfig (`nav`);
the base layout shows the items whose roles the user holds and whose URL exists."""

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from onewindow.core.access import PUBLIC, SIGNED_IN, user_roles
from onewindow.core.registry import nav_items


@dataclass(frozen=True)
class NavItem:
    label: Any  # lazy translation
    url_name: str
    roles: frozenset[str]
    order: int = 100


def all_items() -> tuple[NavItem, ...]:
    return nav_items()


def items_for(user: Any) -> list[dict[str, Any]]:
    roles = user_roles(user)
    signed_in = bool(getattr(user, "is_authenticated", False))
    visible = []
    for item in all_items():
        if PUBLIC in item.roles or (signed_in and SIGNED_IN in item.roles) or roles & item.roles:
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            visible.append({"label": item.label, "url": url})
    return visible
