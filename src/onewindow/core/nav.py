"""Navigation by role. Each app may define `nav.py` with `ITEMS: list[NavItem]`; the base layout shows
the items whose roles the user holds and whose URL exists."""

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from onewindow.core.access import PUBLIC, SIGNED_IN, user_roles


@dataclass(frozen=True)
class NavItem:
    label: Any  # lazy translation
    url_name: str
    roles: frozenset[str]
    order: int = 100


@cache
def all_items() -> tuple[NavItem, ...]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("onewindow."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.nav")
        except ModuleNotFoundError:
            continue
        items.extend(getattr(module, "ITEMS", []))
    return tuple(sorted(items, key=lambda i: i.order))


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
