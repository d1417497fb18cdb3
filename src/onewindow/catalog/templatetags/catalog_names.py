"""Names on English pages: the English field where it exists, else the Chinese marked lang="zh".

    {% load catalog_names %}
    {{ item|en_name }}             item.name_en, or <span lang="zh">item.name</span> on English pages
    {{ dept|en_name:"short_name" }}  short_name_en / short_name, falling back to name_en / name
    {{ item|en_name_beside }}      the English name with the Chinese beside it (for clerks)
    {{ case.item_name|zh_beside:case.item.name_en }}  a kept Chinese text with an English one beside
    {{ text|zh }}                  free text that exists only in Chinese, marked lang="zh" on English pages
    <option{{ h|zh_lang }}>{{ h|en_plain }}</option>   plain text where no markup may go (<title>, <option>)
"""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()
_CJK = re.compile(r"[\u4e00-\u9fff]")


def english() -> bool:
    return (get_language() or "").startswith("en")


def _chinese(value: str) -> SafeString:
    if english() and _CJK.search(value or ""):
        return format_html('<span lang="zh">{}</span>', value)
    return conditional_escape(value or "")


def _names(obj: Any, field: str) -> tuple[str, str]:
    short = field == "short_name"  # a short name falls back to the full one
    zh = getattr(obj, field, "") or (getattr(obj, "name", "") if short else "")
    en = getattr(obj, f"{field}_en", "") or (getattr(obj, "name_en", "") if short else "")
    return str(zh or ""), str(en or "")


@register.filter
def en_name(obj: Any, field: str = "name") -> SafeString:
    if obj is None:
        return SafeString("")
    zh, en = _names(obj, field)
    if english() and en:
        return conditional_escape(en)
    return _chinese(zh)


@register.filter
def en_name_beside(obj: Any, field: str = "name") -> SafeString:
    if obj is None:
        return SafeString("")
    zh, en = _names(obj, field)
    if english() and en:
        return format_html('{} <span class="muted small" lang="zh">{}</span>', en, zh)
    return _chinese(zh)


@register.filter
def zh_beside(value: Any, en: Any) -> SafeString:
    """A Chinese text kept on a record (e.g. a case's item name) with its English beside, as `en_name_beside`."""
    zh_text, en_text = "" if value is None else str(value), "" if en is None else str(en)
    if english() and en_text:
        return format_html('{} <span class="muted small" lang="zh">{}</span>', en_text, zh_text)
    return _chinese(zh_text)


@register.filter
def zh(value: Any) -> SafeString:
    return _chinese("" if value is None else str(value))


@register.filter
def en_plain(obj: Any, field: str = "name") -> str:
    """The name as plain text (for <title> and <option>, which hold no markup): English where it exists."""
    if obj is None:
        return ""
    zh, en = _names(obj, field)
    return en if english() and en else zh


@register.filter
def zh_lang(obj: Any, field: str = "name") -> SafeString:
    """` lang="zh"` for the element holding `obj|en_plain` when that is the Chinese name on an English page (`obj` may
    also be a text, marked when it holds Chinese)."""
    if obj is None:
        return SafeString("")
    zh, en = (obj, "") if isinstance(obj, str) else _names(obj, field)
    return SafeString(' lang="zh"') if english() and not en and _CJK.search(zh) else SafeString("")
