"""Send report reads to a PostgreSQL read replica when one is configured (DATABASE_REPLICA_URL).

Report selectors wrap their queries in `with report_reads():`; everything else, and every write,
stays on the primary. Without a replica the context manager changes nothing.
"""

import contextlib
import contextvars
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


class ReportReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if _reporting.get() and REPLICA_ALIAS in settings.DATABASES:
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
)


def is_report_request(method: str, path: str) -> bool:
    prefixes = getattr(settings, "REPORT_PATHS", DEFAULT_REPORT_PATHS)
    return method in ("GET", "HEAD") and path.startswith(tuple(prefixes))


class ReportReadsMiddleware:
    """GET requests for reports, dashboards and exports read through `report_reads()` (the replica, when one
    is configured). Writes never do: the router sends every write to the primary."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if REPLICA_ALIAS in settings.DATABASES and is_report_request(request.method, request.path):
            with report_reads():
                return self.get_response(request)
        return self.get_response(request)
