"""The national exchange CSVs (dn_task_general_basic / dn_task_general_material): the national columns and
value codes (docs/catalog.md), UTF-8 with a byte-order mark so that Excel opens the Chinese text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from onewindow.catalog.models import ItemStatus, LimitUnit, MaterialForm, MaterialSource, ServiceItem
from onewindow.catalog.selectors import catalog_for_export
from onewindow.core import clock

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
LIMIT_TYPE: dict[str, str] = {LimitUnit.WORKDAY: "1", LimitUnit.NATURAL_DAY: "2"}  # 1 工作日 2 自然日
TASK_STATE: dict[str, str] = {ItemStatus.PUBLISHED: "1", ItemStatus.RETIRED: "2", ItemStatus.DRAFT: "0"}
SERVER_TYPE: dict[str, str] = {"person": "1", "enterprise": "2", "both": "1^2"}  # GB/T 39046 A.4
MATERIAL_FORMAT: dict[str, str] = {MaterialForm.PAPER: "1", MaterialForm.ELECTRONIC: "2", MaterialForm.BOTH: "3"}
SOURCE_TYPE: dict[str, str] = {MaterialSource.APPLICANT: "10", MaterialSource.GOVERNMENT: "20",
                               MaterialSource.INTERMEDIARY: "30", MaterialSource.SHARED: "99"}


def _flag(value: bool) -> str:
    return "1" if value else "0"


def national_basic_rows(items: Iterable[ServiceItem]) -> list[list[str]]:
    stamp = clock.now().strftime("%Y-%m-%d %H:%M:%S")
    rows: list[list[str]] = []
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
    rows: list[list[str]] = []
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
