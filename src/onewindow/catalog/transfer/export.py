"""The whole catalog as a workbook (事项 and 材料 sheets) that `importer.catalog_import_xlsx` reads back: an
exported file imported again leaves the catalog as it was."""

from __future__ import annotations

from typing import Any

from onewindow.catalog.models import ItemMaterial, ServiceItem
from onewindow.catalog.selectors import catalog_for_export
from onewindow.catalog.transfer.workbook import (
    ITEM_COLUMNS,
    ITEM_SHEET,
    MATERIAL_COLUMNS,
    MATERIAL_SHEET,
    display,
)
from onewindow.core.excel import xlsx_bytes


def _material_row(item: ServiceItem, im: ItemMaterial) -> list[object]:
    described: dict[str, Any] = {"item": item.code, "item_name": item.name, "material": im.material.code,
                                 "material_name": im.material.name, "material_name_en": im.material.name_en}
    return [described[name] if name in described else display(im, name) for _h, name in MATERIAL_COLUMNS]


def catalog_export_xlsx() -> bytes:
    """Every item (any status) and its materials as an .xlsx workbook with sheets 事项 and 材料."""
    item_rows: list[list[object]] = []
    material_rows: list[list[object]] = []
    for item in catalog_for_export():
        item_rows.append([display(item, name) for _h, name in ITEM_COLUMNS])
        material_rows += [_material_row(item, im) for im in item.materials.all()]
    return xlsx_bytes({ITEM_SHEET: ([h for h, _n in ITEM_COLUMNS], item_rows),
                       MATERIAL_SHEET: ([h for h, _n in MATERIAL_COLUMNS], material_rows)})
