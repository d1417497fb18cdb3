"""Send report reads to a PostgreSQL read replica when one is configured (DATABASE_REPLICA_URL).

Report selectors wrap their queries in `with report_reads():`; everything else, and every write,
stays on the primary. Without a replica the context manager changes nothing.

Read your own writes: the replica lags the primary by a moment, so a browser that has just written (any
request other than GET/HEAD/OPTIONS that succeeded) gets a cookie that keeps its reads on the primary for
READ_YOUR_WRITES_SECONDS. The cookie only ever moves reads to the primary, so a forged one costs nothing but
load on the primary.
"""

import contextlib
import contextvars
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings

_reporting: contextvars.ContextVar[bool] = contextvars.ContextVar("reporting", default=False)

REPLICA_ALIAS = "replica"


@contextlib.contextmanager
def report_reads() -> Iterator[None]:
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def replica_configured() -> bool:
    return REPLICA_ALIAS in settings.DATABASES


#: tables read and written in the same request (sessions, the database cache, login attempts, task results):
#: always read from the primary, even inside a report
PRIMARY_ONLY_APPS = frozenset({"sessions", "django_cache", "axes", "django_tasks_database"})
PRIMARY_ONLY_MODELS = frozenset({"core.usersession"})  # the embedded default's sessions (core.session_auth)


class ReportReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        meta = getattr(model, "_meta", None)
        if _reporting.get() and replica_configured() and getattr(meta, "app_label", "") not in PRIMARY_ONLY_APPS \
                and getattr(meta, "label_lower", "") not in PRIMARY_ONLY_MODELS:
            return REPLICA_ALIAS
        return None

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db == "default"


DEFAULT_REPORT_PATHS = (
    "/insights/", "/api/v1/insights/", "/api/v1/metrics", "/api/v1/scores", "/supervision/scores",
    "/feedback/stats/", "/api/v1/feedback/ratings/stats", "/api/v1/feedback/ratings/provincial.jsonl",
    "/feedback/ratings/export.xlsx", "/api/v1/community/reports/",
    # public statistics
    "/supervision/public/ranking/", "/community/public/coverage/", "/hall/stats/",
)
#: per-hall statistics pages and their API (the hall code sits in the middle of the path)
REPORT_PATTERN = re.compile(r"^/(?:hall/[^/]+/stats|api/v1/halls/[^/]+/stats)")
#: the cookie that keeps a browser that has just written on the primary
PRIMARY_COOKIE = "ow_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def is_report_request(method: str, path: str) -> bool:
    if method not in ("GET", "HEAD"):
        return False
    prefixes = getattr(settings, "REPORT_PATHS", DEFAULT_REPORT_PATHS)
    return path.startswith(tuple(prefixes)) or bool(REPORT_PATTERN.match(path))


def reads_pinned_to_primary(request: Any) -> bool:
    return bool(request.COOKIES.get(PRIMARY_COOKIE))


class ReportReadsMiddleware:
    """GET requests for reports, dashboards, exports and public statistics read through `report_reads()` (the
    replica, when one is configured), unless the browser wrote within READ_YOUR_WRITES_SECONDS. Writes never do:
    the router sends every write to the primary."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if not replica_configured():
            return self.get_response(request)
        if is_report_request(request.method, request.path) and not reads_pinned_to_primary(request):
            with report_reads():
                response = self.get_response(request)
        else:
            response = self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            response.set_cookie(PRIMARY_COOKIE, "1", max_age=int(getattr(settings, "READ_YOUR_WRITES_SECONDS", 15)),
                                httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response
