"""Filters for the cases templates: dictionary lookups with dotted keys, and the names of event actions and case
states."""

from typing import Any

from django import template

from onewindow.cases.models import ACTION_LABELS, CaseStatus

register = template.Library()
STATUS_LABELS = dict(CaseStatus.choices)


@register.filter
def get(mapping: Any, key: str) -> Any:
    """{{ errors|get:"applicant.name" }} — dictionary lookup with dotted keys."""
    if not mapping:
        return ""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def has(container: Any, key: Any) -> bool:
    try:
        return key in container
    except TypeError:
        return False


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


@register.filter
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@register.simple_tag
def instant_share(item: Any) -> Any:
    """{% instant_share item as s %}: the item's on-the-spot cases done within the seed's 30 minutes (catalog pages
    show it without importing cases)."""
    from onewindow.cases.instant import instant_within_limit

    return instant_within_limit(item_ids=[item.pk])
