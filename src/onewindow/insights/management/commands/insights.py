"""`onewindow insights rollup [--full] [--from YYYY-MM-DD --to YYYY-MM-DD]`: rebuild the daily metric rollups."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "改革成效指标：重建每日汇总（默认只重建上次以来有变动的日期）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rollup"])
        parser.add_argument("--full", action="store_true", help="rebuild every day")
        parser.add_argument("--from", dest="start")
        parser.add_argument("--to", dest="end")

    def handle(self, *args: Any, **options: Any) -> None:
        from onewindow.insights.rollups import rollup_refresh

        try:
            start = dt.date.fromisoformat(options["start"]) if options.get("start") else None
            end = dt.date.fromisoformat(options["end"]) if options.get("end") else None
        except ValueError as exc:
            raise CommandError("dates should be YYYY-MM-DD") from exc
        result = rollup_refresh(full=options["full"], start=start, end=end)
        self.stdout.write(f"rollups {result['start']} … {result['end']}: {result['cases']} case rows, "
                          f"{result['tickets']} ticket rows, {result['ratings']} rating rows")
