"""`onewindow feedback_provincial_export [--start YYYY-MM-DD] [--end YYYY-MM-DD] [--include-default] [-o FILE]`:
ratings as JSON lines in the provincial 好差评 interface format (see onewindow/feedback/provincial.py)."""

import datetime as dt
import sys
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.feedback.models import Rating
from onewindow.feedback.provincial import provincial_lines
from onewindow.feedback.selectors.ratings import rating_period


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError as exc:
        raise CommandError(f"dates must be YYYY-MM-DD: {exc}") from exc


class Command(BaseCommand):
    help = "Export ratings to the provincial 好差评 format (JSON lines)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", help="first rating day (YYYY-MM-DD)")
        parser.add_argument("--end", help="last rating day (YYYY-MM-DD)")
        parser.add_argument("--include-default", action="store_true", help="also export system default ratings")
        parser.add_argument("-o", "--output", help="file to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        qs = Rating.objects.filter(rating_period(_day(options["start"]), _day(options["end"])))
        out: TextIO = open(options["output"], "w", encoding="utf-8") if options["output"] else sys.stdout  # noqa: SIM115
        n = 0
        try:
            for line in provincial_lines(qs, include_default=bool(options["include_default"])):
                out.write(line)
                n += 1
        finally:
            if out is not sys.stdout:
                out.close()
        self.stderr.write(f"{n} rating(s) exported")
