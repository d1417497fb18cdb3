"""Rating links for other apps' pages, without those apps importing feedback:

    {% load feedback_links %}
    {% holder_rating_url "ticket" ticket.pk channel="2" as rating_url %}
    {% if rating_url %}<a href="{{ rating_url }}">…</a>{% endif %}

The page says it is the holder's own (the ticket's follow page, the counter's paired pad); the tag asks
`feedback.access.holder_rating_url`, which answers '' on any staff member's screen, for a service not yet
finished, one the viewer may not rate, or one whose rating period is over.
"""

from __future__ import annotations

import logging

from django import template

from onewindow.feedback.access import holder_rating_url as _holder_rating_url

register = template.Library()
log = logging.getLogger(__name__)


@register.simple_tag(takes_context=True)
def holder_rating_url(context: template.Context, target_kind: str, target_id: int, channel: str = "",
                      holder: bool = True) -> str:
    request = getattr(context, "request", None)
    try:
        return _holder_rating_url(user=getattr(request, "user", None), holder=holder, target_kind=target_kind,
                                  target_id=int(target_id), channel=str(channel))
    except Exception:
        log.exception("no rating link for %s %s", target_kind, target_id)
        return ""
