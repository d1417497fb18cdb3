"""The site's own error pages for every error status, and one log line (not a traceback) per refused request.

Django renders 400/403/404/500 from templates, but a view refusing a method (`require_POST`, `require_GET`)
answers an empty `HttpResponseNotAllowed`: a browser shows a blank page. `ErrorPageMiddleware` gives such bodiless
error answers the site's page (with the header, the menu and a way back); the JSON API keeps its own error shape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from onewindow.core.errors import error_response

# the JSON API's message for an error Django answers outside django-ninja (an unknown /api/ address)
DEFAULT_DETAIL = {400: "Bad request", 403: "Forbidden", 404: "Not found", 405: "Method not allowed"}

# statuses that have their own template (core/templates/<status>.html)
PAGE_STATUSES = frozenset({400, 403, 404, 405, 413, 429})


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def back_url(request: HttpRequest) -> str:
    """The page the visitor came from, when it is on this site (the error page's "back" link), else ""."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return referer if referer != request.build_absolute_uri() else ""
    return ""


def error_page(request: HttpRequest, status: int, *, detail: str = "", errors: object = None) -> HttpResponse:
    """The site's page for `status` (400.html for a status without its own page), with a way back; an API
    address answers the API's JSON error shape instead."""
    if request.path.startswith("/api/"):
        return error_response(detail or DEFAULT_DETAIL.get(status, "error"), status=status)
    template = f"{status}.html" if status in PAGE_STATUSES else "400.html"
    context = {"detail": detail, "errors": errors, "status": status, "back_url": back_url(request)}
    return render(request, template, context, status=status)


class ErrorPageMiddleware:
    """Gives a bodiless 4xx answer of a page (405 from `require_POST`, most often) the site's error page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code not in PAGE_STATUSES or response.streaming or response.content:
            return response
        if is_api(request) or request.method == "HEAD":
            return response
        page = error_page(request, response.status_code)
        if "Allow" in response.headers:  # a 405 says which methods the address takes
            page["Allow"] = response["Allow"]
        return page


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: Django's own renders 400.html without the request (no menu, no language, no way back)."""
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403, with the refusal's own message when it has one."""
    message = str(exception) if exception is not None and exception.args else ""
    return error_page(request, 403, detail=message)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404 (the exception's text is not shown: it may name internal paths)."""
    return error_page(request, 404)


class OneLineClientErrors(logging.Filter):
    """A refused request (403, 404, 405: any 4xx) is the caller's mistake, not the server's: it is logged as one
    warning line naming the exception, without the traceback Django attaches. 5xx keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500 and record.exc_info:
            exc = record.exc_info[1]
            if exc is not None:
                detail = str(exc)[:200].replace("%", "%%")  # the message is %-formatted with the record's args
                record.msg = f"{record.msg} ({type(exc).__name__}: {detail})"
            record.exc_info = None
            record.exc_text = None
        return True
