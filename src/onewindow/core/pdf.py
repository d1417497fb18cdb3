"""A small PDF builder over reportlab that renders Chinese text (A4, page numbers, generated-at stamp).

    doc = PdfDocument(title="办事指南", subtitle="失业登记")
    doc.heading("受理条件"); doc.paragraph("……")
    doc.facts([("法定时限", "20个工作日"), ("承诺时限", "即办")])
    doc.table(["材料名称", "来源", "份数"], rows)
    doc.qr("https://…/catalog/items/…", caption="扫码查看")
    return pdf_response(doc.render(), "办事指南.pdf")

Font: WenQuanYi Micro Hei (TrueType, embedded) when /usr/share/fonts/truetype/wqy/wqy-microhei.ttc exists,
else reportlab's built-in CID font STSong-Light (needs a CJK-capable viewer, not embedded).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from onewindow.core import clock
from onewindow.core.excel import content_disposition

__all__ = ["PdfDocument", "pdf_font", "pdf_response"]

WQY_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FONT_NAME = "OneWindowCJK"
CID_FONT = "STSong-Light"
ACCENT = colors.HexColor("#1f4e79")
RULE = colors.HexColor("#b8c4d2")
SHADE = colors.HexColor("#eef2f7")


@cache
def pdf_font() -> str:
    """Register and return the name of a font that covers Chinese."""
    path = os.environ.get("ONEWINDOW_PDF_FONT", WQY_PATH)
    if os.path.exists(path):
        try:
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
            return FONT_NAME
        except Exception:  # noqa: BLE001 - an unreadable font file falls back to the CID font
            pass
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER,
                                textColor=ACCENT, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=12, leading=18, alignment=TA_CENTER,
                                   textColor=colors.HexColor("#444444"), spaceAfter=6),
        "heading": ParagraphStyle("heading", parent=base, fontSize=13, leading=20, textColor=ACCENT,
                                  spaceBefore=10, spaceAfter=4),
        "body": ParagraphStyle("body", parent=base, spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13.5),
        # numbers (BJ20261204-0065-01) break only at spaces, never mid-number as CJK wrapping would
        "cell_whole": ParagraphStyle("cell_whole", parent=base, fontSize=9.5, leading=13.5, wordWrap=None),
        "head": ParagraphStyle("head", parent=base, fontSize=9.5, leading=13.5, textColor=ACCENT),
        "caption": ParagraphStyle("caption", parent=base, fontSize=9, leading=12, alignment=TA_CENTER,
                                  textColor=colors.HexColor("#555555")),
    }


def _text(value: object) -> str:
    """Escape for reportlab's mini-markup; keep line breaks."""
    text = "" if value is None else str(value)
    return escape(text).replace("\n", "<br/>")


class _QrFlowable(Flowable):
    def __init__(self, data: str, size: float) -> None:
        super().__init__()
        import segno

        self.qr = segno.make(str(data), error="m")
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        matrix = list(self.qr.matrix_iter(border=2))
        n = len(matrix)
        cell = self.size / n
        drawing = Drawing(self.size, self.size)
        for y, row in enumerate(matrix):
            x0 = None
            for x, dark in enumerate([*row, 0]):
                if dark and x0 is None:
                    x0 = x
                elif not dark and x0 is not None:
                    drawing.add(Rect(x0 * cell, self.size - (y + 1) * cell, (x - x0) * cell, cell,
                                     fillColor=colors.black, strokeColor=None, strokeWidth=0))
                    x0 = None
        renderPDF.draw(drawing, self.canv, 0, 0)


class PdfDocument:
    """Collects flowables and renders an A4 PDF with a footer (page X / Y, generated-at time)."""

    margin = 18 * mm

    def __init__(self, title: str = "", subtitle: str = "", *, author: str = "") -> None:
        self.font = pdf_font()
        self.styles = _styles(self.font)
        self.title = str(title)
        self.subtitle = str(subtitle)
        self.author = author
        self.story: list[Flowable] = []
        self.width = A4[0] - 2 * self.margin
        if self.title:
            self.story.append(Paragraph(_text(self.title), self.styles["title"]))
        if self.subtitle:
            self.story.append(Paragraph(_text(self.subtitle), self.styles["subtitle"]))

    def heading(self, text: str) -> PdfDocument:
        self.story.append(Paragraph(_text(text), self.styles["heading"]))
        return self

    def paragraph(self, text: str) -> PdfDocument:
        for block in str(text or "").split("\n\n"):
            self.story.append(Paragraph(_text(block), self.styles["body"]))
        return self

    def spacer(self, height_mm: float = 4) -> PdfDocument:
        self.story.append(Spacer(1, height_mm * mm))
        return self

    def facts(self, pairs: Iterable[tuple[object, object]]) -> PdfDocument:
        """A two-column label/value table."""
        rows = [[Paragraph(_text(k), self.styles["head"]), Paragraph(_text(v), self.styles["cell"])]
                for k, v in pairs]
        if not rows:
            return self
        table = Table(rows, colWidths=[self.width * 0.28, self.width * 0.72])
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (0, -1), SHADE),
            ("GRID", (0, 0), (-1, -1), 0.5, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        self.story.append(table)
        self.story.append(Spacer(1, 3 * mm))
        return self

    def table(self, headers: Sequence[object], rows: Iterable[Sequence[object]],
              col_widths: Sequence[float] | None = None, whole: Sequence[int] = ()) -> PdfDocument:
        """A data table; long cell text wraps (CJK aware). `col_widths` are fractions of the width or mm; the
        columns listed in `whole` (numbers, codes) never break inside a word: give them room in `col_widths`."""
        body = [[Paragraph(_text(h), self.styles["head"]) for h in headers]]
        body += [[Paragraph(_text(v), self.styles["cell_whole" if i in whole else "cell"]) for i, v in enumerate(row)]
                 for row in rows]
        ncols = max(len(r) for r in body) if body else 0
        if ncols == 0:
            return self
        if col_widths:
            total = sum(col_widths)
            # fractions of the text width, or millimetres
            widths = [self.width * w for w in col_widths] if total <= 1.0001 else [w * mm for w in col_widths]
        else:
            widths = [self.width / ncols] * ncols
        table = Table(body, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("GRID", (0, 0), (-1, -1), 0.5, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#fafbfd")]),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]))
        self.story.append(table)
        self.story.append(Spacer(1, 3 * mm))
        return self

    def qr(self, data: str, caption: str = "", size_mm: float = 32) -> PdfDocument:
        parts: list[Flowable] = [_QrFlowable(data, size_mm * mm)]
        if caption:
            parts.append(Paragraph(_text(caption), self.styles["caption"]))
        box = Table([[p] for p in parts], colWidths=[max(size_mm * mm, 50 * mm)])
        box.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER")]))
        self.story.append(KeepTogether([box]))
        return self

    def render(self) -> bytes:
        from django.utils import timezone

        buf = io.BytesIO()
        stamp = timezone.localtime(clock.now()).strftime("%Y-%m-%d %H:%M")
        font, title, margin = self.font, self.title, self.margin

        def footer(canvas: Any, page: int, total: int) -> None:
            canvas.saveState()
            canvas.setFont(font, 8)
            canvas.setFillColor(colors.HexColor("#666666"))
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.5)
            canvas.line(margin, 14 * mm, A4[0] - margin, 14 * mm)
            canvas.drawString(margin, 10 * mm, f"{title}　生成时间：{stamp}".strip("　"))
            canvas.drawRightString(A4[0] - margin, 10 * mm, f"第 {page} 页 / 共 {total} 页")
            canvas.restoreState()

        template = SimpleDocTemplate(buf, pagesize=A4, leftMargin=margin, rightMargin=margin,
                                     topMargin=margin, bottomMargin=20 * mm, title=self.title,
                                     subject=self.subtitle, author=self.author or "一窗通办",
                                     creator="OneWindow")
        template.build(list(self.story) or [Spacer(1, 1)], canvasmaker=_numbered_canvas(footer))
        return buf.getvalue()


def _numbered_canvas(footer: Callable[[Any, int, int], None]) -> type:
    """A canvas that holds pages back until the end so each footer can say "page X of Y"."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                footer(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def pdf_response(content: bytes, filename: str, inline: bool = True) -> HttpResponse:
    """An HTTP response carrying a PDF; `inline` opens it in the browser, else it downloads.

    Browsers that ignore `filename*` take the ASCII fallback, which drops the Chinese part: "受理通知书-SQ….pdf"
    would save as "-SQ….pdf"; `content_disposition` trims the dangling separator."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    return response
