"""The time bank keeps minutes (the ledger's unit); pages show hours, one unit everywhere."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def hours(minutes: object) -> str:
    """Minutes as hours with at most one decimal: 90 → "1.5", 120 → "2", -30 → "-0.5", 25 → "0.4"."""
    try:
        value = int(str(minutes))
    except (TypeError, ValueError):
        return ""
    text = f"{value / 60:.1f}"
    return text.removesuffix(".0") if text != "-0.0" else "0"
