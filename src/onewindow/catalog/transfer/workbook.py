"""The catalog workbook's format: two sheets (事项 / 材料) with Chinese headers, and how a cell's text maps to a
model value and back. Choice columns take the Chinese label or the code, yes/no columns 是/否; the file's
language does not depend on the user's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from onewindow.core.errors import FieldProblem

ITEM_SHEET = "事项"
MATERIAL_SHEET = "材料"

# (header, model field) for the item sheet; FK columns carry the related object's code.
ITEM_COLUMNS: list[tuple[str, str]] = [
    ("实施编码", "code"), ("事项名称", "name"), ("基本编码", "basic_code"), ("事项类型", "item_type"),
    ("行使层级", "exercise_level"), ("实施主体编码", "department"), ("承办机构编码", "handling_department"),
    ("窗口类别编码", "window_category"), ("法定办结时限", "legal_limit"), ("法定时限单位", "legal_limit_unit"),
    ("承诺办结时限", "promised_limit"), ("承诺时限单位", "promised_limit_unit"), ("办件类型", "handling_type"),
    ("服务对象", "audience"), ("受理条件", "acceptance_conditions"), ("办理流程", "process_steps"),
    ("审批结果名称", "result_name"), ("是否收费", "has_fee"), ("收费依据及标准", "fee_basis"),
    ("办理形式", "handling_forms"), ("网上办理深度", "online_depth"), ("到办事现场次数", "max_visits"),
    ("必须现场办理原因", "visits_reason"), ("支持预约办理", "supports_appointment"), ("支持物流快递", "supports_post"),
    ("支持网上支付", "supports_online_payment"), ("办理地点", "place"), ("办理时间", "hours"),
    ("咨询电话", "consult_phone"), ("监督投诉电话", "complaint_phone"), ("设定依据", "legal_basis"),
    ("事项说明", "description"), ("别名/俗称", "aliases"), ("常见问题", "faq"), ("状态", "status"),
    ("版本", "version"),
    # added later, at the end so that the columns above keep their letters
    ("事项名称（英文）", "name_en"), ("审批结果名称（英文）", "result_name_en"), ("别名/俗称（英文）", "aliases_en"),
    ("提速办", "speedup"), ("提速前承诺时限", "speedup_before_limit"), ("部定压缩标准", "speedup_standard_limit"),
]
MATERIAL_COLUMNS: list[tuple[str, str]] = [
    ("实施编码", "item"), ("事项名称", "item_name"), ("材料编码", "material"), ("材料名称", "material_name"),
    ("来源渠道", "source"), ("必要性", "necessity"), ("原件份数", "originals"), ("复印件份数", "copies"),
    ("材料形式", "form"), ("纸质规格", "paper_size"), ("有空白表格", "has_blank_form"), ("有示例样表", "has_sample"),
    ("填报须知/备注", "notes"), ("排序", "order"),
    ("材料名称（英文）", "material_name_en"),  # added later, at the end
]
# Columns that describe rather than set: the material sheet's item and material columns, the item's version.
MATERIAL_KEYS = {"item", "item_name", "material", "material_name", "material_name_en"}
READ_ONLY_ITEM_FIELDS = {"version"}  # exported for information; managed by the system
# Columns added after the first files were exported: a file without them imports as before (fields untouched).
OPTIONAL_COLUMNS = {"name_en", "result_name_en", "aliases_en", "speedup", "speedup_before_limit",
                    "speedup_standard_limit", "material_name_en", "item_name", "version"}
FILE_LANGUAGE = "zh-hans"  # the file's choice labels are Chinese whatever the user's language
TRUE_WORDS = {"是", "true", "1", "yes", "y", "√"}
FALSE_WORDS = {"否", "false", "0", "no", "n", ""}

Cell = tuple[int, Any]  # (column number, raw value)


def model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field)  # the columns name concrete fields only
    return found


def display(obj: models.Model, name: str) -> Any:
    """A model value as the file shows it: a related object's code, 是/否, a choice's Chinese label."""
    f = model_field(type(obj), name)
    value = getattr(obj, name)
    if isinstance(f, models.ForeignKey):
        return value.code if value is not None else ""
    if isinstance(f, models.BooleanField):
        return "是" if value else "否"
    if f.choices:
        with translation.override(FILE_LANGUAGE):
            return str(getattr(obj, f"get_{name}_display")())
    return value


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _choice(f: models.Field[Any, Any], raw: str) -> Any:
    if raw == "" and f.has_default():
        return f.get_default()
    with translation.override(FILE_LANGUAGE):
        choices = [(value, str(label)) for value, label in f.flatchoices]
    for value, label in choices:
        if raw in (str(value), label):
            return value
    labels = "、".join(label for _v, label in choices)
    raise ValidationError(_("“%(value)s”不是可选值（可选：%(labels)s）") % {"value": raw, "labels": labels})


def _integer(f: models.Field[Any, Any], raw: str) -> int:
    if raw == "":
        if f.has_default():
            return int(f.get_default())
        raise ValidationError(_("不能为空"))
    try:
        number = float(raw)
    except ValueError:
        raise ValidationError(_("“%(value)s”不是整数") % {"value": raw}) from None
    if not number.is_integer() or number < 0:
        raise ValidationError(_("“%(value)s”应为不小于 0 的整数") % {"value": raw})
    value = int(number)
    f.clean(value, None)
    return value


def convert(f: models.Field[Any, Any], raw: Any) -> Any:
    """Cell value → Python value for `f`; raises ValidationError with a Chinese message."""
    value = text(raw)
    if isinstance(f, models.BooleanField):
        if value.lower() in TRUE_WORDS:
            return True
        if value.lower() in FALSE_WORDS:
            return False
        raise ValidationError(_("应填“是”或“否”"))
    if value == "" and f.null:
        return None
    if f.choices:
        return _choice(f, value)
    if isinstance(f, models.IntegerField):
        return _integer(f, value)
    if f.max_length and len(value) > f.max_length:
        raise ValidationError(_("不能超过 %(max)d 个字（现有 %(n)d 个）") % {"max": f.max_length, "n": len(value)})
    return value


class Problems:
    """Every problem of a file, each named by where it is: `事项!C7`, `材料!3` (a row) or `材料` (a sheet)."""

    def __init__(self) -> None:
        self.items: list[FieldProblem] = []

    def add(self, sheet: str, row: int | None, col: int | None, message: str) -> None:
        where = sheet
        if col is not None and row is not None:
            where = f"{sheet}!{get_column_letter(col)}{row}"
        elif row is not None:
            where = f"{sheet}!{row}"
        self.items.append(FieldProblem(where, message))


@dataclass(frozen=True)
class SheetRow:
    number: int  # the spreadsheet's row number
    cells: dict[str, Cell]  # field → (column number, raw value)

    def raw(self, name: str) -> Any:
        return self.cells[name][1] if name in self.cells else None

    def col(self, name: str) -> int | None:
        return self.cells[name][0] if name in self.cells else None


def read_sheet(wb: Any, name: str, columns: list[tuple[str, str]], problems: Problems) -> Iterator[SheetRow]:
    """The rows of a sheet, blank rows skipped; a missing sheet or required column is a problem (no rows)."""
    if name not in wb.sheetnames:
        problems.add(name, None, None, _("缺少工作表“%(sheet)s”") % {"sheet": name})
        return
    rows = iter(wb[name].iter_rows(values_only=True))
    header: tuple[Any, ...] = next(rows, ()) or ()
    positions: dict[str, int] = {}
    for col, heading in enumerate(header, start=1):
        for title, field_name in columns:
            if text(heading) == title and field_name not in positions:
                positions[field_name] = col
    missing = [title for title, f in columns if f not in positions and f not in OPTIONAL_COLUMNS]
    for title in missing:
        problems.add(name, 1, None, _("缺少列“%(column)s”") % {"column": title})
    if missing:
        return
    for number, values in enumerate(rows, start=2):
        if values is None or all(text(v) == "" for v in values):
            continue
        yield SheetRow(number, {f: (c, values[c - 1] if c - 1 < len(values) else None) for f, c in positions.items()})
