"""`onewindow worker`: the background task worker for the whole project.

Without REDIS_URL it is django_tasks_db's `db_worker` (the database backend) and all its options pass through
(--queue-name, --interval, --batch, --max-tasks, ...). With REDIS_URL it runs an RQ worker on the same tasks
through django-tasks-rq (core/rqworker.py; --queue-name and --batch apply, the polling options do not).
Besides running queued tasks, each worker enqueues the daily jobs (core/scheduler.py) when they fall due.
"""

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from onewindow.core.scheduler import daily_jobs_enqueue

logger = logging.getLogger(__name__)
SCHEDULER_PERIOD_SECONDS = 60


def _scheduler_loop(stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            names = daily_jobs_enqueue()
            if names:
                logger.info("enqueued daily jobs: %s", ", ".join(names))
        except Exception:
            logger.exception("daily job scheduling failed")
        finally:
            connection.close()
        stop.wait(SCHEDULER_PERIOD_SECONDS)


class Command(DbWorkerCommand):
    help = "Run the background task worker (django-tasks database backend; same options as db_worker)."

    def add_arguments(self, parser: Any) -> None:
        if getattr(settings, "REDIS_URL", ""):  # RQ: no polling, no database backend to name
            parser.add_argument("--queue-name", default="default", help="the RQ queue to work on")
            parser.add_argument("--batch", action="store_true", help="run the queued tasks, then stop")
            parser.add_argument("--worker-id", default=None, help="the worker's name in RQ")
            parser.add_argument("--interval", type=float, default=None, help="ignored on RQ (it waits on Redis)")
        else:
            super().add_arguments(parser)
        parser.add_argument("--no-scheduler", action="store_true", help="do not enqueue the daily jobs")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if not options.pop("no_scheduler", False) and not options.get("batch"):
            threading.Thread(target=_scheduler_loop, args=(stop,), daemon=True, name="daily-jobs").start()
        try:
            if getattr(settings, "REDIS_URL", ""):
                from onewindow.core.rqworker import run

                run(queues=[options.get("queue_name") or "default"], burst=bool(options.get("batch")),
                    name=options.get("worker_id") or None)
            else:
                super().handle(*args, **options)
        finally:
            stop.set()
