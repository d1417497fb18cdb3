"""`onewindow calendar import FILE.csv [--source TEXT]` and `onewindow calendar years`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q

from onewindow.core.calendar import calendar_refresh, estimated_holidays
from onewindow.core.errors import ServiceError
from onewindow.core.models import CalendarYear, OfficialDay
from onewindow.core.services import calendar_import


class Command(BaseCommand):
    help = "The official holiday calendar: import a newly announced year, list the years (节假日安排)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{import,years}")
        imp = sub.add_parser("import", help="load a CSV (columns date, kind, name; kind holiday/workday or 休/班)")
        imp.add_argument("file", metavar="FILE.csv")
        imp.add_argument("--source", default="", help="where the schedule comes from (e.g. 国办发明电〔2026〕X号)")
        years = sub.add_parser("years", help="list years: official or provisional, holidays and make-up days")
        years.add_argument("--to", type=int, default=None, help="also list provisional years up to this one")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options["file"], options["source"])
        else:
            self._years(options.get("to"))

    def _import(self, file: str, source: str) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"FILE.csv: 找不到文件 {file} (file not found)")
        try:
            result = calendar_import(file=path, source=source or f"CSV {path.name}")
        except ServiceError as exc:
            lines = [exc.message] + [f"  {p.message}" for p in exc.problems if p.message != exc.message]
            raise CommandError("\n".join(lines)) from None
        years = "、".join(str(y) for y in result.years)
        self.stdout.write(self.style.SUCCESS(
            f"已导入 {years} 年：休息日 {result.holidays} 天，调休上班日 {result.workdays} 天"
            f"（替换原有 {result.replaced} 条，日历版本 {result.revision}）"))

    def _years(self, to: int | None) -> None:
        calendar_refresh()
        rows = CalendarYear.objects.annotate(
            holidays=Count("days", filter=Q(days__kind=OfficialDay.Kind.HOLIDAY)),
            workdays=Count("days", filter=Q(days__kind=OfficialDay.Kind.WORKDAY)),
        ).order_by("year")
        self.stdout.write(f"{'year':<6}{'status':<13}{'holidays':>9}{'make-up':>9}  source")
        listed = set()
        for row in rows:
            listed.add(row.year)
            status = "official" if row.official else "provisional"
            self.stdout.write(f"{row.year:<6}{status:<13}{row.holidays:>9}{row.workdays:>9}  {row.source}")
        last = max(listed, default=0)
        for year in range(last + 1, max(to or 0, last + 1) + 1):
            self.stdout.write(f"{year:<6}{'provisional':<13}{len(estimated_holidays(year)):>9}{0:>9}  "
                              "estimated (holidays package)")
