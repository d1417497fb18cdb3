"""Importing the catalog workbook (made by `export.catalog_export_xlsx`, or edited from one).

Items are matched by 实施编码 and upserted; the materials of every item named in the file (either sheet) become
exactly the file's rows. A bad file is rejected whole: ServiceError lists every problem as `事项!C7` / `材料!B3`
with a message, and nothing is changed. The item rules are the ones every write applies (catalog/rules.py),
checked on the item as the file leaves it; a changed limit makes a new version (ItemHistory), a changed status
moves through publish / retire like in the admin.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from onewindow.catalog.models import (
    CanonicalMaterial,
    Department,
    ItemMaterial,
    ItemStatus,
    LimitUnit,
    MaterialSource,
    ServiceItem,
    WindowCategory,
)
from onewindow.catalog.rules import check_item_rules
from onewindow.catalog.services.items import (
    item_publish,
    item_retire,
    item_sync_material_count,
    record_version,
    versioned_changes,
)
from onewindow.catalog.transfer.workbook import (
    ITEM_COLUMNS,
    ITEM_SHEET,
    MATERIAL_COLUMNS,
    MATERIAL_KEYS,
    MATERIAL_SHEET,
    READ_ONLY_ITEM_FIELDS,
    Problems,
    SheetRow,
    convert,
    model_field,
    read_sheet,
    text,
)
from onewindow.core.actors import Actor
from onewindow.core.audit import audit_log
from onewindow.core.errors import ServiceError

FOREIGN_KEYS = ("department", "handling_department", "window_category")
REQUIRED_ITEM = {"code", "name", "department"}
STATUS_MOVES = {ItemStatus.PUBLISHED: item_publish, ItemStatus.RETIRED: item_retire}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    materials: int = 0
    new_canonical: int = 0
    codes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _("新增事项 %(created)s 个，更新 %(updated)s 个，未变 %(unchanged)s 个；"
                 "材料 %(materials)s 条（新增标准材料 %(new_canonical)s 种）") % {
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "materials": self.materials, "new_canonical": self.new_canonical}


@dataclass
class ItemRow:
    number: int
    values: dict[str, Any]
    columns: dict[str, int]


@dataclass
class MaterialRow:
    number: int
    item_code: str
    material_code: str
    material_name: str
    values: dict[str, Any]
    material_name_en: str = ""


# ---------------------------------------------------------------- reading and checking


class _ItemSheet:
    """Reads the 事项 sheet into values, checking codes, conversions and the item rules."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        departments = {d.code: d for d in Department.objects.all()}
        self.lookups: dict[str, dict[str, Any]] = {
            "department": departments, "handling_department": departments,
            "window_category": {c.code: c for c in WindowCategory.objects.all()}}
        self.seen: dict[str, int] = {}  # code → row number

    def read(self, rows: Iterable[SheetRow]) -> list[ItemRow]:
        parsed = [self._row(row) for row in rows]
        existing = {i.code: i for i in ServiceItem.objects.filter(code__in=list(self.seen))}
        for row in parsed:
            if row is not None:
                self._check_rules(row, existing.get(row.values.get("code", "")))
        return [row for row in parsed if row is not None]

    def _row(self, row: SheetRow) -> ItemRow | None:
        values: dict[str, Any] = {}
        ok = True
        for name in row.cells:
            if name not in READ_ONLY_ITEM_FIELDS:
                ok = self._value(row, name, values) and ok
        code = values.get("code", "")
        if code and code in self.seen:
            self.problems.add(ITEM_SHEET, row.number, row.col("code"), _("实施编码“%(code)s”与第 %(row)s 行重复") % {"code": code, "row": self.seen[code]})
            ok = False
        elif code:
            self.seen[code] = row.number
        return ItemRow(row.number, values, {f: c for f, (c, _v) in row.cells.items()}) if ok else None

    def _value(self, row: SheetRow, name: str, values: dict[str, Any]) -> bool:
        """Convert one cell into `values`; False (and a problem) when it cannot be."""
        f = model_field(ServiceItem, name)
        raw = row.raw(name)
        if name in FOREIGN_KEYS:
            code = text(raw)
            if code and code not in self.lookups[name]:
                self.problems.add(ITEM_SHEET, row.number, row.col(name), _("没有编码为“%(code)s”的%(what)s") % {"code": code, "what": f.verbose_name})
                return False
            values[name] = self.lookups[name].get(code)
        else:
            try:
                values[name] = convert(f, raw)
            except ValidationError as exc:
                self.problems.add(ITEM_SHEET, row.number, row.col(name), _("%(field)s：%(problems)s") % {"field": f.verbose_name, "problems": _("；").join(exc.messages)})
                return False
        if name in REQUIRED_ITEM and values[name] in ("", None):
            self.problems.add(ITEM_SHEET, row.number, row.col(name), _("%(field)s不能为空") % {"field": f.verbose_name})
            return False
        return True

    def _check_rules(self, row: ItemRow, existing: ServiceItem | None) -> None:
        """The item rules on the item as the file would leave it (its other fields as they are today)."""
        base: dict[str, Any] = {"legal_limit_unit": LimitUnit.WORKDAY, "promised_limit_unit": LimitUnit.WORKDAY}
        if existing is not None:
            base = {f.name: getattr(existing, f.name) for f in ServiceItem._meta.concrete_fields}
            if row.values.get("status") == ItemStatus.DRAFT and existing.status != ItemStatus.DRAFT:
                self.problems.add(ITEM_SHEET, row.number, row.columns.get("status"), _("已发布或停用的事项不能改回草稿"))
        for problem in check_item_rules({**base, **row.values}):
            self.problems.add(ITEM_SHEET, row.number, row.columns.get(problem.field or ""), str(problem.message))


class _MaterialSheet:
    """Reads the 材料 sheet: known items, known or well-named new materials, each pair once, a copy or original."""

    def __init__(self, problems: Problems, known_items: set[str]) -> None:
        self.problems = problems
        self.known_items = known_items
        self.canonical = dict(CanonicalMaterial.objects.values_list("code", "name"))
        self.canonical_names = set(self.canonical.values())
        self.new_names: dict[str, str] = {}  # name → the new code it was given
        self.seen: dict[tuple[str, str], int] = {}

    def read(self, rows: Iterable[SheetRow]) -> list[MaterialRow]:
        return [self._row(row) for row in rows]

    def _row(self, row: SheetRow) -> MaterialRow:
        item_code, material_code = text(row.raw("item")), text(row.raw("material"))
        material_name = text(row.raw("material_name"))
        self._check_item(row, item_code)
        self._check_material(row, material_code, material_name)
        if item_code and material_code:
            pair = (item_code, material_code)
            if pair in self.seen:
                self.problems.add(MATERIAL_SHEET, row.number, row.col("material"),
                                  _("同一事项的材料“%(code)s”与第 %(row)s 行重复") % {"code": material_code, "row": self.seen[pair]})
            else:
                self.seen[pair] = row.number
        return MaterialRow(row.number, item_code, material_code, material_name, self._values(row),
                           text(row.raw("material_name_en")))

    def _check_item(self, row: SheetRow, item_code: str) -> None:
        if not item_code:
            self.problems.add(MATERIAL_SHEET, row.number, row.col("item"), _("实施编码不能为空"))
        elif item_code not in self.known_items:
            self.problems.add(MATERIAL_SHEET, row.number, row.col("item"), _("没有实施编码为“%(code)s”的事项") % {"code": item_code})

    def _check_material(self, row: SheetRow, code: str, name: str) -> None:
        if not code:
            self.problems.add(MATERIAL_SHEET, row.number, row.col("material"), _("材料编码不能为空"))
        elif code in self.canonical:
            return
        elif not name:
            self.problems.add(MATERIAL_SHEET, row.number, row.col("material_name"), _("新材料编码须填写材料名称"))
        elif name in self.canonical_names or self.new_names.get(name, code) != code:
            self.problems.add(MATERIAL_SHEET, row.number, row.col("material_name"), _("材料名称“%(name)s”已用于其他材料编码") % {"name": name})
        else:
            self.new_names[name] = code

    def _values(self, row: SheetRow) -> dict[str, Any]:
        values: dict[str, Any] = {}
        ok = True
        for name, (col, raw) in row.cells.items():
            if name in MATERIAL_KEYS:
                continue
            f = model_field(ItemMaterial, name)
            try:
                values[name] = convert(f, raw)
            except ValidationError as exc:
                self.problems.add(MATERIAL_SHEET, row.number, col, _("%(field)s：%(problems)s") % {"field": f.verbose_name, "problems": _("；").join(exc.messages)})
                ok = False
        if ok and values.get("originals") == 0 and values.get("copies") == 0 \
                and values.get("source") != MaterialSource.SHARED:
            self.problems.add(MATERIAL_SHEET, row.number, row.col("originals"),
                              _("原件份数和复印件份数不能同时为 0（数据共享免提交的除外）"))
        return values


def parse(file: Any) -> tuple[list[ItemRow], list[MaterialRow]]:
    """Both sheets read and checked; ServiceError with every problem when anything is wrong."""
    problems = Problems()
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is the same error for the user
        raise ServiceError(_("无法读取文件：请上传由本系统导出的 .xlsx 文件"), field="file") from None
    item_sheet = list(read_sheet(wb, ITEM_SHEET, ITEM_COLUMNS, problems))
    material_sheet = list(read_sheet(wb, MATERIAL_SHEET, MATERIAL_COLUMNS, problems))
    items_reader = _ItemSheet(problems)
    items = items_reader.read(item_sheet)
    known = set(ServiceItem.objects.values_list("code", flat=True)) | set(items_reader.seen)
    materials = _MaterialSheet(problems, known).read(material_sheet)
    if problems.items:
        raise ServiceError(_("导入文件有 %(n)d 处错误，未做任何修改") % {"n": len(problems.items)}, problems=problems.items)
    return items, materials


# ---------------------------------------------------------------- writing


class _Writer:
    def __init__(self, actor: Actor, result: ImportResult) -> None:
        self.actor = actor
        self.result = result
        self.by_code: dict[str, ServiceItem] = {}
        self.new_versions: list[ServiceItem] = []
        self.status_moves: list[tuple[ServiceItem, str]] = []

    def items(self, rows: list[ItemRow]) -> None:
        codes = [r.values["code"] for r in rows]
        existing = {i.code: i for i in ServiceItem.objects.filter(code__in=codes)
                    .select_related("department", "handling_department", "window_category")}
        for row in rows:
            item = existing.get(row.values["code"])
            self.by_code[row.values["code"]] = self._create(row) if item is None else self._update(item, row)
            self.result.codes.append(row.values["code"])

    def _create(self, row: ItemRow) -> ServiceItem:
        item = ServiceItem(**row.values)
        item.version = 1
        item.save()
        self.new_versions.append(item)
        self.result.created += 1
        return item

    def _update(self, item: ServiceItem, row: ItemRow) -> ServiceItem:
        values = dict(row.values)
        status = values.pop("status", item.status)
        changed = [f for f, v in values.items() if getattr(item, f) != v]
        moved = status != item.status
        if moved:
            self.status_moves.append((item, status))
        if not changed:
            if moved:
                self.result.updated += 1
            else:
                self.result.unchanged += 1
            return item
        before = ServiceItem(**{f.attname: getattr(item, f.attname) for f in ServiceItem._meta.concrete_fields})
        for name, value in values.items():
            setattr(item, name, value)
        if versioned_changes(before, item):
            if not item.history.filter(version=before.version).exists():
                record_version(before, actor=None, note="导入前版本")
            item.version += 1
            self.new_versions.append(item)
        item.save()
        self.result.updated += 1
        return item

    def canonical(self, rows: list[MaterialRow]) -> dict[str, CanonicalMaterial]:
        canonical = {m.code: m for m in CanonicalMaterial.objects.all()}
        for row in rows:
            material = canonical.get(row.material_code)
            if material is None:
                canonical[row.material_code] = CanonicalMaterial.objects.create(
                    code=row.material_code, name=row.material_name, name_en=row.material_name_en)
                self.result.new_canonical += 1
            elif row.material_name_en and material.name_en != row.material_name_en:
                material.name_en = row.material_name_en
                material.save(update_fields=["name_en"])
        return canonical

    def materials(self, rows: list[MaterialRow], canonical: dict[str, CanonicalMaterial]) -> None:
        """Each item named in the file gets exactly the file's material rows."""
        touched = set(self.by_code) | {r.item_code for r in rows}
        self.by_code.update({i.code: i for i in ServiceItem.objects.filter(code__in=touched - set(self.by_code))})
        current: dict[int, dict[str, ItemMaterial]] = {}
        for im in ItemMaterial.objects.filter(item__code__in=touched).select_related("material"):
            current.setdefault(im.item_id, {})[im.material.code] = im
        wanted: dict[str, list[MaterialRow]] = {code: [] for code in touched}
        for row in rows:
            wanted[row.item_code].append(row)
        for code, item_rows in wanted.items():
            self._item_materials(self.by_code[code], current.get(self.by_code[code].pk, {}), item_rows, canonical)

    def _item_materials(self, item: ServiceItem, have: dict[str, ItemMaterial], rows: list[MaterialRow],
                        canonical: dict[str, CanonicalMaterial]) -> None:
        keep = {r.material_code for r in rows}
        stale = [im.pk for code, im in have.items() if code not in keep]
        if stale:
            ItemMaterial.objects.filter(pk__in=stale).delete()
        for row in rows:
            im = have.get(row.material_code)
            if im is None:
                ItemMaterial.objects.create(item=item, material=canonical[row.material_code], **row.values)
            elif any(getattr(im, k) != v for k, v in row.values.items()):
                for k, v in row.values.items():
                    setattr(im, k, v)
                im.save()
            self.result.materials += 1

    def finish(self) -> None:
        """Versions recorded once the materials are in (their count belongs to the version), then status moves."""
        for item in self.new_versions:
            record_version(item, actor=self.actor, note="Excel 导入")
        for item in self.by_code.values():
            item_sync_material_count(item=item)
        for item, status in self.status_moves:
            STATUS_MOVES[ItemStatus(status)](item=item, actor=self.actor)


@transaction.atomic
def catalog_import_xlsx(*, file: Any, actor: Actor) -> ImportResult:
    """Import items and materials from an .xlsx made by `catalog_export_xlsx` (or edited from one)."""
    item_rows, material_rows = parse(file)
    result = ImportResult()
    writer = _Writer(actor, result)
    writer.items(item_rows)
    writer.materials(material_rows, writer.canonical(material_rows))
    writer.finish()
    audit_log(actor=actor, action="catalog.import_xlsx", target_type="catalog.serviceitem",
              detail={"created": result.created, "updated": result.updated, "materials": result.materials})
    return result
