"""Moving the catalog in and out: Excel (two sheets 事项 / 材料, Chinese headers) and the national exchange CSVs.

- `catalog_export_xlsx() -> bytes` and `catalog_import_xlsx(*, file, actor) -> ImportResult` round-trip: an
  exported file imported again leaves the catalog as it was. Items are matched by 实施编码 and upserted; the
  materials of every item named in the file are replaced by the file's rows. A bad file is rejected whole:
  ServiceError lists every problem as `事项!C7` / `材料!B3` with a message, and nothing is changed.
- `national_basic_rows()` / `national_material_rows()` and `national_csv_bytes(...)`: the national exchange
  columns (dn_task_general_basic / dn_task_general_material, see docs/catalog.md for the value codes).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from onewindow.catalog.models import (
    CanonicalMaterial,
    Department,
    ItemHistory,
    ItemMaterial,
    ItemStatus,
    LimitUnit,
    MaterialForm,
    MaterialSource,
    ServiceItem,
    WindowCategory,
)
from onewindow.catalog.rules import VERSIONED_FIELDS, check_item_rules
from onewindow.catalog.selectors import catalog_for_export
from onewindow.core import clock
from onewindow.core.audit import audit_log
from onewindow.core.errors import FieldProblem, ServiceError
from onewindow.core.excel import xlsx_bytes

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
READ_ONLY_ITEM_FIELDS = {"version"}  # exported for information; managed by the system
# Columns added after the first files were exported: a file without them imports as before (fields untouched).
OPTIONAL_FIELDS = {"name_en", "result_name_en", "aliases_en", "speedup", "speedup_before_limit",
                   "speedup_standard_limit", "material_name_en"}
FK_MODELS = {"department": Department, "handling_department": Department, "window_category": WindowCategory}
REQUIRED_ITEM = {"code", "name", "department"}
FILE_LANGUAGE = "zh-hans"  # the file's choice labels are Chinese whatever the user's language
TRUE_WORDS = {"是", "true", "1", "yes", "y", "√"}
FALSE_WORDS = {"否", "false", "0", "no", "n", ""}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    materials: int = 0
    new_canonical: int = 0
    codes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"新增事项 {self.created} 个，更新 {self.updated} 个，未变 {self.unchanged} 个；"
                f"材料 {self.materials} 条（新增标准材料 {self.new_canonical} 种）")


# ---------------------------------------------------------------- export

def _display(obj: models.Model, name: str) -> Any:
    f = obj._meta.get_field(name)
    value = getattr(obj, name)
    if isinstance(f, models.ForeignKey):
        return value.code if value is not None else ""
    if isinstance(f, models.BooleanField):
        return "是" if value else "否"
    if f.choices:
        with translation.override(FILE_LANGUAGE):
            return str(getattr(obj, f"get_{name}_display")())
    return value


def catalog_export_xlsx() -> bytes:
    """Every item (any status) and its materials as an .xlsx workbook with sheets 事项 and 材料."""
    item_rows, material_rows = [], []
    for item in catalog_for_export():
        item_rows.append([_display(item, name) for _h, name in ITEM_COLUMNS])
        for im in item.materials.all():
            row = []
            for _h, name in MATERIAL_COLUMNS:
                if name == "item":
                    row.append(item.code)
                elif name == "item_name":
                    row.append(item.name)
                elif name == "material":
                    row.append(im.material.code)
                elif name == "material_name":
                    row.append(im.material.name)
                elif name == "material_name_en":
                    row.append(im.material.name_en)
                else:
                    row.append(_display(im, name))
            material_rows.append(row)
    return xlsx_bytes({ITEM_SHEET: ([h for h, _ in ITEM_COLUMNS], item_rows),
                       MATERIAL_SHEET: ([h for h, _ in MATERIAL_COLUMNS], material_rows)})


# ---------------------------------------------------------------- import

class _Problems:
    def __init__(self) -> None:
        self.items: list[FieldProblem] = []

    def add(self, sheet: str, row: int | None, col: int | None, message: str) -> None:
        where = sheet
        if col is not None and row is not None:
            where = f"{sheet}!{get_column_letter(col)}{row}"
        elif row is not None:
            where = f"{sheet}!{row}"
        self.items.append(FieldProblem(where, message))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _convert(model_field: models.Field, raw: Any) -> Any:
    """Cell value → Python value for `model_field`; raises ValidationError with a Chinese message."""
    text = _text(raw)
    if isinstance(model_field, models.BooleanField):
        low = text.lower()
        if low in TRUE_WORDS:
            return True
        if low in FALSE_WORDS:
            return False
        raise ValidationError("应填“是”或“否”")
    if text == "" and model_field.null:
        return None
    if model_field.choices:
        if text == "" and model_field.has_default():
            return model_field.get_default()
        with translation.override(FILE_LANGUAGE):
            choices = [(value, str(label)) for value, label in model_field.choices]
        for value, label in choices:
            if text in (str(value), label):
                return value
        labels = "、".join(label for _v, label in choices)
        raise ValidationError(f"“{text}”不是可选值（可选：{labels}）")
    if isinstance(model_field, (models.IntegerField,)):
        if text == "":
            if model_field.has_default():
                return model_field.get_default()
            raise ValidationError("不能为空")
        try:
            number = float(text)
        except ValueError:
            raise ValidationError(f"“{text}”不是整数") from None
        if not number.is_integer() or number < 0:
            raise ValidationError(f"“{text}”应为不小于 0 的整数")
        value = int(number)
        model_field.clean(value, None)
        return value
    value = text
    if model_field.max_length and len(value) > model_field.max_length:
        raise ValidationError(f"不能超过 {model_field.max_length} 个字（现有 {len(value)} 个）")
    return value


def _read_sheet(wb: Any, name: str, columns: list[tuple[str, str]], problems: _Problems
                ) -> list[tuple[int, dict[str, tuple[int, Any]]]]:
    """Rows of a sheet as (row number, {field: (column number, raw value)}). Blank rows are skipped."""
    if name not in wb.sheetnames:
        problems.add(name, None, None, f"缺少工作表“{name}”")
        return []
    ws = wb[name]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions: dict[str, int] = {}
    for col, h in enumerate(header, start=1):
        title = _text(h)
        for heading, fname in columns:
            if title == heading and fname not in positions:
                positions[fname] = col
    missing = [h for h, f in columns
               if f not in positions and f not in READ_ONLY_ITEM_FIELDS | OPTIONAL_FIELDS | {"item_name"}]
    for h in missing:
        problems.add(name, 1, None, f"缺少列“{h}”")
    if missing:
        return []
    out = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(_text(v) == "" for v in values):
            continue
        cells = {f: (c, values[c - 1] if c - 1 < len(values) else None) for f, c in positions.items()}
        out.append((number, cells))
    return out


@dataclass
class _ItemRow:
    number: int
    values: dict[str, Any]
    columns: dict[str, int]


@dataclass
class _MaterialRow:
    number: int
    item_code: str
    material_code: str
    material_name: str
    values: dict[str, Any]
    material_name_en: str = ""


def _parse(file: Any) -> tuple[list[_ItemRow], list[_MaterialRow]]:
    problems = _Problems()
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is the same error for the user
        raise ServiceError("无法读取文件：请上传由本系统导出的 .xlsx 文件", field="file") from None
    item_sheet = _read_sheet(wb, ITEM_SHEET, ITEM_COLUMNS, problems)
    material_sheet = _read_sheet(wb, MATERIAL_SHEET, MATERIAL_COLUMNS, problems)
    departments = {d.code: d for d in Department.objects.all()}
    categories = {c.code: c for c in WindowCategory.objects.all()}
    lookups = {"department": departments, "handling_department": departments, "window_category": categories}

    items: list[_ItemRow] = []
    seen_codes: dict[str, int] = {}
    for number, cells in item_sheet:
        values: dict[str, Any] = {}
        columns = {f: c for f, (c, _v) in cells.items()}
        ok = True
        for fname, (col, raw) in cells.items():
            if fname in READ_ONLY_ITEM_FIELDS:
                continue
            f = ServiceItem._meta.get_field(fname)
            if fname in FK_MODELS:
                code = _text(raw)
                if not code:
                    if fname in REQUIRED_ITEM:
                        problems.add(ITEM_SHEET, number, col, f"{f.verbose_name}不能为空")
                        ok = False
                    values[fname] = None
                elif code not in lookups[fname]:
                    problems.add(ITEM_SHEET, number, col, f"没有编码为“{code}”的{f.verbose_name}")
                    ok = False
                else:
                    values[fname] = lookups[fname][code]
                continue
            try:
                values[fname] = _convert(f, raw)
            except ValidationError as exc:
                problems.add(ITEM_SHEET, number, col, f"{f.verbose_name}：{'；'.join(exc.messages)}")
                ok = False
                continue
            if fname in REQUIRED_ITEM and values[fname] in ("", None):
                problems.add(ITEM_SHEET, number, col, f"{f.verbose_name}不能为空")
                ok = False
        code = values.get("code", "")
        if code:
            if code in seen_codes:
                problems.add(ITEM_SHEET, number, columns["code"], f"实施编码“{code}”与第 {seen_codes[code]} 行重复")
                ok = False
            else:
                seen_codes[code] = number
        if ok:
            rule_values = {"legal_limit_unit": LimitUnit.WORKDAY, "promised_limit_unit": LimitUnit.WORKDAY, **values}
            for p in check_item_rules(rule_values):
                problems.add(ITEM_SHEET, number, columns.get(p.field or ""), str(p.message))
        items.append(_ItemRow(number, values, columns))

    known_items = set(ServiceItem.objects.values_list("code", flat=True)) | set(seen_codes)
    canonical = {m.code: m.name for m in CanonicalMaterial.objects.all()}
    canonical_names = {name: code for code, name in canonical.items()}
    new_names: dict[str, str] = {}
    materials: list[_MaterialRow] = []
    seen_pairs: dict[tuple[str, str], int] = {}
    for number, cells in material_sheet:
        values = {}
        item_code = _text(cells["item"][1])
        material_code = _text(cells["material"][1])
        material_name = _text(cells["material_name"][1])
        if not item_code:
            problems.add(MATERIAL_SHEET, number, cells["item"][0], "实施编码不能为空")
        elif item_code not in known_items:
            problems.add(MATERIAL_SHEET, number, cells["item"][0], f"没有实施编码为“{item_code}”的事项")
        if not material_code:
            problems.add(MATERIAL_SHEET, number, cells["material"][0], "材料编码不能为空")
        elif material_code not in canonical:
            if not material_name:
                problems.add(MATERIAL_SHEET, number, cells["material_name"][0], "新材料编码须填写材料名称")
            elif material_name in canonical_names or new_names.get(material_name, material_code) != material_code:
                problems.add(MATERIAL_SHEET, number, cells["material_name"][0],
                             f"材料名称“{material_name}”已用于其他材料编码")
            else:
                new_names[material_name] = material_code
        pair = (item_code, material_code)
        if item_code and material_code:
            if pair in seen_pairs:
                problems.add(MATERIAL_SHEET, number, cells["material"][0],
                             f"同一事项的材料“{material_code}”与第 {seen_pairs[pair]} 行重复")
            else:
                seen_pairs[pair] = number
        row_ok = True
        for fname, (col, raw) in cells.items():
            if fname in ("item", "item_name", "material", "material_name", "material_name_en"):
                continue
            f = ItemMaterial._meta.get_field(fname)
            try:
                values[fname] = _convert(f, raw)
            except ValidationError as exc:
                problems.add(MATERIAL_SHEET, number, col, f"{f.verbose_name}：{'；'.join(exc.messages)}")
                row_ok = False
        if row_ok and values.get("originals") == 0 and values.get("copies") == 0 \
                and values.get("source") != MaterialSource.SHARED:
            problems.add(MATERIAL_SHEET, number, cells["originals"][0], "原件份数和复印件份数不能同时为 0（数据共享免提交的除外）")
        name_en = _text(cells["material_name_en"][1]) if "material_name_en" in cells else ""
        materials.append(_MaterialRow(number, item_code, material_code, material_name, values, name_en))

    if problems.items:
        raise ServiceError(f"导入文件有 {len(problems.items)} 处错误，未做任何修改", problems=problems.items)
    return items, materials


@transaction.atomic
def catalog_import_xlsx(*, file: Any, actor: Any) -> ImportResult:
    """Import items and materials from an .xlsx made by `catalog_export_xlsx` (or edited from one)."""
    item_rows, material_rows = _parse(file)
    result = ImportResult()
    existing = {i.code: i for i in ServiceItem.objects.filter(code__in=[r.values["code"] for r in item_rows])
                .select_related("department", "handling_department", "window_category")}
    by_code: dict[str, ServiceItem] = {}
    versioned_items: list[ServiceItem] = []
    for row in item_rows:
        values = row.values
        item = existing.get(values["code"])
        if item is None:
            item = ServiceItem(**values)
            item.version = 1
            item.save()
            versioned_items.append(item)
            result.created += 1
        else:
            changed = [f for f, v in values.items() if getattr(item, f) != v]
            if changed:
                versioned = [f for f in VERSIONED_FIELDS if f in changed]
                if versioned and not item.history.filter(version=item.version).exists():
                    _history(item, actor=None, note="导入前版本")
                for f, v in values.items():
                    setattr(item, f, v)
                if versioned:
                    item.version += 1
                    versioned_items.append(item)
                item.save()
                result.updated += 1
            else:
                result.unchanged += 1
        by_code[item.code] = item
        result.codes.append(item.code)

    canonical = {m.code: m for m in CanonicalMaterial.objects.all()}
    for row in material_rows:
        if row.material_code not in canonical:
            canonical[row.material_code] = CanonicalMaterial.objects.create(
                code=row.material_code, name=row.material_name, name_en=row.material_name_en)
            result.new_canonical += 1
        elif row.material_name_en and canonical[row.material_code].name_en != row.material_name_en:
            canonical[row.material_code].name_en = row.material_name_en
            canonical[row.material_code].save(update_fields=["name_en"])
    touched = set(by_code) | {r.item_code for r in material_rows}
    missing = touched - set(by_code)
    by_code.update({i.code: i for i in ServiceItem.objects.filter(code__in=missing)})
    wanted: dict[str, list[_MaterialRow]] = {code: [] for code in touched}
    for row in material_rows:
        wanted[row.item_code].append(row)
    current: dict[int, dict[str, ItemMaterial]] = {}
    for im in ItemMaterial.objects.filter(item__code__in=touched).select_related("material"):
        current.setdefault(im.item_id, {})[im.material.code] = im
    for code, rows in wanted.items():
        item = by_code[code]
        have = current.get(item.pk, {})
        keep = {r.material_code for r in rows}
        stale = [im.pk for mcode, im in have.items() if mcode not in keep]
        if stale:
            ItemMaterial.objects.filter(pk__in=stale).delete()
        for r in rows:
            im = have.get(r.material_code)
            if im is None:
                ItemMaterial.objects.create(item=item, material=canonical[r.material_code], **r.values)
            elif any(getattr(im, k) != v for k, v in r.values.items()):
                for k, v in r.values.items():
                    setattr(im, k, v)
                im.save()
            result.materials += 1
    for item in versioned_items:
        _history(item, actor=actor, note="Excel 导入")
    audit_log(actor=actor, action="catalog.import_xlsx", target_type="catalog.serviceitem",
              detail={"created": result.created, "updated": result.updated, "materials": result.materials})
    return result


def _history(item: ServiceItem, *, actor: Any, note: str) -> None:
    ItemHistory.objects.update_or_create(
        item=item, version=item.version,
        defaults={"effective_from": clock.today(), "legal_limit": item.legal_limit,
                  "promised_limit": item.promised_limit, "handling_type": item.handling_type,
                  "max_visits": item.max_visits, "material_count": item.materials.count(),
                  "online_depth": item.online_depth, "note": note,
                  "changed_by": actor if getattr(actor, "is_authenticated", False) else None,
                  "recorded_at": clock.now()})


# ---------------------------------------------------------------- national exchange CSV

NATIONAL_BASIC_COLUMNS = [
    "task_name", "catalog_code", "task_code", "task_type", "task_state", "task_version", "use_level",
    "dept_code", "dept_name", "dept_type", "by_law", "anticipate_day", "anticipate_type", "anticipate_explain",
    "promise_day", "promise_type", "promise_explain", "project_type", "accept_condition", "handle_flow",
    "handle_type", "limit_scene_num", "limit_scene_explain", "is_fee", "fee_basis", "server_type", "is_online",
    "online_handle_depth", "is_entry_center", "is_express", "is_pay_online", "is_schedule", "result_name",
    "link_way", "supervise_way", "transact_addr", "transact_time", "handle_area", "cd_operation", "cd_time",
]
NATIONAL_MATERIAL_COLUMNS = [
    "task_code", "task_name", "material_name", "material_type", "material_format", "is_need", "source_type",
    "source_explain", "page_num", "page_format", "original_num", "copy_num", "form_guid", "example_guid",
    "fill_explain", "order_num",
]
LIMIT_TYPE = {LimitUnit.WORKDAY: "1", LimitUnit.NATURAL_DAY: "2"}  # 1 工作日 2 自然日
TASK_STATE = {ItemStatus.PUBLISHED: "1", ItemStatus.RETIRED: "2", ItemStatus.DRAFT: "0"}
SERVER_TYPE = {"person": "1", "enterprise": "2", "both": "1^2"}  # GB/T 39046 A.4
MATERIAL_FORMAT = {MaterialForm.PAPER: "1", MaterialForm.ELECTRONIC: "2", MaterialForm.BOTH: "3"}
SOURCE_TYPE = {MaterialSource.APPLICANT: "10", MaterialSource.GOVERNMENT: "20", MaterialSource.INTERMEDIARY: "30",
               MaterialSource.SHARED: "99"}


def _flag(value: bool) -> str:
    return "1" if value else "0"


def national_basic_rows(items: Iterable[ServiceItem]) -> list[list[str]]:
    stamp = clock.now().strftime("%Y-%m-%d %H:%M:%S")
    rows = []
    for it in items:
        forms = [f.strip() for f in it.handling_forms.split(",") if f.strip()]
        rows.append([
            it.name, it.basic_code, it.code, it.item_type, TASK_STATE.get(it.status, "0"), str(it.version),
            it.exercise_level, it.department.credit_code or it.department.code, it.department.name, "1",
            it.legal_basis, str(it.legal_limit), LIMIT_TYPE.get(it.legal_limit_unit, "1"), "",
            str(it.promised_limit), LIMIT_TYPE.get(it.promised_limit_unit, "1"),
            "即办" if it.is_instant else "", it.handling_type, it.acceptance_conditions, it.process_steps,
            "^".join(forms), str(it.max_visits), it.visits_reason, _flag(it.has_fee), it.fee_basis,
            SERVER_TYPE.get(it.audience, "1"), _flag(it.online_depth >= 2),
            "^".join(str(d) for d in range(1, it.online_depth + 1)), "1", _flag(it.supports_post),
            _flag(it.supports_online_payment), _flag(it.supports_appointment), it.result_name, it.consult_phone,
            it.complaint_phone, it.place, it.hours, "", "I", stamp,
        ])
    return rows


def national_material_rows(items: Iterable[ServiceItem]) -> list[list[str]]:
    rows = []
    for it in items:
        for n, im in enumerate(it.materials.all(), start=1):
            kind = "3" if im.originals and im.copies else ("1" if im.originals else ("2" if im.copies else ""))
            rows.append([
                it.code, it.name, im.material.name, kind, MATERIAL_FORMAT.get(im.form, "3"), im.necessity,
                SOURCE_TYPE.get(im.source, "99"), im.get_source_display(), str(im.originals + im.copies),
                im.paper_size, str(im.originals), str(im.copies), _flag(im.has_blank_form), _flag(im.has_sample),
                im.notes, str(n),
            ])
    return rows


def csv_bytes(headers: list[str], rows: list[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark so that Excel opens Chinese text correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def national_basic_csv(*, published_only: bool = True) -> bytes:
    items = list(catalog_for_export().filter(status=ItemStatus.PUBLISHED) if published_only else catalog_for_export())
    return csv_bytes(NATIONAL_BASIC_COLUMNS, national_basic_rows(items))


def national_material_csv(*, published_only: bool = True) -> bytes:
    items = list(catalog_for_export().filter(status=ItemStatus.PUBLISHED) if published_only else catalog_for_export())
    return csv_bytes(NATIONAL_MATERIAL_COLUMNS, national_material_rows(items))
