"""Writes owned by core: the working-day calendar.

Every change to the calendar goes through here (the CSV import, the admin screens) so that it bumps the
`CalendarRevision` row, which makes every process drop its cached calendar, and writes an audit entry.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from onewindow.core.actors import Actor
from onewindow.core.audit import audit_log
from onewindow.core.calendar import calendar_refresh
from onewindow.core.errors import FieldProblem, ServiceError
from onewindow.core.models import CalendarRevision, CalendarYear, OfficialDay

__all__ = [
    "CalendarImportResult",
    "calendar_day_delete",
    "calendar_day_save",
    "calendar_import",
    "calendar_revision_bump",
    "calendar_year_delete",
    "calendar_year_save",
    "parse_calendar_kind",
]

_KINDS = {
    "holiday": OfficialDay.Kind.HOLIDAY, "休": OfficialDay.Kind.HOLIDAY, "假": OfficialDay.Kind.HOLIDAY,
    "休息": OfficialDay.Kind.HOLIDAY, "off": OfficialDay.Kind.HOLIDAY,
    "workday": OfficialDay.Kind.WORKDAY, "班": OfficialDay.Kind.WORKDAY, "上班": OfficialDay.Kind.WORKDAY,
    "work": OfficialDay.Kind.WORKDAY,
}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")
_MIN_YEAR, _MAX_YEAR = 1990, 2200


@dataclass(frozen=True)
class CalendarImportResult:
    years: list[int]
    holidays: int
    workdays: int
    revision: int
    replaced: int = 0  # days that were stored for those years before
    problems: list[FieldProblem] = field(default_factory=list)


def calendar_revision_bump() -> int:
    """Increment the calendar revision (inside the caller's transaction) and drop this process's cache."""
    updated = CalendarRevision.objects.filter(pk=1).update(revision=F("revision") + 1)
    if not updated:
        CalendarRevision.objects.get_or_create(pk=1, defaults={"revision": 1})
    revision = CalendarRevision.objects.values_list("revision", flat=True).get(pk=1)
    calendar_refresh()
    transaction.on_commit(calendar_refresh)
    return revision


def parse_calendar_kind(value: object) -> str | None:
    return _KINDS.get(str(value or "").strip().lower())


def _parse_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _read_rows(file: str | os.PathLike | IO[Any]) -> list[dict[str, Any]]:
    if isinstance(file, (str, os.PathLike)):
        with open(file, "rb") as fh:
            raw: bytes | str = fh.read()
    else:
        raw = file.read()
    if isinstance(raw, bytes):
        data = raw
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                raw = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ServiceError(_("文件编码无法识别，请保存为 UTF-8 编码的 CSV"), field="file")
    text = raw.lstrip("\ufeff")
    lines = list(csv.reader(io.StringIO(text)))
    aliases = {"日期": "date", "类型": "kind", "名称": "name"}
    headers = [aliases.get(h.strip().lower(), h.strip().lower()) for h in (lines[0] if lines else [])]
    missing = [h for h in ("date", "kind") if h not in headers]
    if missing:
        raise ServiceError(
            _("CSV 文件缺少列：%(cols)s（需要 date, kind, name 三列）") % {"cols": ", ".join(missing)},
            field="file")
    result: list[dict[str, Any]] = []
    for values in lines[1:]:
        if not any(v.strip() for v in values):
            result.append({})  # keeps row numbers aligned with the file; blank rows are skipped
            continue
        result.append({h: (values[i] if i < len(values) else "") for i, h in enumerate(headers)})
    return result


def _calendar_row(row: Mapping[str, Any] | Sequence[Any], number: int, seen_row: Mapping[date, int],
                  ) -> tuple[date | None, str | None, str, list[FieldProblem]]:
    """One row of a calendar file read and checked: (day, kind, name, the row's problems)."""
    if isinstance(row, Mapping):
        raw_date, raw_kind, raw_name = row.get("date"), row.get("kind"), row.get("name", "")
    else:
        values = list(row) + ["", "", ""]
        raw_date, raw_kind, raw_name = values[0], values[1], values[2]
    day = _parse_date(raw_date)
    kind = parse_calendar_kind(raw_kind)
    name = str(raw_name or "").strip()
    problems: list[FieldProblem] = []

    def problem(column: str, message: str) -> None:
        problems.append(FieldProblem(f"row {number}: {column}", message))

    if day is None:
        problem("date", _("第%(row)d行 date 列：“%(value)s”不是有效日期（格式 YYYY-MM-DD）")
                % {"row": number, "value": raw_date or ""})
    elif not _MIN_YEAR <= day.year <= _MAX_YEAR:
        problem("date", _("第%(row)d行 date 列：年份 %(year)d 超出范围") % {"row": number, "year": day.year})
    if kind is None:
        problem("kind", _("第%(row)d行 kind 列：“%(value)s”应为 holiday（休）或 workday（班）")
                % {"row": number, "value": raw_kind or ""})
    if len(name) > 100:
        problem("name", _("第%(row)d行 name 列：名称不能超过100个字符") % {"row": number})
    if day is not None and kind == OfficialDay.Kind.WORKDAY and day.weekday() < 5:
        problem("kind", _("第%(row)d行 kind 列：调休上班日 %(date)s 是工作日（周一至周五），应为周六或周日")
                % {"row": number, "date": day.isoformat()})
    if day is not None and day in seen_row:
        problem("date", _("第%(row)d行 date 列：日期 %(date)s 与第%(other)d行重复")
                % {"row": number, "date": day.isoformat(), "other": seen_row[day]})
    return day, kind, name, problems


def calendar_import(*, rows: Iterable[Mapping[str, Any] | Sequence[Any]] | None = None,
                    file: str | os.PathLike | IO[Any] | None = None, source: str,
                    actor: Actor = None) -> CalendarImportResult:
    """Load a year's official schedule (date, kind, name per row; kind holiday/workday or 休/班).

    Every row is checked first; a bad file is rejected whole with one problem per bad row and column
    (`field` like "row 3: date"). Then, atomically, each year in the file has its days replaced, is marked
    official with `source`, the calendar revision is bumped (every process sees it) and an audit entry is
    written. Row numbers count the header as row 1 when reading a file, and from 1 for `rows`.
    """
    if (rows is None) == (file is None):
        raise ServiceError(_("请提供 rows 或 file 之一"), field="file")
    source = (source or "").strip()
    if not source:
        raise ServiceError(_("请填写来源（如国务院办公厅通知文号）"), field="source")
    if len(source) > 200:
        raise ServiceError(_("来源不能超过200个字符"), field="source")
    first_row = 1
    if file is not None:
        data: list[Any] = _read_rows(file)
        first_row = 2
    else:
        data = list(rows or [])
    problems: list[FieldProblem] = []
    parsed: dict[date, tuple[str, str]] = {}
    seen_row: dict[date, int] = {}
    for index, row in enumerate(data):
        number = index + first_row
        if isinstance(row, Mapping) and not row:
            continue
        day, kind, name, row_problems = _calendar_row(row, number, seen_row)
        if row_problems or day is None or kind is None:
            problems.extend(row_problems)
            continue
        seen_row[day] = number
        parsed[day] = (kind, name)
    if problems:
        raise ServiceError(
            _("日历文件有%(n)d处错误，未导入任何数据") % {"n": len(problems)}, field="file", problems=problems)
    if not parsed:
        raise ServiceError(_("日历文件没有数据行"), field="file")
    years = sorted({d.year for d in parsed})
    with transaction.atomic():
        year_rows = {}
        for year in years:
            obj, _created = CalendarYear.objects.select_for_update().update_or_create(
                year=year, defaults={"official": True, "source": source})
            year_rows[year] = obj
        replaced, _by_model = OfficialDay.objects.filter(date__year__in=years).delete()
        OfficialDay.objects.bulk_create(
            [OfficialDay(calendar_year=year_rows[d.year], date=d, kind=kind, name=name, source=source)
             for d, (kind, name) in sorted(parsed.items())], batch_size=500)
        revision = calendar_revision_bump()
        result = CalendarImportResult(
            years=years,
            holidays=sum(1 for k, _n in parsed.values() if k == OfficialDay.Kind.HOLIDAY),
            workdays=sum(1 for k, _n in parsed.values() if k == OfficialDay.Kind.WORKDAY),
            revision=revision, replaced=replaced)
        audit_log(actor=actor, action="calendar.import", target_type="core.calendaryear",
                  target_id=",".join(str(y) for y in years),
                  detail={"source": source, "holidays": result.holidays, "workdays": result.workdays,
                          "replaced": replaced, "revision": revision})
    return result


def calendar_year_save(*, year: int, official: bool, source: str = "", actor: Actor = None) -> CalendarYear:
    """Create or update a year's flag (official or provisional)."""
    if not isinstance(year, int) or not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ServiceError(_("年份应在%(lo)d至%(hi)d之间") % {"lo": _MIN_YEAR, "hi": _MAX_YEAR}, field="year")
    with transaction.atomic():
        obj, created = CalendarYear.objects.update_or_create(
            year=year, defaults={"official": bool(official), "source": (source or "").strip()[:200]})
        revision = calendar_revision_bump()
        audit_log(actor=actor, action="calendar.year_save", target=obj,
                  detail={"year": year, "official": bool(official), "created": created, "revision": revision})
    return obj


def calendar_year_delete(*, year: int, actor: Actor = None) -> None:
    """Remove a year and its days. A year the packaged schedules cover (2004–2026) falls back to them; any other
    year becomes provisional. To make a packaged year provisional, save it with official=False instead."""
    with transaction.atomic():
        deleted, _by_model = CalendarYear.objects.filter(year=year).delete()
        if not deleted:
            raise ServiceError(_("年度 %(year)s 不存在") % {"year": year}, field="year")
        revision = calendar_revision_bump()
        audit_log(actor=actor, action="calendar.year_delete", target_type="core.calendaryear",
                  target_id=str(year), detail={"revision": revision})


def calendar_day_save(*, day: date, kind: str, name: str = "", source: str = "", actor: Actor = None,
                      previous_date: date | None = None) -> OfficialDay:
    """Create or change one official day (the year row is created, provisional, if missing).

    `previous_date` moves an existing day to a new date.
    """
    kind_value = parse_calendar_kind(kind)
    if kind_value is None:
        raise ServiceError(_("类型应为 holiday（休）或 workday（班）"), field="kind")
    if not isinstance(day, date):
        raise ServiceError(_("请填写有效日期"), field="date")
    if kind_value == OfficialDay.Kind.WORKDAY and day.weekday() < 5:
        raise ServiceError(_("调休上班日应为周六或周日"), field="kind")
    with transaction.atomic():
        year_row, _created = CalendarYear.objects.get_or_create(year=day.year)
        if previous_date is not None and previous_date != day:
            OfficialDay.objects.filter(date=previous_date).delete()
        obj, created = OfficialDay.objects.update_or_create(
            date=day, defaults={"calendar_year": year_row, "kind": kind_value, "name": (name or "").strip()[:100],
                                "source": (source or "").strip()[:200]})
        revision = calendar_revision_bump()
        audit_log(actor=actor, action="calendar.day_save", target=obj,
                  detail={"date": day.isoformat(), "kind": kind_value, "created": created, "revision": revision,
                          "previous_date": previous_date.isoformat() if previous_date else None})
    return obj


def calendar_day_delete(*, day: date, actor: Actor = None) -> None:
    with transaction.atomic():
        deleted, _by_model = OfficialDay.objects.filter(date=day).delete()
        if not deleted:
            raise ServiceError(_("%(date)s 不是已登记的法定日") % {"date": day}, field="date")
        revision = calendar_revision_bump()
        audit_log(actor=actor, action="calendar.day_delete", target_type="core.officialday",
                  target_id=day.isoformat(), detail={"revision": revision})
