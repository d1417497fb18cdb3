"""`{% can_open "feedback:suggestions_import" as ok %}`: a link inside a page is shown only to those the route's
`@allow(...)` lets in (the rule the menu follows, core.nav.may_open)."""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from onewindow.core.nav import may_open

register = template.Library()


@register.simple_tag(takes_context=True)
def can_open(context: dict[str, Any], url_name: str, *args: Any) -> bool:
    request = context.get("request")
    try:
        url = reverse(url_name, args=args or None)
    except NoReverseMatch:
        return False
    return request is not None and may_open(getattr(request, "user", None), url)
