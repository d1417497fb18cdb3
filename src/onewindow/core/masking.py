"""Masking personal data for lists, exports and logs (the full value is shown only where needed, and audited).

    mask_id_number("350981199001011234") == "350981********1234"
    mask_phone("13812345678") == "138****5678"
    mask_name("张三丰") == "张*丰";  mask_name("张三") == "张*"

Every helper tolerates None, empty and short input (never raises, never reveals more than it would for a
full-length value).
"""

from __future__ import annotations

__all__ = ["mask_credit_code", "mask_id_number", "mask_name", "mask_phone"]


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def mask_id_number(value: object) -> str:
    """Keep the first 6 (area) and last 4 characters: 350981********1234."""
    text = _text(value)
    if not text:
        return ""
    if len(text) <= 10:
        keep = max(0, len(text) - 4)
        return "*" * keep + text[keep:] if len(text) > 4 else "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_phone(value: object) -> str:
    """Keep the first 3 and last 4 digits: 138****5678."""
    text = _text(value)
    if not text:
        return ""
    if len(text) <= 7:
        return "*" * max(0, len(text) - 2) + text[-2:] if len(text) > 2 else "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_name(value: object) -> str:
    """张三丰 → 张*丰, 张三 → 张*, 欧阳娜娜 → 欧**娜; a single character is kept."""
    text = _text(value)
    if len(text) <= 1:
        return text
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


def mask_credit_code(value: object) -> str:
    """Credit codes are public for organisations; mask the middle for individual businesses in logs."""
    text = _text(value)
    if len(text) <= 8:
        return text
    return text[:4] + "*" * (len(text) - 8) + text[-4:]
