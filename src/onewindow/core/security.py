"""Security headers and rate limits shared by every app.

The content security policy allows scripts only from this site (no inline script, no eval): every
page's behaviour lives in static files. Styles may be inline because plotly and htmx inject them.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from onewindow.core.errors import ServiceError

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class RateLimited(ServiceError):
    status = 429


def client_key(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def rate_limit(request: HttpRequest, *, scope: str, limit: int, per_seconds: int) -> None:
    """Refuse with 429 once a client has made `limit` calls of `scope` within the window.

    Counts live in the shared cache (database-backed by default), so every server process sees them.
    """
    key = f"rl:{scope}:{client_key(request)}"
    if cache.add(key, 1, timeout=per_seconds):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=per_seconds)
        return
    if count > limit:
        raise RateLimited(_("操作过于频繁，请稍后再试"), field=None)


def rate_limited_response(exc: RateLimited) -> JsonResponse:
    return JsonResponse(exc.as_dict(), status=429)
