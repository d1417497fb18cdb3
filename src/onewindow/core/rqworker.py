"""`onewindow worker` on RQ (REDIS_URL set): django-tasks' tasks run through django-tasks-rq.

What this adds to a plain RQ worker, and why:

- Jobs run in the worker process itself (RQ's SimpleWorker: no fork per job, Django's database connections are
  reused; ``close_old_connections`` around each job as a request would).
- A heartbeat thread keeps the running job's execution alive every HEARTBEAT_SECONDS, with a short time to live
  (HEARTBEAT_TTL). A worker killed in the middle of a job (SIGKILL, a lost machine) therefore leaves an execution
  that expires within seconds, not after the job's whole timeout, and a long job is never taken for abandoned.
- Registries are cleaned every MAINTENANCE_SECONDS (RQ's default is 10 minutes), and a job found abandoned that
  way is put back on its queue (at most ABANDONED_RETRIES times) instead of being marked failed. So is a job that a
  worker took off the queue just as it died, before it started it (it waits in RQ's intermediate list, which RQ
  itself would mark failed after a minute): after STUCK_SECONDS it goes back on the queue. Delivery is
  therefore at least once; every task of this project is idempotent (the outbox sends a message only while its
  row, locked, is still pending; daily jobs are guarded by their (job, day) row), so each runs to its effect
  exactly once.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import close_old_connections
from rq.exceptions import AbandonedJobError
from rq.worker import SimpleWorker

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
HEARTBEAT_TTL = 20
MAINTENANCE_SECONDS = 10
ABANDONED_RETRIES = 3
STUCK_SECONDS = 15  # a live worker starts what it dequeued within milliseconds
WORKER_TTL = 45  # a silent worker is known dead after this; also bounds the idle dequeue wait (ttl − 15 s)


def retry_abandoned(job: Any, exc_type: type[BaseException], exc_value: BaseException, tb: Any) -> bool:
    """RQ exception handler: give a job whose worker died under it another run (bounded)."""
    if isinstance(exc_value, AbandonedJobError) or exc_type is AbandonedJobError:
        runs = int(job.meta.get("onewindow_abandoned", 0)) + 1
        job.meta["onewindow_abandoned"] = runs
        if runs <= ABANDONED_RETRIES:
            job.retries_left = 1
            job.retry_intervals = None
            log.warning("task %s was abandoned by a dead worker; running it again (%d)", job.id, runs)
    return True  # let RQ go on with its own handling


class Worker(SimpleWorker):
    def get_heartbeat_ttl(self, job: Any) -> int:
        return HEARTBEAT_TTL

    def execute_job(self, job: Any, queue: Any) -> None:
        stop = threading.Event()
        beat = threading.Thread(target=self._beat, args=(job, stop), daemon=True, name="job-heartbeat")
        close_old_connections()
        beat.start()
        try:
            super().execute_job(job, queue)
        finally:
            stop.set()
            beat.join(HEARTBEAT_SECONDS)
            close_old_connections()

    def clean_registries(self) -> None:
        for queue in self.queues:
            if queue.acquire_maintenance_lock():
                try:
                    requeue_stuck(queue)
                finally:
                    queue.release_maintenance_lock()
        super().clean_registries()

    def _beat(self, job: Any, stop: threading.Event) -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                if getattr(self, "execution", None) is not None:
                    self.maintain_heartbeats(job)
            except Exception:
                log.warning("task heartbeat failed", exc_info=True)


def requeue_stuck(queue: Any) -> list[str]:
    """Put back on the queue the jobs left in its intermediate list by a worker that died between taking them and
    starting them (not running anywhere, first seen there more than STUCK_SECONDS ago)."""
    import datetime as dt

    from rq.utils import now

    intermediate = queue.intermediate_queue
    requeued = []
    for job_id in intermediate.get_job_ids():
        if job_id in queue.started_job_registry:
            continue
        first_seen = intermediate.get_first_seen(job_id)
        if first_seen is None:
            intermediate.set_first_seen(job_id)
            continue
        if now() - first_seen < dt.timedelta(seconds=STUCK_SECONDS):
            continue
        intermediate.remove(job_id)
        job = queue.fetch_job(job_id)
        if job is not None:
            log.warning("task %s was taken by a worker that died before starting it; queued again", job_id)
            job.meta["onewindow_abandoned"] = int(job.meta.get("onewindow_abandoned", 0)) + 1
            queue.enqueue_job(job)
            requeued.append(job_id)
    return requeued


def run(*, queues: list[str], burst: bool = False, name: str | None = None) -> None:
    import django_rq
    from django_rq.utils import reset_db_connections
    from django_tasks_rq import Job

    rq_queues = [django_rq.get_queue(q, job_class=Job) for q in queues]
    worker = Worker(rq_queues, connection=rq_queues[0].connection, job_class=Job, name=name,
                    exception_handlers=[retry_abandoned], maintenance_interval=MAINTENANCE_SECONDS,
                    worker_ttl=WORKER_TTL)
    reset_db_connections()
    worker.work(burst=burst, with_scheduler=True, logging_level="WARNING")


def oldest_queued_age(queues: list[str] | None = None) -> float | None:
    """Seconds the oldest job waiting on the queues has waited (None when they are empty): the worker's lag."""
    import datetime as dt

    import django_rq
    from django.utils import timezone

    oldest: float | None = None
    for name in queues or ["default"]:
        queue = django_rq.get_queue(name)
        ids = queue.get_job_ids(0, 0)
        if not ids:
            continue
        job = queue.fetch_job(ids[0])
        if job is None or job.enqueued_at is None:
            continue
        enqueued = job.enqueued_at if job.enqueued_at.tzinfo else job.enqueued_at.replace(tzinfo=dt.UTC)
        age = max(0.0, (timezone.now() - enqueued).total_seconds())
        oldest = age if oldest is None else max(oldest, age)
    return oldest
