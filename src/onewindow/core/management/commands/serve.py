"""`onewindow serve`: the production server (gunicorn, several worker processes) against DATABASE_URL."""

import os
import sys

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the production HTTP server (gunicorn) with several worker processes"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("ONEWINDOW_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("ONEWINDOW_WORKERS", "0")) or None,
                            help="worker processes (default: 2 × CPU cores + 1)")
        parser.add_argument("--threads", type=int, default=int(os.environ.get("ONEWINDOW_THREADS", "4")))
        parser.add_argument("--timeout", type=int, default=60)
        parser.add_argument("--access-log", default="-", help="file for the access log, '-' for stdout, '' for none")

    def handle(self, *args: object, **options: object) -> None:
        workers = options["workers"] or (2 * (os.cpu_count() or 1) + 1)
        argv = [
            sys.executable, "-m", "gunicorn", "onewindow.wsgi:application",
            "--bind", str(options["bind"]),
            "--workers", str(workers),
            "--threads", str(options["threads"]),
            "--worker-class", "gthread",
            "--timeout", str(options["timeout"]),
            "--graceful-timeout", "20",
            "--max-requests", "5000", "--max-requests-jitter", "500",
        ]
        if options["access_log"]:
            argv += ["--access-logfile", str(options["access_log"])]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
        os.execv(sys.executable, argv)
