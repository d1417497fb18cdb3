import csv
import io

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from onewindow.catalog.models import ItemMaterial, ServiceItem
from onewindow.catalog.transfer.export import catalog_export_xlsx
from onewindow.catalog.transfer.importer import catalog_import_xlsx
from onewindow.catalog.transfer.national import (
    NATIONAL_BASIC_COLUMNS,
    NATIONAL_MATERIAL_COLUMNS,
    national_basic_csv,
    national_material_csv,
)
from onewindow.core.errors import ServiceError
from tests.catalog.conftest import SmallCatalog

SKIP = {"id", "updated_at", "version"}


def snapshot() -> dict:
    """Everything the catalog says about its items and their materials, keyed by code."""
    out = {}
    for item in ServiceItem.objects.order_by("code"):
        fields = {f.attname: getattr(item, f.attname) for f in ServiceItem._meta.concrete_fields if f.name not in SKIP}
        mats = [(im.material.code, im.material.name, *(getattr(im, f.attname) for f in ItemMaterial._meta.concrete_fields
                                                      if f.name not in ("id", "item", "material")))
                for im in ItemMaterial.objects.filter(item=item).select_related("material").order_by("material__code")]
        out[item.code] = (fields, mats)
    return out


def edited(content: bytes, edits: dict[str, dict[str, object]]) -> io.BytesIO:
    wb = load_workbook(io.BytesIO(content))
    for sheet, cells in edits.items():
        for ref, value in cells.items():
            wb[sheet][ref] = value
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_excel_export_then_import_round_trips_to_the_same_catalog(small_catalog: SmallCatalog) -> None:
    original = snapshot()
    content = catalog_export_xlsx()
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["事项", "材料"]
    assert wb["事项"]["A1"].value == "实施编码" and wb["材料"]["C1"].value == "材料编码"

    # wipe and alter the catalog behind the file's back
    items = small_catalog.items
    items["unemp"].delete()
    ServiceItem.objects.filter(code="T-002").update(name="改掉的名字", aliases="")
    ItemMaterial.objects.filter(item=items["food"], material__code="t_plan").delete()
    ItemMaterial.objects.filter(item=items["food"], material__code="t_form").update(notes="改过", copies=3)
    ServiceItem.objects.filter(code="T-004").update(promised_limit=3, max_visits=2)
    assert snapshot() != original

    result = catalog_import_xlsx(file=io.BytesIO(content), actor=None)
    assert (result.created, result.updated, result.unchanged) == (1, 2, 2)  # T-003 changed only materials
    assert snapshot() == original
    # a second import of the same file changes nothing
    again = catalog_import_xlsx(file=io.BytesIO(content), actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert snapshot() == original


def test_import_of_changed_limits_bumps_the_version_and_records_history(small_catalog: SmallCatalog) -> None:
    content = edited(catalog_export_xlsx(), {"事项": {"K3": 6}})  # row 3 = T-002, K = 承诺办结时限
    catalog_import_xlsx(file=content, actor=None)
    item = ServiceItem.objects.get(code="T-002")
    assert (item.promised_limit, item.version) == (6, 2)
    assert list(item.history.values_list("version", "promised_limit")) == [(1, 10), (2, 6)]


def test_import_adds_new_items_and_new_canonical_materials(small_catalog: SmallCatalog) -> None:
    content = edited(catalog_export_xlsx(), {
        "事项": {"A7": "T-NEW", "B7": "新事项", "D7": "行政许可", "F7": "T-HL", "I7": 20, "K7": 5, "M7": "承诺件",
                 "N7": "法人", "V7": 1, "W7": "需现场核验原件"},
        "材料": {"A9": "T-NEW", "C9": "t_new_doc", "D9": "新的证明材料", "G9": 1, "H9": 0},
    })
    result = catalog_import_xlsx(file=content, actor=None)
    assert (result.created, result.new_canonical) == (1, 1)
    item = ServiceItem.objects.get(code="T-NEW")
    assert (item.item_type, item.audience, item.department.code) == ("01", "enterprise", "T-HL")
    assert [im.material.name for im in item.materials.all()] == ["新的证明材料"]


def test_the_file_format_does_not_depend_on_the_users_language(small_catalog: SmallCatalog) -> None:
    with translation.override("en"):
        content = catalog_export_xlsx()
    assert load_workbook(io.BytesIO(content))["事项"]["D4"].value == "行政许可"
    with translation.override("en"):
        result = catalog_import_xlsx(file=io.BytesIO(content), actor=None)
    assert result.unchanged == 5


def test_bad_file_is_rejected_whole_with_every_error_by_sheet_row_and_column(small_catalog: SmallCatalog) -> None:
    before = snapshot()
    content = edited(catalog_export_xlsx(), {
        "事项": {"B3": "这一行的改名不应生效", "K3": 50, "D4": "99", "F5": "NOPE", "K6": "abc", "A6": "T-001"},
        "材料": {"G3": -1, "A4": "NO-SUCH-ITEM", "F5": "大概", "C7": ""},
    })
    with pytest.raises(ServiceError) as caught:
        catalog_import_xlsx(file=content, actor=None)
    where = {p.field for p in caught.value.problems}
    assert where == {"事项!K3", "事项!D4", "事项!F5", "事项!K6", "事项!A6", "材料!G3", "材料!A4", "材料!F5", "材料!C7"}
    messages = {p.field: p.message for p in caught.value.problems}
    assert "承诺办结时限不能超过法定办结时限" in messages["事项!K3"]
    assert "NOPE" in messages["事项!F5"] and "重复" in messages["事项!A6"] and "大概" in messages["材料!F5"]
    assert "9 处错误" in caught.value.message
    assert snapshot() == before  # nothing changed


def test_missing_sheet_columns_and_unreadable_files_are_reported(small_catalog: SmallCatalog) -> None:
    wb = load_workbook(io.BytesIO(catalog_export_xlsx()))
    del wb["材料"]
    wb["事项"]["B1"] = "名字"
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    with pytest.raises(ServiceError) as caught:
        catalog_import_xlsx(file=buf, actor=None)
    assert {p.field for p in caught.value.problems} == {"事项!1", "材料"}
    with pytest.raises(ServiceError) as caught:
        catalog_import_xlsx(file=io.BytesIO(b"not a workbook"), actor=None)
    assert caught.value.problems[0].field == "file"


def test_national_exchange_csv_has_the_national_columns(small_catalog: SmallCatalog) -> None:
    basic = list(csv.DictReader(io.StringIO(national_basic_csv().decode("utf-8-sig"))))
    assert list(basic[0]) == NATIONAL_BASIC_COLUMNS
    for column in ("task_name", "catalog_code", "task_code", "task_type", "dept_code", "anticipate_day",
                   "promise_day", "project_type", "limit_scene_num", "is_fee", "online_handle_depth", "task_version"):
        assert column in NATIONAL_BASIC_COLUMNS
    rows = {r["task_code"]: r for r in basic}
    assert "T-005" not in rows  # drafts are not exchanged
    unemp = rows["T-001"]
    assert (unemp["task_name"], unemp["project_type"], unemp["promise_day"], unemp["anticipate_day"]) == \
        ("失业登记", "1", "0", "5")
    assert unemp["dept_code"] == "11350981003637522G" and unemp["online_handle_depth"] == "1^2^3^4^5"
    assert rows["T-004"]["is_fee"] == "1" and rows["T-004"]["server_type"] == "1^2"
    materials = list(csv.DictReader(io.StringIO(national_material_csv().decode("utf-8-sig"))))
    assert list(materials[0]) == NATIONAL_MATERIAL_COLUMNS
    food = [m for m in materials if m["task_code"] == "T-003"]
    assert [(m["material_name"], m["is_need"], m["source_type"], m["order_num"]) for m in food] == [
        ("营业执照", "1", "99", "1"), ("场所平面图", "3", "10", "2"), ("申请表", "1", "10", "3")]


def test_catalog_commands_export_import_and_export_national(small_catalog: SmallCatalog, tmp_path) -> None:
    out = io.StringIO()
    call_command("catalog", "export", str(tmp_path / "c.xlsx"), stdout=out)
    ServiceItem.objects.filter(code="T-002").update(name="改名")
    call_command("catalog", "import", str(tmp_path / "c.xlsx"), stdout=out)
    assert ServiceItem.objects.get(code="T-002").name == "社会保障卡申领"
    call_command("catalog", "export-national", str(tmp_path / "nat"), stdout=out)
    assert (tmp_path / "nat" / "task_general_basic.csv").read_bytes().startswith(b"\xef\xbb\xbftask_name,")
    assert (tmp_path / "nat" / "task_general_material.csv").exists()
    bad = edited((tmp_path / "c.xlsx").read_bytes(), {"事项": {"D3": "99"}})
    (tmp_path / "bad.xlsx").write_bytes(bad.getvalue())
    err = io.StringIO()
    from django.core.management.base import CommandError
    with pytest.raises(CommandError):
        call_command("catalog", "import", str(tmp_path / "bad.xlsx"), stdout=out, stderr=err)
    assert "事项!D3" in err.getvalue()


def _columns(content: bytes, sheet: str) -> dict[str, str]:
    from openpyxl.utils import get_column_letter

    header = next(load_workbook(io.BytesIO(content))[sheet].iter_rows(min_row=1, max_row=1, values_only=True))
    return {title: get_column_letter(n) for n, title in enumerate(header, start=1)}


def test_english_names_and_speedup_figures_are_edited_in_the_workbook(small_catalog: SmallCatalog) -> None:
    content = catalog_export_xlsx()
    col, mat = _columns(content, "事项"), _columns(content, "材料")
    changed = edited(content, {
        "事项": {f"{col['事项名称（英文）']}3": "Social security card", f"{col['别名/俗称（英文）']}3": "SSC, card",
                 f"{col['审批结果名称（英文）']}3": "Card", f"{col['提速办']}3": "备选",
                 f"{col['提速前承诺时限']}3": 20, f"{col['部定压缩标准']}3": 5},
        "材料": {f"{mat['材料名称（英文）']}2": "ID card"},  # row 2 = T-001's 居民身份证
    })
    catalog_import_xlsx(file=changed, actor=None)
    card = ServiceItem.objects.get(code="T-002")
    assert (card.name_en, card.aliases_en, card.result_name_en) == ("Social security card", "SSC, card", "Card")
    assert (card.speedup, card.speedup_before_limit, card.speedup_standard_limit) == ("candidate", 20, 5)
    assert card.version == 1  # names and the programme figures are not a new version of the limits
    assert ItemMaterial.objects.filter(material__code="t_id").first().material.name_en == "ID card"
    again = load_workbook(io.BytesIO(catalog_export_xlsx()))["事项"]
    assert again[f"{col['提速办']}3"].value == "备选" and again[f"{col['提速办']}2"].value == "否"


def test_an_achieved_speedup_must_meet_the_standard_and_needs_its_figures(small_catalog: SmallCatalog) -> None:
    content = catalog_export_xlsx()
    col = _columns(content, "事项")
    bad = edited(content, {"事项": {f"{col['提速办']}3": "已达标", f"{col['提速前承诺时限']}3": 20,
                                  f"{col['部定压缩标准']}3": 5,  # T-002 promises 10 > 5
                                  f"{col['提速办']}4": "备选"}})  # T-003 without its figures
    with pytest.raises(ServiceError) as caught:
        catalog_import_xlsx(file=bad, actor=None)
    assert {p.field for p in caught.value.problems} == {
        f"事项!{col['承诺办结时限']}3", f"事项!{col['提速前承诺时限']}4", f"事项!{col['部定压缩标准']}4"}


def test_a_workbook_from_before_the_english_columns_still_imports(small_catalog: SmallCatalog) -> None:
    ServiceItem.objects.filter(code="T-002").update(name_en="Social security card", speedup="candidate",
                                                    speedup_before_limit=20, speedup_standard_limit=5)
    wb = load_workbook(io.BytesIO(catalog_export_xlsx()))
    for sheet, titles in (("事项", ("事项名称（英文）", "审批结果名称（英文）", "别名/俗称（英文）", "提速办", "提速前承诺时限",
                                   "部定压缩标准")), ("材料", ("材料名称（英文）",))):
        header = [c.value for c in wb[sheet][1]]
        for title in sorted(titles, key=header.index, reverse=True):
            wb[sheet].delete_cols(header.index(title) + 1)
    wb["事项"]["B3"] = "社会保障卡申领（新）"
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    assert catalog_import_xlsx(file=buf, actor=None).updated == 1
    card = ServiceItem.objects.get(code="T-002")
    assert (card.name, card.name_en, card.speedup) == ("社会保障卡申领（新）", "Social security card", "candidate")


def test_a_status_changed_in_the_workbook_moves_like_the_admin_actions(small_catalog: SmallCatalog) -> None:
    from onewindow.catalog.models import ItemEvent

    content = catalog_export_xlsx()
    col = _columns(content, "事项")
    status = col["状态"]
    result = catalog_import_xlsx(file=edited(content, {"事项": {f"{status}6": "已发布",  # T-005, a draft
                                                                 f"{status}4": "已停用"}}), actor=None)  # T-003
    assert (result.updated, result.unchanged) == (2, 3)
    assert ServiceItem.objects.get(code="T-005").status == "published"
    assert ServiceItem.objects.get(code="T-003").status == "retired"
    assert sorted(ItemEvent.objects.values_list("item__code", "action")) == [("T-003", "retire"), ("T-005", "publish")]
    with pytest.raises(ServiceError) as caught:
        catalog_import_xlsx(file=edited(catalog_export_xlsx(), {"事项": {f"{status}2": "草稿"}}),  # T-001
                            actor=None)
    assert [p.field for p in caught.value.problems] == [f"事项!{status}2"]


def test_an_english_importer_reads_every_row_problem_and_the_summary_in_english(small_catalog: SmallCatalog) -> None:
    content = edited(catalog_export_xlsx(), {
        "事项": {"F5": "NOPE", "A6": "T-001"},
        "材料": {"A4": "NO-SUCH-ITEM", "C7": ""},
    })
    with translation.override("en"), pytest.raises(ServiceError) as caught:
        catalog_import_xlsx(file=content, actor=None)
    messages = {p.field: p.message for p in caught.value.problems}
    assert messages["事项!F5"].startswith("There is no ") and "“NOPE”" in messages["事项!F5"]
    assert "repeats row" in messages["事项!A6"]
    assert messages["材料!A4"] == "There is no item with the implementation code “NO-SUCH-ITEM”"
    assert "must not be empty" in messages["材料!C7"] or "needs a material name" in messages["材料!C7"]
    with translation.override("en"):
        result = catalog_import_xlsx(file=io.BytesIO(catalog_export_xlsx()), actor=None)
        assert result.summary().endswith("new standard materials)") and "unchanged" in result.summary()
