"""PDF, Excel, QR codes and the locally served chart library."""

import io
import json

import plotly.graph_objects as go
import pytest
from django.test import Client
from openpyxl import load_workbook

from onewindow.core.charts import figure_json
from onewindow.core.excel import xlsx_bytes, xlsx_response
from onewindow.core.pdf import PdfDocument, pdf_response
from onewindow.core.qr import qr_png, qr_svg


def test_a_chinese_pdf_renders_with_an_embedded_font() -> None:
    doc = PdfDocument(title="办事指南", subtitle="失业登记")
    doc.heading("受理条件").paragraph("法定劳动年龄内、有劳动能力、有就业要求的城乡劳动者。")
    doc.facts([("法定时限", "20个工作日"), ("承诺时限", "即办")])
    doc.table(["材料名称", "来源", "份数"], [["居民身份证", "申请人自备", "原件1份"]] * 80, col_widths=[0.5, 0.3, 0.2])
    doc.qr("https://example.org/guide/1", caption="扫码查看").spacer()
    content = doc.render()
    assert content.startswith(b"%PDF")
    assert b"/FontFile2" in content or b"STSong" in content  # TrueType embedded, or the CID fallback
    assert content.count(b"/Type /Page\n") + content.count(b"/Type /Page ") >= 2 or b"/Count 2" in content \
        or b"/Count 3" in content


def test_pdf_response_names_the_file() -> None:
    response = pdf_response(b"%PDF-1.4", "办事指南.pdf", inline=False)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E5%8A%9E" in response["Content-Disposition"]


def test_excel_round_trips_through_openpyxl() -> None:
    from datetime import date

    sheets = {"办件": (["编号", "事项", "受理日期", "份数"],
                      [["FA-001", "失业登记", date(2026, 11, 2), 2], ["FA-002", "就业登记", date(2026, 11, 3), 1]]),
              "空表": (["名称"], [])}
    wb = load_workbook(io.BytesIO(xlsx_bytes(sheets)))
    assert wb.sheetnames == ["办件", "空表"]
    ws = wb["办件"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == ["编号", "事项", "受理日期", "份数"]
    assert rows[1][0] == "FA-001" and rows[1][2].date() == date(2026, 11, 2) and rows[1][3] == 2
    assert ws["A1"].font.bold and ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width >= 10  # four CJK characters are wider than four letters
    response = xlsx_response("办件.xlsx", sheets)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]


def test_qr_codes_as_svg_and_png() -> None:
    svg = qr_svg("https://example.org/证照/1")
    assert svg.startswith("<svg") and "<?xml" not in svg
    assert qr_png("abc").startswith(b"\x89PNG")


def test_figure_json_is_plotly_json_and_leaves_the_figure_alone() -> None:
    fig = go.Figure(go.Bar(x=["受理", "办结"], y=[3, 5]))
    data = json.loads(figure_json(fig))
    assert data["data"][0]["type"] == "bar" and data["layout"]["font"]["family"]
    assert fig.layout.font.family is None


@pytest.mark.django_db
def test_plotly_js_is_served_locally_with_long_caching() -> None:
    response = Client().get("/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "max-age=31536000" in response["Cache-Control"]
    head = b"".join(response.streaming_content)[:2000]
    assert b"plotly" in head.lower()
