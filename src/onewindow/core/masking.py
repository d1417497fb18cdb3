"""Masking personal data for lists, exports and logs (the full value is shown only where needed, and audited).

    mask_id_number("350981199001011234") == "350981********1234"
    mask_phone("13812345678") == "138****5678"
    mask_name("张三丰") == "张*丰";  mask_name("张三") == "张*"

Every helper tolerates None, empty and short input (never raises, never reveals more than it would for a
full-length value).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["mask_credit_code", "mask_id_number", "mask_name", "mask_personal_text", "mask_phone"]


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


# digits that stand alone (not part of a longer number): 18-digit ID numbers (or 15-digit old ones), mainland
# mobile numbers with an optional +86/0086 and spaces or hyphens as people type them, and e-mail addresses
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)86[\s-]?)?(1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask_personal_text(value: object, *, names: Iterable[str] = ()) -> str:
    """Free text made fit to publish: ID numbers, mobile numbers and e-mail addresses in it are masked
    (350981********1234, 138****5678, l***@example.com), and so is every name in `names` the record knows
    (the reporter's own name: 林晓梅 → 林*梅, also when typed with spaces between the characters)."""
    text = "" if value is None else str(value)
    if not text:
        return ""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(1)), text)
    text = _MOBILE.sub(lambda m: mask_phone(re.sub(r"\D", "", m.group(1))), text)
    text = _EMAIL.sub(lambda m: m.group(0)[0] + "***" + m.group(0)[m.group(0).index("@"):], text)
    for name in sorted({" ".join(str(n).split()) for n in names if n}, key=len, reverse=True):
        compact = name.replace(" ", "")
        if len(compact) < 2:
            continue
        masked = mask_name(compact)
        spaced = r"\s*".join(re.escape(ch) for ch in compact)  # 林 晓梅, 林晓 梅 …
        text = re.sub(spaced, masked, text)
    return text
