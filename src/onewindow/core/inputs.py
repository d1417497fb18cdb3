"""Request-shape limits: what hostile input is refused with a 4xx naming the field, before it reaches a view.

One mechanism at the edge rather than a patch in each view:

- `InputShapeMiddleware` reads every JSON body (and JSON held in an API form field) before django-ninja or a
  view parses it and refuses, with 400 naming the field, nesting deeper than `MAX_JSON_DEPTH` (Python's
  parser would die of RecursionError), NaN / Infinity / 1e999 (not JSON; they reach arithmetic and
  PostgreSQL as garbage) and integers beyond a signed 64-bit column (OverflowError / "bigint out of range").
- The API declares its integers and dates with the bounded types below (`Id`, `PageNumber`, `Offset`,
  `BoundedDate`): pydantic answers 422 naming the parameter, and the bounds are published in the OpenAPI.
- Pages parse their query and form values with `int_param`, `page_param` and `date_param`, which raise
  `InputError` (a 400 `ServiceError`), and follow `next` only through `safe_next`; the middleware renders an
  InputError (or any ServiceError a page lets escape) as a 400 page or the API's error shape.
- A backstop: an OverflowError or RecursionError escaping a *read* (GET/HEAD) is answered 400 and logged on
  the `onewindow.inputs` logger (the fuzzer counts those log records as findings). Writes keep their 500:
  there a 4xx could hide a half-done change.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
from collections.abc import Callable
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field

from onewindow.core.error_pages import error_page  # the site's page for the status (429, 403, 404…)
from onewindow.core.errors import ServiceError

logger = logging.getLogger("onewindow.inputs")

MAX_ID = 2**53  # ids and counts: exact in JavaScript, far inside PostgreSQL bigint and SQLite INTEGER
MAX_PAGE = 100_000  # page numbers
MAX_OFFSET = 1_000_000  # list offsets
MAX_JSON_DEPTH = 32  # nesting of a JSON body; every real payload here is at most 4 deep
MAX_JSON_INT = 2**63 - 1  # any integer inside JSON must fit a signed 64-bit column
DATE_MIN = dt.date(1900, 1, 1)  # dates far enough inside Python's and PostgreSQL's range that ±days,
DATE_MAX = dt.date(2999, 12, 31)  # month arithmetic and time-zone shifts never overflow

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class InputError(ServiceError):
    """A query or form value that cannot be used (out of range, not a number, not a date): 400."""

    status = 400


# --------------------------------------------------------------------------- bounded types for django-ninja


def _date_in_range(value: dt.date) -> dt.date:
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValueError(_("日期应在 %(lo)s 至 %(hi)s 之间") % {"lo": DATE_MIN, "hi": DATE_MAX})
    return value


def _datetime_in_range(value: dt.datetime) -> dt.datetime:
    _date_in_range(value.date())
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
BoundedDate = Annotated[dt.date, AfterValidator(_date_in_range),
                        Field(json_schema_extra={"minimum_date": str(DATE_MIN), "maximum_date": str(DATE_MAX)})]
BoundedDateTime = Annotated[dt.datetime, AfterValidator(_datetime_in_range)]


# --------------------------------------------------------------------------- helpers for pages and plain views


def int_param(raw: object, field: str, *, default: int | None = None, lo: int = 1, hi: int = MAX_ID,
              lenient: bool = False) -> int | None:
    """A whole number from a query or form value; empty → `default`; otherwise lo ≤ n ≤ hi or InputError.
    `lenient`: text that is not a whole number at all → `default` too (a filter left at nonsense is ignored),
    but a number out of range is still refused."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return default
    if not re.fullmatch(r"[+-]?\d+", text):
        if lenient:
            return default
        raise InputError(_("%(field)s 应为整数") % {"field": field}, field=field)
    value = int(text) if len(text) <= 20 else (hi + 1 if text[0] != "-" else lo - 1)
    if not lo <= value <= hi:
        raise InputError(_("%(field)s 应在 %(lo)d 至 %(hi)d 之间") % {"field": field, "lo": lo, "hi": hi},
                         field=field)
    return value


def page_param(raw: object, field: str = "page") -> int:
    """A page number for a list page: empty or unreadable → 1 (a friendly default, as Django's paginator does),
    beyond MAX_PAGE → InputError (never a giant OFFSET)."""
    text = "" if raw is None else str(raw).strip()
    if not re.fullmatch(r"\d+", text):
        return 1
    return int_param(text, field, default=1, lo=1, hi=MAX_PAGE) or 1


def date_param(raw: object, field: str, *, default: dt.date | None = None, lenient: bool = False) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) between DATE_MIN and DATE_MAX; empty → `default`; otherwise InputError.
    `lenient`: text that is not a date at all → `default`; a date out of range is still refused."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return default
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        if lenient:
            return default
        raise InputError(_("%(field)s 应为日期，格式如 2026-01-31") % {"field": field}, field=field) from None
    try:
        return _date_in_range(value)
    except ValueError as exc:
        raise InputError(f"{field}: {exc}", field=field) from None


def month_param(raw: object, field: str = "month", *, default: dt.date) -> dt.date:
    """A month (YYYY-MM) as its first day, between DATE_MIN and DATE_MAX; empty → `default`; otherwise
    InputError naming the field (a month of year 1 would overflow the moment it is shifted to local time)."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return default
    if not re.fullmatch(r"\d{4}-\d{2}", text):
        raise InputError(_("%(field)s 应为月份，格式如 2026-01") % {"field": field}, field=field)
    try:
        value = dt.date(int(text[:4]), int(text[5:]), 1)
        return _date_in_range(value)
    except ValueError as exc:
        raise InputError(f"{field}: {exc}", field=field) from None


def safe_next(request: HttpRequest, raw: object, default: str) -> str:
    """A `next` value to redirect to: a path on this site, else `default` (no open redirect, and never a
    string that `redirect()` would try, and fail, to reverse as a view name)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    text = "" if raw is None else str(raw)
    if text.startswith("/") and not text.startswith("//") and url_has_allowed_host_and_scheme(
            text, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return text
    return default


# --------------------------------------------------------------------------- the JSON shape check

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKETS = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


class _NonFinite:
    """Stands for NaN / Infinity / -Infinity while the body is inspected."""

    def __init__(self, text: str) -> None:
        self.text = text


def json_depth_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether brackets outside strings nest deeper than `limit` (linear time, no recursion)."""
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKET).translate(_BRACKETS)
    for _level in range(limit):
        if not brackets:
            return False
        shorter = brackets.replace(b"()", b"")
        if len(shorter) == len(brackets):
            return False  # unbalanced: not JSON, the parser will say so
        brackets = shorter
    return bool(brackets) and b"()" in brackets


def json_problem(body: bytes | str, *, prefix: str = "") -> tuple[str, str] | None:
    """(field, message) for the first thing in a JSON text that no endpoint can use, else None.
    Text that is not JSON at all is left to the endpoint's own parser."""
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    root = prefix or "body"
    if json_depth_exceeds(raw):
        return root, _("JSON 嵌套层数不能超过 %(n)d 层") % {"n": MAX_JSON_DEPTH}
    try:
        data = json.loads(raw, parse_constant=_NonFinite)
    except json.JSONDecodeError:
        return None
    except (ValueError, RecursionError):  # e.g. an integer of more than 4300 digits
        return root, _("数字过长")
    stack: list[tuple[str, Any]] = [(prefix, data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{path}.{k}" if path else str(k), v) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), v) for i, v in reversed(list(enumerate(value))))
        elif isinstance(value, _NonFinite) or (isinstance(value, float) and not math.isfinite(value)):
            return path or root, _("数值应为有限的数字（不接受 NaN 或 Infinity）")
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_JSON_INT:
            return path or root, _("数值超出允许范围")
    return None


def _looks_like_json(text: bytes) -> bool:
    return text.lstrip()[:1] in (b"{", b"[")


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "json" in request.headers.get("Accept", "") \
        or "json" in request.META.get("CONTENT_TYPE", "")


def error_response(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    """The API's error shape for JSON callers, else a plain page naming each field."""
    if _wants_json(request):
        return JsonResponse(exc.as_dict(), status=exc.status)
    return error_page(request, exc.status, detail=exc.message, errors=exc.problems)


class InputShapeMiddleware:
    """Refuses hostile request shapes up front (see the module docstring) and renders `InputError`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self._body_problem(request)
        if problem is not None:
            field, message = problem
            return error_response(request, InputError(message, field=field))
        return self.get_response(request)

    @staticmethod
    def _body_problem(request: HttpRequest) -> tuple[str, str] | None:
        if request.method in SAFE_METHODS:
            return None
        content_type = request.META.get("CONTENT_TYPE", "")
        is_form = content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded"))
        if is_form:
            if not request.path.startswith("/api/"):
                return None
            for name, values in request.POST.lists():  # JSON carried in a form field (e.g. cases' `payload`)
                for value in values:
                    if _looks_like_json(value.encode("utf-8", "surrogatepass")) and (
                            problem := json_problem(value, prefix=name)):
                        return problem
            return None
        if "json" not in content_type and not request.path.startswith("/api/"):
            return None
        body = request.body
        if not _looks_like_json(body):
            return None
        return json_problem(body)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ServiceError) and not request.path.startswith("/api/"):
            # a ServiceError is "a 4xx naming the field, nothing changed": a page that let one escape
            # (an InputError from the parsing helpers above, most often) answers it as such
            return error_response(request, exception)
        if isinstance(exception, OverflowError | RecursionError) and request.method in SAFE_METHODS:
            logger.warning("backstop: %s on %s %s answered 400", type(exception).__name__, request.method,
                           request.get_full_path()[:300], exc_info=exception)
            return error_response(request, InputError(_("请求中的数值或日期超出允许范围"), field=None))
        return None
