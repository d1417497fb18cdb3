from typing import Any

from django import template

register = template.Library()


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
    from onewindow.cases.services import ACTION_LABEL

    return ACTION_LABEL.get(action, action)


@register.filter
def status_label(status: str) -> str:
    from onewindow.cases.services import STATUS_LABEL

    return STATUS_LABEL.get(status, status)
