"""`onewindow supervision monitor [--only CODE …] | scores [--month YYYY-MM] | schedule`"""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "督查：运行自动监测、计算部门月度得分、安排每晚任务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["monitor", "scores", "schedule"])
        parser.add_argument("--only", nargs="*", help="monitor codes to run (default: all)")
        parser.add_argument("--month", help="YYYY-MM (default: this month)")

    def handle(self, *args: Any, **options: Any) -> None:
        from onewindow.core import clock

        action = options["action"]
        if action == "monitor":
            from onewindow.supervision.monitors import monitors_run

            run = monitors_run(trigger="command", only=options.get("only"))
            for code, counts in run.per_monitor.items():
                self.stdout.write(f"{code:<34} opened {counts['opened']:>5}  resolved {counts['resolved']:>5}  "
                                  f"still open {counts['still_open']:>5}")
            self.stdout.write(f"run {run.pk}: opened {run.opened}, resolved {run.resolved}, still open {run.still_open}")
        elif action == "scores":
            from onewindow.supervision.rankings import scores_compute

            try:
                month = dt.datetime.strptime(options["month"], "%Y-%m").date() if options.get("month") else clock.today()
            except ValueError as exc:
                raise CommandError("--month should be YYYY-MM") from exc
            rows = scores_compute(month=month)
            self.stdout.write(f"{month:%Y-%m}: {len(rows)} departments scored")
        else:
            from onewindow.supervision.tasks import nightly

            nightly.enqueue()
            self.stdout.write("enqueued a nightly run now (the workers also enqueue it every night)")
