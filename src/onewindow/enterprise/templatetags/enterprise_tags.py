"""`{{ obj|en:"name" }}`: the English value of a field (`name_en`) on English pages when there is one."""

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def en(obj: Any, field: str) -> Any:
    def read(name: str) -> Any:
        return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, "")

    if (get_language() or "").startswith("en"):
        english = read(f"{field}_en")
        if english:
            return english
    return read(field)
