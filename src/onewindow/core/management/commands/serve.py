"""`onewindow serve`: the production server (gunicorn, several worker processes) against DATABASE_URL.

Before starting it checks what must never reach production (core/checks.py) and refuses to start, saying what to
do, while the secret key is the built-in one (or short, or obvious) or any account still has the demo password.
"""

import os
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

#: gunicorn's limits on the request line and headers (the body is limited by core.limits and nginx)
REQUEST_LIMITS = ("--limit-request-line", "8190", "--limit-request-fields", "100",
                  "--limit-request-field_size", "8190")

#: A worker restarts after this many requests (± a tenth, so that the workers do not restart together). The limit
#: only guards against a slow leak over hours. At 5000 a busy worker (about 260 requests per second at the hall's
#: opening rush) restarted every 20 seconds, and each restart re-imports Django and warms the guide's dictionaries
#: again: bench/queue lost a fifth of its HTTP rate in the rounds with a restart (docs/operations.md "Hot paths").
MAX_REQUESTS = 100_000


def default_workers() -> int:
    """One gthread worker per core (at least two, so that one can restart while the other serves), each with
    --threads threads. Not gunicorn's 2 × cores + 1, which is meant for single-threaded workers: with four threads
    each, five processes on two cores spent 20–35 % more server CPU per queue cycle than two (bench/queue,
    docs/operations.md "Hot paths"), in switching between processes rather than in requests."""
    return max(2, os.cpu_count() or 1)


class Command(BaseCommand):
    help = "Run the production HTTP server (gunicorn) with several worker processes"


    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("ONEWINDOW_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("ONEWINDOW_WORKERS", "0")) or None,
                            help="worker processes (default: one per CPU core, at least two)")
        parser.add_argument("--threads", type=int, default=int(os.environ.get("ONEWINDOW_THREADS", "4")))
        parser.add_argument("--timeout", type=int, default=60)
        parser.add_argument("--max-requests", type=int,
                            default=int(os.environ.get("ONEWINDOW_MAX_REQUESTS", str(MAX_REQUESTS))),
                            help="restart a worker after this many requests (0: never); see MAX_REQUESTS")
        parser.add_argument("--access-log", default="-", help="file for the access log, '-' for stdout, '' for none")

    def preflight(self) -> None:
        """Refuse to start (CommandError, exit status 1) while the installation is not fit for production."""
        from django.db import connections

        from onewindow.core.checks import serve_preflight

        problems = serve_preflight()
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close()  # the server processes open their own connections
        if problems:
            lines = [f"{n}. {p}" for n, p in enumerate(problems, start=1)]
            raise CommandError("onewindow serve will not start:\n" + "\n".join(lines)
                               + "\nThen run `onewindow check --deploy` to confirm, and start again. "
                                 "(For a local trial use `onewindow demo`, which needs neither.)")

    def gunicorn_argv(self, options: dict) -> list[str]:
        workers = options["workers"] or default_workers()
        max_requests = int(options.get("max_requests", MAX_REQUESTS))
        argv = [
            sys.executable, "-m", "gunicorn", "onewindow.wsgi:application",
            "--bind", str(options["bind"]),
            "--workers", str(workers),
            "--threads", str(options["threads"]),
            "--worker-class", "gthread",
            "--timeout", str(options["timeout"]),
            "--graceful-timeout", "20",
            "--max-requests", str(max_requests), "--max-requests-jitter", str(max_requests // 10),
            *REQUEST_LIMITS,
        ]
        if options["access_log"]:
            argv += ["--access-logfile", str(options["access_log"])]
        return argv

    def handle(self, *args: object, **options: object) -> None:
        self.preflight()
        argv = self.gunicorn_argv(options)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
        os.execv(sys.executable, argv)
