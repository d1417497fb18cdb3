"""Keeps the current request reachable for the audit log without passing it through every service."""

import contextvars
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("current_request", default=None)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


API_PREFIX = "/api/"
_HOOKS = ("process_view", "process_exception", "process_template_response")


def pages_only(dotted_path: str) -> type:
    """The middleware at `dotted_path`, passed by for the JSON API (paths under /api/).

    Messages, htmx, static files and X-Frame-Options (the API's answers get it from SecurityHeadersMiddleware)
    only concern pages; sampling the server under the queue's load put the messages storage alone at 1.7 % of a
    worker's CPU (docs/operations.md "Hot paths"). Only a middleware without view, exception or template hooks
    may be wrapped: Django calls those hooks whatever the wrapper does, so they could not be passed by.
    """
    inner_class = import_string(dotted_path)
    hooks = [hook for hook in _HOOKS if hasattr(inner_class, hook)]
    if hooks:
        raise ImproperlyConfigured(f"{dotted_path} has {', '.join(hooks)}: it cannot be passed by for the API")

    class PagesOnly(inner_class):  # type: ignore[misc, valid-type]  # a subclass: Django's checks still find it
        def __call__(self, request: HttpRequest) -> HttpResponse:
            if request.path_info.startswith(API_PREFIX):
                return self.get_response(request)
            return super().__call__(request)

    PagesOnly.__name__ = PagesOnly.__qualname__ = f"PagesOnly{inner_class.__name__}"
    return PagesOnly


# the names settings.MIDDLEWARE lists
PagesOnlyWhiteNoiseMiddleware = pages_only("whitenoise.middleware.WhiteNoiseMiddleware")
PagesOnlyMessageMiddleware = pages_only("django.contrib.messages.middleware.MessageMiddleware")
PagesOnlyXFrameOptionsMiddleware = pages_only("django.middleware.clickjacking.XFrameOptionsMiddleware")
PagesOnlyHtmxMiddleware = pages_only("django_htmx.middleware.HtmxMiddleware")
