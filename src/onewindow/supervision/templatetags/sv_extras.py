from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """{{ dict|get:key }}"""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def pct(value: Any, digits: int = 1) -> str:
    """0.2345 → 23.5%; None → —"""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


@register.filter
def signed_pct(value: Any) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:+.1f}%"
