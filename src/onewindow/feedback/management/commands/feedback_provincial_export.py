"""`onewindow feedback_provincial_export [--start YYYY-MM-DD] [--end YYYY-MM-DD] [--include-default] [-o FILE]`:
ratings as JSON lines in the provincial 好差评 interface format (see onewindow/feedback/exports.py)."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.feedback import exports, selectors
from onewindow.feedback.models import Rating


class Command(BaseCommand):
    help = "Export ratings to the provincial 好差评 format (JSON lines)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", help="first rating day (YYYY-MM-DD)")
        parser.add_argument("--end", help="last rating day (YYYY-MM-DD)")
        parser.add_argument("--include-default", action="store_true", help="also export system default ratings")
        parser.add_argument("-o", "--output", help="file to write (default: stdout)")

    def handle(self, *args: object, **options: object) -> None:
        try:
            start = dt.date.fromisoformat(options["start"]) if options["start"] else None
            end = dt.date.fromisoformat(options["end"]) if options["end"] else None
        except ValueError as exc:
            raise CommandError(f"dates must be YYYY-MM-DD: {exc}") from exc
        qs = Rating.objects.filter(selectors.rating_period(start, end))
        out = open(options["output"], "w", encoding="utf-8") if options["output"] else sys.stdout  # noqa: SIM115
        n = 0
        try:
            for line in exports.provincial_lines(qs, include_default=bool(options["include_default"])):
                out.write(line)
                n += 1
        finally:
            if out is not sys.stdout:
                out.close()
        self.stderr.write(f"{n} rating(s) exported")
