"""`onewindow workdays add DATE N` / `onewindow workdays between A B`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onewindow.core.calendar import add_workdays, provisional_years, workdays_between
from onewindow.core.management.commands._calendar_cli import (
    parse_date_arg,
    parse_int_arg,
    provisional_warning,
)


class Command(BaseCommand):
    help = "Working-day arithmetic on the official calendar (工作日计算)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{add,between}")
        add = sub.add_parser("add", help="print the Nth working day after DATE (DATE itself not counted)")
        add.add_argument("date", metavar="DATE", help="start date YYYY-MM-DD")
        add.add_argument("n", metavar="N", help="number of working days (negative: before DATE)")
        between = sub.add_parser("between", help="print the number of working days after A up to and including B")
        between.add_argument("a", metavar="A", help="date YYYY-MM-DD (not counted)")
        between.add_argument("b", metavar="B", help="date YYYY-MM-DD (counted)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "add":
            start = parse_date_arg("DATE", options["date"])
            n = parse_int_arg("N", options["n"])
            result = add_workdays(start, n)
            self._warn(provisional_years(start, result))
            self.stdout.write(result.isoformat())
        else:
            a = parse_date_arg("A", options["a"])
            b = parse_date_arg("B", options["b"])
            count = workdays_between(a, b)
            self._warn(provisional_years(a, b) if b > a else [])
            self.stdout.write(str(count))

    def _warn(self, years: list[int]) -> None:
        if years:
            self.stderr.write(provisional_warning(years))
