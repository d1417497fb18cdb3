"""Security headers and rate limits shared by every app.

The content security policy allows scripts only from this site (no inline script, no eval): every
page's behaviour lives in static files. Styles may be inline because plotly and htmx inject them.
"""

import hashlib
import hmac
import ipaddress
from collections.abc import Callable, Mapping
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.utils.translation import gettext as _

from onewindow.core.cache import hit
from onewindow.core.errors import ServiceError, error_response
from onewindow.core.middleware import API_PREFIX

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
        if request.path_info.startswith(API_PREFIX):  # pages get it from XFrameOptionsMiddleware (core.middleware)
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response


class RateLimited(ServiceError):
    status = 429


def _in_networks(address: str, networks: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for net in networks:
        try:
            if ip in ipaddress.ip_network(net, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request: Any) -> str | None:
    """The caller's address. Behind a reverse proxy listed in TRUSTED_PROXIES, the right-most address of
    X-Forwarded-For that is not itself a trusted proxy (a client cannot forge its way past nginx)."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = getattr(settings, "TRUSTED_PROXIES", [])
    if remote and trusted and _in_networks(remote, trusted):
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        for address in reversed(forwarded):
            if not _in_networks(address, trusted):
                return address
    return remote


def client_key(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def hashed_key(kind: str, value: object) -> str:
    """A rate-limit key for a personal value (a phone number, a booking code): a keyed hash, so the cache never
    holds the value in clear and nobody without the secret key can tell which value a counter belongs to."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:32]}"


def phone_key(phone: object) -> str:
    """The rate-limit key of a phone number (digits only, so "139 0593 1234" and "+8613905931234" count as one)."""
    digits = "".join(ch for ch in str(phone or "") if ch.isdigit())
    return hashed_key("phone", digits[-11:])


def rate_limit(request: HttpRequest, *, scope: str, limit: int, per_seconds: int,
               keys: Mapping[str, int] | None = None) -> None:
    """Refuse with 429 once a client has made `limit` calls of `scope` within the window.

    `keys` adds more counters for the same call, each with its own limit: `{phone_key(phone): 5}` limits one
    phone number whatever address it comes from. Every call counts against every counter.
    Counts live in the ``ratelimit`` cache (core.cache.hit): process memory in the embedded default, so a
    rate-limited request costs no database query and the limits hold per server process; Redis with REDIS_URL,
    so they hold for the whole cluster. Addresses in RATE_LIMIT_EXEMPT (the hall's own kiosks) are never limited.
    """
    address = client_key(request)
    if _in_networks(address, getattr(settings, "RATE_LIMIT_EXEMPT", [])):
        return
    exceeded = hit(f"rl:{scope}:{address}", per_seconds) > limit
    for key, key_limit in (keys or {}).items():
        if key and hit(f"rl:{scope}:{key}", per_seconds) > key_limit:
            exceeded = True
    if exceeded:
        raise RateLimited(_("操作过于频繁，请稍后再试"), field=None)


def rate_limited_response(exc: RateLimited) -> JsonResponse:
    return error_response(exc.message, status=429, problems=exc.problems)


# --------------------------------------------------------------------------- login lockout (django-axes)


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with one failure limit per lockout parameter.

    axes sums the failures for each entry of AXES_LOCKOUT_PARAMETERS and compares the largest sum with the single
    AXES_FAILURE_LIMIT. Here an entry that is the username alone (failures from every address: password spraying)
    has its own, higher limit, AXES_USERNAME_FAILURE_LIMIT; each count is scaled so that reaching its own limit
    reaches AXES_FAILURE_LIMIT.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        from django.db.models import Sum

        parameters = settings.AXES_LOCKOUT_PARAMETERS
        if not isinstance(parameters, list) or not isinstance(settings.AXES_FAILURE_LIMIT, int):
            return super().get_failures(request, credentials)
        base = int(settings.AXES_FAILURE_LIMIT)
        username_limit = int(getattr(settings, "AXES_USERNAME_FAILURE_LIMIT", base)) or base
        worst = 0
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            limit = username_limit if parameter == "username" or parameter == ["username"] else base
            worst = max(worst, count * base // limit)
        return worst


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check before the password backends. Without a request (a test client's `login()` or a
    script calling `authenticate()` directly) there is no address to lock, so it steps aside."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """What a locked-out caller sees: a Chinese page, or the API's error shape for JSON callers."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else 15
    message = _("登录失败次数过多，该账号已在此地址暂时锁定，请 %(minutes)d 分钟后再试；如需帮助请联系系统管理员。") % {
        "minutes": minutes}
    wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")
    if wants_json:
        return error_response(message, status=429, field="username")
    return render(request, "core/locked_out.html", {"message": message, "minutes": minutes}, status=429)


# --------------------------------------------------------------------------- CSRF for the JSON API


def _csrf_probe(request: HttpRequest) -> HttpResponse:  # a view that is not csrf_exempt, for the check below
    return HttpResponse()


class ApiCsrfMiddleware:
    """django-ninja views are csrf_exempt. A browser signed in with the session cookie must still prove an
    unsafe API call comes from our own pages: X-CSRFToken header (or csrfmiddlewaretoken) matching the cookie.
    Anonymous calls carry no ambient authority and pass; so do Django test clients (enforce_csrf_checks=False).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict) -> HttpResponse | None:
        if not request.path.startswith("/api/") or request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return None
        if getattr(request, "_dont_enforce_csrf_checks", False):
            return None
        if not request.user.is_authenticated:
            return None
        if self.csrf.process_view(request, _csrf_probe, (), {}) is None:
            return None
        message = _("安全校验失败：请刷新页面后重试（缺少或无效的 CSRF 令牌）")
        return error_response(message, status=403)


# --------------------------------------------------------------------------- access before validation (API)


def access_before_validation(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A django-ninja "view" decorator: check the operation's `@allow` declaration before the request body
    is parsed, so a caller without access learns 401/403 and never the shape of the input (422)."""
    import functools

    from onewindow.core.access import check_access

    operation = getattr(run, "__self__", None)
    allowed = getattr(getattr(operation, "view_func", None), "access", None)
    if operation is None or allowed is None:
        return run

    @functools.wraps(run)
    def wrapped(request: HttpRequest, **kw: Any) -> HttpResponse:
        try:
            check_access(request, allowed)
        except Exception as exc:  # noqa: BLE001 — answered by the API's own error handlers
            return operation.api.on_exception(request, exc)
        return run(request, **kw)

    return wrapped


# --------------------------------------------------------------------------- NUL bytes


class RejectNulBytesMiddleware:
    """A NUL character in a path, query string or JSON/form text is never meaningful here, and PostgreSQL text
    columns cannot hold one (the query would fail with a server error). Refuse such requests up front with 400.
    Multipart bodies are left alone: uploaded files are binary and are checked by their own validators."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            message = _("请求中含有不允许的空字符（NUL）")
            if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
                return error_response(message, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") \
                or "\x00" in request.META.get("QUERY_STRING", ""):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH") and (
                content_type.startswith("application/json") or content_type.startswith("application/x-www-form")):
            body = request.body
            if content_type.startswith("application/json"):
                return b"\x00" in body or b"\\u0000" in body
            return b"\x00" in body or b"%00" in body
        return False
