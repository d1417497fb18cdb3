"""Figures on the insights pages: a missing figure (None: nothing to divide by) shows as 无数据 / "No data"."""

from __future__ import annotations

from typing import Any

from django import template

from onewindow.feedback.figures import NO_DATA

register = template.Library()


@register.filter
def fig_pct(value: Any, digits: int = 1) -> str:
    """0.2345 → 23.5%; None → 无数据"""
    if value is None:
        return str(NO_DATA)
    return f"{float(value) * 100:.{digits}f}%"


@register.filter
def fig_change(value: Any) -> str:
    """−0.767 → −76.7%; None → 无数据"""
    if value is None:
        return str(NO_DATA)
    return f"{float(value) * 100:+.1f}%"


@register.filter
def fig_value(value: Any) -> Any:
    """A number as it is; None → 无数据"""
    return str(NO_DATA) if value is None else value
