"""The Excel import of survey callbacks (回访调查): one suggestion per row, channel `survey`.

All rows or none: every problem is reported by row and column (第3行“联系电话”…) and nothing is written until
the whole file reads cleanly; then the rows are received in one transaction with one audit entry.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.actors import Actor
from onewindow.core.audit import audit_log
from onewindow.core.errors import FieldProblem, ServiceError
from onewindow.core.validators import clean_text
from onewindow.feedback.inputs import clean_phone, one_line
from onewindow.feedback.models import Suggestion, SuggestionCategory, SuggestionKind, VoiceChannel
from onewindow.feedback.services.suggestions import CHINA, suggestion_receive

SURVEY_COLUMNS = ["回访日期", "姓名", "联系电话", "类别编码", "反映内容", "诉求类型"]
REQUIRED_COLUMNS = SURVEY_COLUMNS[:5]
KIND_BY_LABEL = {str(k.label): k.value for k in SuggestionKind} | {k.value: k.value for k in SuggestionKind}


def _sheet_rows(file: IO[bytes] | bytes) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    try:
        data = file.read() if hasattr(file, "read") else file
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ServiceError(_("无法读取文件，请上传 .xlsx 格式的 Excel 文件"), field="file") from exc
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    if not rows:
        raise ServiceError(_("文件是空的"), field="file")
    return rows


def _columns(header_row: tuple[Any, ...]) -> dict[str, int]:
    header = [str(c).strip() if c is not None else "" for c in header_row]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ServiceError(_("缺少列：%(cols)s（第1行应为：%(all)s）") % {"cols": "、".join(missing),
                                                                  "all": "、".join(SURVEY_COLUMNS)}, field="file")
    return {name: header.index(name) for name in SURVEY_COLUMNS if name in header}


@dataclass
class _Row:
    """One data row read against the columns: its values and what is wrong with them."""

    number: int
    cells: tuple[Any, ...]
    columns: dict[str, int]
    problems: list[FieldProblem] = field(default_factory=list)

    def cell(self, name: str) -> Any:
        i = self.columns.get(name)
        return self.cells[i] if i is not None and i < len(self.cells) else None

    def problem(self, column: str, message: str) -> None:
        self.problems.append(FieldProblem(f"{self.where}·{column}", message))

    @property
    def where(self) -> str:
        return _("第%(n)d行") % {"n": self.number}


def _day(row: _Row) -> dt.datetime | None:
    raw = row.cell("回访日期")
    if isinstance(raw, dt.datetime):
        when = raw.replace(tzinfo=CHINA) if raw.tzinfo is None else raw
    elif isinstance(raw, dt.date):
        when = dt.datetime.combine(raw, dt.time(9, 0), tzinfo=CHINA)
    else:
        try:
            when = dt.datetime.combine(dt.date.fromisoformat(str(raw).strip()), dt.time(9, 0), tzinfo=CHINA)
        except (TypeError, ValueError):
            row.problem("回访日期", _("%(w)s“回访日期”应为日期，如 2026-11-02") % {"w": row.where})
            return None
    if when > clock.now():
        row.problem("回访日期", _("%(w)s“回访日期”不能晚于今天") % {"w": row.where})
    return when


def _phone(row: _Row) -> str:
    try:
        return clean_phone(str(row.cell("联系电话") or ""), "phone", required=True)
    except ServiceError as exc:
        row.problem("联系电话", _("%(w)s“联系电话”：%(m)s") % {"w": row.where, "m": exc.message})
        return ""


Prepared = tuple[SuggestionCategory, dict[str, Any], dt.datetime]


def _read_row(row: _Row, categories: dict[str, SuggestionCategory]) -> Prepared | None:
    """What one row will create, or None when it cannot (its problems are on the row)."""
    when = _day(row)
    code = str(row.cell("类别编码") or "").strip()
    if code not in categories:
        row.problem("类别编码", _("%(w)s“类别编码”%(c)s不存在") % {"w": row.where, "c": code or _("（空）")})
    text = clean_text(row.cell("反映内容") or "")
    if not text:
        row.problem("反映内容", _("%(w)s“反映内容”不能为空") % {"w": row.where})
    phone = _phone(row)
    kind = KIND_BY_LABEL.get(str(row.cell("诉求类型") or "").strip() or SuggestionKind.SUGGESTION.value)
    if kind is None:
        row.problem("诉求类型", _("%(w)s“诉求类型”应为建议、投诉、咨询、求助或表扬") % {"w": row.where})
    if code not in categories or not text or when is None:
        return None
    return categories[code], {
        "description": text, "title": "", "citizen_name": one_line(row.cell("姓名") or "", 50), "phone": phone,
        "email": "", "address": "", "address_id": "", "media_url": "", "device_id": "", "account_id": "",
        "attributes": {}, "kind": kind or SuggestionKind.SUGGESTION, "channel": VoiceChannel.SURVEY,
        "lat": None, "long": None}, when


def suggestion_import_survey(*, file: IO[bytes] | bytes, actor: Actor) -> list[Suggestion]:
    """Import survey callbacks (回访调查) from .xlsx: all rows or none; errors name row and column."""
    rows = _sheet_rows(file)
    columns = _columns(rows[0])
    categories = {c.code: c for c in SuggestionCategory.objects.filter(active=True).select_related("department")}
    problems: list[FieldProblem] = []
    prepared: list[Prepared] = []
    for n, cells in enumerate(rows[1:], start=2):
        if all(v in (None, "") for v in cells):
            continue
        row = _Row(n, cells, columns)
        read = _read_row(row, categories)
        problems.extend(row.problems)
        if read is not None:
            prepared.append(read)
    if problems:
        raise ServiceError(_("导入失败，文件未导入任何数据，共%(n)d处错误") % {"n": len(problems)}, problems=problems)
    if not prepared:
        raise ServiceError(_("文件中没有数据行"), field="file")
    with transaction.atomic():
        created = [suggestion_receive(category=category, fields=fields, actor=actor, received_at=when)
                   for category, fields, when in prepared]
        audit_log(actor=actor, action="feedback.survey_import", target_type="feedback.suggestion",
                  detail={"rows": len(created)})
    return created
