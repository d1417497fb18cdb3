"""Identity and input validation: 居民身份证号码 (GB 11643), 统一社会信用代码 (GB 32100), mainland mobile numbers.

Each validator returns the normalised value (trimmed, upper-case) or raises
`django.core.exceptions.ValidationError` with a Chinese message saying exactly what is wrong.

    from onewindow.core.validators import validate_id_number
    number = validate_id_number(form_value)     # "35098119900101123x" -> "35098119900101123X"
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from onewindow.core import clock

__all__ = [
    "PROVINCE_CODES",
    "birth_date_from_id",
    "clean_text",
    "credit_code_check_char",
    "id_check_digit",
    "validate_credit_code",
    "validate_id_number",
    "validate_mobile",
]

# GB/T 2260 province-level codes (first two digits of the ID number).
PROVINCE_CODES: dict[str, str] = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
    "21": "辽宁", "22": "吉林", "23": "黑龙江",
    "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东",
    "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
    "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
    "71": "台湾", "81": "香港", "82": "澳门", "83": "台湾",  # 83: 港澳台居民居住证 (Taiwan residents)
}

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# GB 32100-2015: 31 characters (no I, O, Z, S, V).
_CC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CC_VALUES = {c: i for i, c in enumerate(_CC_ALPHABET)}
_CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CC_REGISTRARS = "123456789ANY"  # 登记管理部门代码: 1机构编制 5民政 9工商 Y其他 ...

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")

# C0 control characters except tab (\x09) and line feed (\x0a); carriage returns are turned into line feeds first.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f]")
_LINE_BREAK_RE = re.compile(r"\r\n?")
_SINGLE_LINE_RE = re.compile(r"[\t\n]+")


def clean_text(value: object, *, multiline: bool = True) -> str:
    """Free text as typed by a person, safe to store, show and export: line breaks normalised to \\n, every other
    C0 control character (NUL, vertical tab, form feed, escape…) removed, surrounding whitespace stripped.
    With `multiline=False` (names, titles) tabs and line breaks become one space.

        clean_text("林晓梅\\x0b ")  == "林晓梅"
        clean_text("第一行\\r\\n第二行") == "第一行\\n第二行"
    """
    text = "" if value is None else str(value)
    text = _CONTROL_RE.sub("", _LINE_BREAK_RE.sub("\n", text))
    if not multiline:
        text = _SINGLE_LINE_RE.sub(" ", text)
    return text.strip()


def _clean(value: object) -> str:
    text = "" if value is None else str(value)
    # tolerate full-width digits/letters and inner spaces typed on phones
    text = text.translate({0x3000: 0x20, **{0xFF10 + i: 0x30 + i for i in range(10)}, 0xFF38: 0x58, 0xFF58: 0x78})
    return re.sub(r"[\s-]", "", text).upper()


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_id_number(value: str) -> str:
    """A 居民身份证号码: 18 characters, known province, real birth date not in the future, check digit."""
    number = _clean(value)
    if not number:
        raise ValidationError(_("请填写身份证号码"), code="required")
    if len(number) != 18:
        raise ValidationError(
            _("身份证号码应为18位，您填写了%(n)d位") % {"n": len(number)}, code="length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("身份证号码前17位应为数字，最后一位为数字或X"), code="format")
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("身份证号码前两位“%(code)s”不是有效的省级行政区划代码") % {"code": number[:2]}, code="province")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("身份证号码中的出生日期“%(d)s”不是有效日期") % {"d": number[6:14]}, code="birth_date") from None
    if born > clock.today():
        raise ValidationError(
            _("身份证号码中的出生日期%(d)s晚于今天") % {"d": born.isoformat()}, code="birth_date")
    if born.year < 1880:
        raise ValidationError(
            _("身份证号码中的出生日期%(d)s不合理") % {"d": born.isoformat()}, code="birth_date")
    expected = id_check_digit(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("身份证号码校验位错误：最后一位应为%(expected)s，请核对号码") % {"expected": expected},
            code="check_digit")
    return number


def birth_date_from_id(value: str) -> date:
    """The birth date encoded in a valid ID number (validates it first)."""
    number = validate_id_number(value)
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(_CC_VALUES[c] * w for c, w in zip(first17, _CC_WEIGHTS, strict=True))
    return _CC_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """A 统一社会信用代码: 18 characters from the GB 32100 alphabet with a correct check character."""
    code = _clean(value)
    if not code:
        raise ValidationError(_("请填写统一社会信用代码"), code="required")
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，您填写了%(n)d位") % {"n": len(code)}, code="length")
    bad = sorted({c for c in code if c not in _CC_VALUES})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符：%(chars)s（不使用I、O、Z、S、V）") % {"chars": "、".join(bad)},
            code="format")
    if code[0] not in _CC_REGISTRARS:
        raise ValidationError(
            _("统一社会信用代码第1位“%(c)s”不是有效的登记管理部门代码") % {"c": code[0]}, code="registrar")
    if not code[2:8].isdigit():
        raise ValidationError(_("统一社会信用代码第3至8位应为行政区划代码（数字）"), code="area")
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误：最后一位应为%(expected)s，请核对代码") % {"expected": expected},
            code="check_digit")
    return code


def validate_mobile(value: str) -> str:
    """A mainland mobile number: 11 digits starting 13–19 (an optional +86/86 prefix is removed)."""
    number = _clean(value)
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("86") and len(number) == 13:
        number = number[2:]
    if not number:
        raise ValidationError(_("请填写手机号码"), code="required")
    if not number.isdigit():
        raise ValidationError(_("手机号码只能包含数字"), code="format")
    if len(number) != 11:
        raise ValidationError(
            _("手机号码应为11位，您填写了%(n)d位") % {"n": len(number)}, code="length")
    if not _MOBILE_RE.match(number):
        raise ValidationError(_("手机号码应以13至19开头"), code="prefix")
    return number
