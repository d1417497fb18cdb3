"""`onewindow demo [--port N] [--scale N] [--no-serve]`: migrate, load the demo data, print the logins, serve.

Safe to run again: every app's demo loader is idempotent. It serves with the production server of `onewindow
serve` (gunicorn, a few worker processes; static files through WhiteNoise), not Django's development server, and
without `serve`'s production preflight: the demo's logins share a published password on purpose. A background
worker (`onewindow worker --no-scheduler`) runs beside it for the tasks pages hand over.
"""

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from onewindow.core.registry import demo_steps, load_object


class Command(BaseCommand):
    help = "Set up and serve the demo on http://127.0.0.1:8000"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--scale", type=int, default=0,
                            help="also generate a synthetic catalog of about N items (benchmarks)")
        parser.add_argument("--no-serve", action="store_true", help="load the data and stop")

    def handle(self, *args: object, **options: object) -> None:
        from django.conf import settings

        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        # WhiteNoise serves the apps' static files from their folders (WHITENOISE_USE_FINDERS) and warns at start-up
        # when STATIC_ROOT (filled by `collectstatic` for nginx) is missing: an empty one is all the demo needs
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        # each app declares its demo steps on its AppConfig; later steps build on earlier ones
        for label, step in demo_steps():
            self.stdout.write(f"== demo data: {label} ({step.loader})")
            load_object(step.loader)(scale=int(str(options["scale"])), stdout=self.stdout)
        self._print_logins()
        if options["no_serve"]:
            return
        self.serve(f"{options['host']}:{options['port']}")

    def serve(self, bind: str) -> None:
        """Replace this process with gunicorn, as `onewindow serve` does (two workers: enough for a trial)."""
        from django.db import connections

        from onewindow.core.management.commands.serve import Command as Serve

        connections.close_all()  # the server processes open their own
        self.start_worker()
        argv = Serve().gunicorn_argv({"bind": bind, "workers": int(os.environ.get("ONEWINDOW_WORKERS", "0")) or 2,
                                      "threads": 4, "timeout": 60, "access_log": ""})
        # the demo halls stay open at any hour so the kiosk and counter journey can be tried after 17:30;
        # ONEWINDOW_DEMO_HALLS_ALWAYS_OPEN=0 shows the real opening hours (production never sets it)
        os.environ.setdefault("ONEWINDOW_DEMO_HALLS_ALWAYS_OPEN", "1")
        self.stdout.write(self.style.SUCCESS(f"Serving the demo on http://{bind}/ (Ctrl+C stops it)"))
        if os.environ["ONEWINDOW_DEMO_HALLS_ALWAYS_OPEN"] in ("1", "true", "yes"):
            self.stdout.write("The demo halls stay open at any hour (ONEWINDOW_DEMO_HALLS_ALWAYS_OPEN=0 for real hours)")
        self.stdout.flush()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
        os.execv(argv[0], argv)

    def start_worker(self) -> None:
        """A background worker beside the server (without the daily jobs, which would change the demo's records):
        it runs what the pages hand to it, e.g. the simulation page's staffing plans for a whole hall's day.
        It shares the terminal's process group, so Ctrl+C stops it with the server."""
        import subprocess
        import sys

        if os.environ.get("ONEWINDOW_DEMO_WORKER", "1") in ("0", "false", "no"):
            return
        subprocess.Popen([sys.executable, "-m", "onewindow.cli", "worker", "--no-scheduler"],
                         env={**os.environ, "DJANGO_SETTINGS_MODULE": "onewindow.settings"})
        self.stdout.write("A background worker runs beside the server (ONEWINDOW_DEMO_WORKER=0 leaves it out)")

    def _print_logins(self) -> None:
        from onewindow.core.checks import DEMO_PASSWORD
        from onewindow.demo.logins import login_lines

        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        for line in login_lines():
            self.stdout.write(line)
        self.stdout.write("  admin            superuser (Django admin /admin/)\n")
