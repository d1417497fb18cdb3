"""`/healthz`: is the database reachable, and is the background worker keeping up?"""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from onewindow.core.access import PUBLIC, allow

WORKER_LAG_LIMIT_SECONDS = 300


def _oldest_ready_task_age() -> float | None:
    if getattr(settings, "REDIS_URL", ""):  # tasks on RQ (core/rqworker.py)
        from onewindow.core.rqworker import oldest_queued_age

        return oldest_queued_age()
    from django_tasks_db.models import DBTaskResult

    oldest = (
        DBTaskResult.objects.ready().order_by("run_after", "enqueued_at").values_list("enqueued_at", "run_after").first()
    )
    if oldest is None:
        return None
    enqueued_at, run_after = oldest
    due = max(enqueued_at, run_after) if run_after and run_after.year < 9999 else enqueued_at
    return max(0.0, (timezone.now() - due).total_seconds())


@allow(PUBLIC)
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 — any database failure means unhealthy
        return JsonResponse({"status": "fail", "database": "unreachable"}, status=503)
    try:
        lag = _oldest_ready_task_age()
    except Exception:  # noqa: BLE001 — the task queue (Redis with REDIS_URL) does not answer
        return JsonResponse({"status": "fail", "database": "ok", "tasks": "unreachable"}, status=503)
    worker_ok = lag is None or lag <= WORKER_LAG_LIMIT_SECONDS
    body = {
        "status": "ok" if worker_ok else "degraded",
        "database": "ok",
        "worker_lag_seconds": round(lag, 1) if lag is not None else 0,
    }
    return JsonResponse(body, status=200 if worker_ok else 503)
