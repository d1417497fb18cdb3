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
