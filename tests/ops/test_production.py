"""`onewindow serve` and `onewindow worker` against DATABASE_URL, the report replica router, the health check."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from onewindow.core.dbrouter import (
    ReportReadsMiddleware,
    ReportReplicaRouter,
    is_report_request,
    report_reads,
)

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    d = connection.settings_dict
    return f"postgres://{d['USER']}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


def _argv_value(argv: list[str], flag: str) -> str:
    return argv[argv.index(flag) + 1]


def test_serve_restarts_a_worker_only_after_many_requests_with_jitter_so_workers_do_not_restart_together(
        monkeypatch) -> None:
    from onewindow.core.management.commands.serve import MAX_REQUESTS, Command

    parser = Command().create_parser("onewindow", "serve")
    argv = Command().gunicorn_argv(vars(parser.parse_args([])))
    assert _argv_value(argv, "--max-requests") == str(MAX_REQUESTS) and MAX_REQUESTS >= 50_000
    assert _argv_value(argv, "--max-requests-jitter") == str(MAX_REQUESTS // 10)

    argv = Command().gunicorn_argv(vars(parser.parse_args(["--max-requests", "0"])))
    assert _argv_value(argv, "--max-requests") == "0"  # gunicorn's "never restart"

    monkeypatch.setenv("ONEWINDOW_MAX_REQUESTS", "20000")
    parser = Command().create_parser("onewindow", "serve")
    assert _argv_value(Command().gunicorn_argv(vars(parser.parse_args([]))), "--max-requests-jitter") == "2000"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_serve_runs_several_processes_and_worker_runs_queued_tasks_against_database_url(tmp_path) -> None:
    import requests
    from django_tasks_db.models import DBTaskResult

    from onewindow.cases.tasks import send_pending_messages

    env = dict(os.environ, DATABASE_URL=_database_url(), ONEWINDOW_VAR_DIR=str(tmp_path), ONEWINDOW_LOG_LEVEL="ERROR",
               ONEWINDOW_SECRET_KEY=secrets.token_urlsafe(50))  # serve refuses the built-in key
    port = _free_port()
    server = subprocess.Popen([str(BIN / "onewindow"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                               "--access-log", ""], env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = None
    try:
        deadline = time.time() + 60
        body = None
        while time.time() < deadline and body is None:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                body = response.json()
            except (requests.RequestException, ValueError):
                time.sleep(0.3)
        assert body == {"status": "ok", "database": "ok", "worker_lag_seconds": 0}
        processes = subprocess.run(["ps", "-o", "pid=", "--ppid", str(server.pid)], capture_output=True,
                                   text=True).stdout.split()
        assert len(processes) == 2  # gunicorn master + 2 worker processes
        result = send_pending_messages.enqueue()
        worker = subprocess.Popen([str(BIN / "onewindow"), "worker", "--interval", "0.2"], env=env,
                                  start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline and DBTaskResult.objects.get(pk=result.id).status in ("READY", "RUNNING"):
            time.sleep(0.3)
        assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    finally:
        for proc in (server, worker):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(30)


@pytest.mark.django_db
def test_health_check_reports_a_stalled_worker_as_503() -> None:
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from onewindow.cases.tasks import send_pending_messages

    result = send_pending_messages.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - dt.timedelta(minutes=10))
    response = Client().get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "degraded"
    assert response.json()["worker_lag_seconds"] >= 600


def test_report_reads_go_to_the_replica_and_everything_else_to_the_primary(settings) -> None:
    from onewindow.cases.models import Case

    router = ReportReplicaRouter()
    assert router.db_for_read(Case) is None  # no replica configured: the default database
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}
    assert router.db_for_read(Case) is None
    with report_reads():
        assert router.db_for_read(Case) == "replica"
        assert router.db_for_write(Case) == "default"
    assert router.allow_migrate("replica", "cases") is False and router.allow_migrate("default", "cases") is True


def test_report_pages_are_routed_to_the_replica_only_for_reads(settings) -> None:
    from onewindow.cases.models import Case

    assert is_report_request("GET", "/insights/")
    assert is_report_request("GET", "/api/v1/metrics")
    assert not is_report_request("POST", "/api/v1/insights/simulate")
    assert not is_report_request("GET", "/cases/worklist/")
    seen = {}

    def view(request):
        seen[request.path] = ReportReplicaRouter().db_for_read(Case)
        return None

    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}
    from django.test import RequestFactory

    middleware = ReportReadsMiddleware(view)
    middleware(RequestFactory().get("/insights/"))
    middleware(RequestFactory().get("/cases/worklist/"))
    assert seen == {"/insights/": "replica", "/cases/worklist/": None}


