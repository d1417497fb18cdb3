"""`{{ obj|en:"name" }}`: the English value of a field (`name_en`) on English pages when there is one."""

from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

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


ACTION_LABELS: dict[str, Any] = {
    "submit": _("申报"), "approve": _("审核通过"), "reject": _("不予兑现"), "pay": _("兑付"), "withdraw": _("撤回"),
    "issue": _("核发"), "revoke": _("注销"),
}


@register.filter
def action_label(action: str) -> Any:
    """An event row's action as the page names it."""
    return ACTION_LABELS.get(action, action)
