"""QR codes with segno, generated locally (no service on the internet).

    from onewindow.core.qr import qr_svg
    context["qr"] = mark_safe(qr_svg(url))      # inline SVG markup in a template
    HttpResponse(qr_png(url), content_type="image/png")
"""

from __future__ import annotations

import io

import segno

__all__ = ["qr_png", "qr_svg"]


def _make(data: str) -> segno.QRCode:
    return segno.make(str(data), error="m", micro=False)


def qr_svg(data: str, scale: int = 4) -> str:
    """SVG markup (no XML declaration) safe to pass through mark_safe: segno escapes nothing user-controlled
    into the markup, the data is only encoded as modules."""
    buf = io.BytesIO()
    _make(data).save(buf, kind="svg", scale=scale, xmldecl=False, svgns=True, svgclass="qr", lineclass=None,
                     border=2)
    return buf.getvalue().decode("utf-8")


def qr_png(data: str, scale: int = 6) -> bytes:
    """PNG bytes of the QR code."""
    buf = io.BytesIO()
    _make(data).save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()
