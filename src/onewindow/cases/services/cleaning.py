"""The applicant's identity and the merged form, validated before anything is stored.

Problems are collected, not raised one by one, so the applicant sees every field to fix at once; free text loses
control characters (core.validators.clean_text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from onewindow.cases.models import ApplicantKind
from onewindow.core.errors import FieldProblem
from onewindow.core.validators import clean_text, validate_credit_code, validate_id_number, validate_mobile

Validator = Callable[[str], str]

#: form field kinds holding one line (numbers, dates, choices, identity numbers); every other kind may hold lines
SINGLE_LINE_KINDS = frozenset({"number", "date", "choice", "id_number", "mobile", "credit_code"})
#: form field kinds checked by a validator that also normalises the value
VALIDATED_KINDS: dict[str, Validator] = {
    "id_number": validate_id_number, "mobile": validate_mobile, "credit_code": validate_credit_code,
}
TEXT_MAX = 2000


def validated(problems: list[FieldProblem], field_name: str, value: str, validator: Validator) -> str:
    """The validator's normalised value, or the value as given with a problem noted against the field."""
    try:
        return validator(value)
    except ValidationError as exc:
        problems.append(FieldProblem(field_name, "；".join(str(m) for m in exc.messages)))
        return value


def _required_line(problems: list[FieldProblem], data: Mapping[str, Any], key: str, *, missing: str, too_long: str,
                   max_length: int) -> str:
    value = clean_text(data.get(key), multiline=False)
    if not value:
        problems.append(FieldProblem(f"applicant.{key}", missing))
    elif len(value) > max_length:
        problems.append(FieldProblem(f"applicant.{key}", too_long))
    return value


def _validated_field(problems: list[FieldProblem], data: Mapping[str, Any], key: str, validator: Validator) -> str:
    return validated(problems, f"applicant.{key}", str(data.get(key) or ""), validator)


def clean_applicant(data: Mapping[str, Any], problems: list[FieldProblem]) -> dict[str, str]:
    """The applicant's identity, validated: a person by ID number and mobile, an enterprise by credit code, legal
    representative and contact."""
    kind = clean_text(data.get("kind"), multiline=False) or ApplicantKind.PERSON
    out: dict[str, str] = {"kind": kind}
    if kind not in ApplicantKind.values:
        problems.append(FieldProblem("applicant.kind", _("申请人类型只能是个人（person）或企业（enterprise）")))
        return out
    out["name"] = _required_line(problems, data, "name", missing="请填写申请人姓名或名称", too_long="名称不能超过200字",
                                 max_length=200)
    if kind == ApplicantKind.PERSON:
        out["id_number"] = _validated_field(problems, data, "id_number", validate_id_number)
        out["phone"] = _validated_field(problems, data, "phone", validate_mobile)
        return out
    out["credit_code"] = _validated_field(problems, data, "credit_code", validate_credit_code)
    out["legal_representative"] = _required_line(problems, data, "legal_representative", missing="请填写法定代表人",
                                                 too_long="法定代表人不能超过50字", max_length=50)
    out["contact_name"] = _required_line(problems, data, "contact_name", missing="请填写联系人",
                                         too_long="联系人不能超过50字", max_length=50)
    out["contact_phone"] = _validated_field(problems, data, "contact_phone", validate_mobile)
    return out


def _field_problem(field: Any, value: str) -> str:
    """What is wrong with a filled-in value of a field without its own validator ('' when nothing is)."""
    if field.kind == "number":
        try:
            float(value)
        except ValueError:
            return f"「{field.label}」应填写数字"
        return ""
    if field.kind == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return f"「{field.label}」应为日期，格式如 2026-01-31"
        return ""
    if field.kind == "choice" and field.choices and value not in field.choices:
        return f"「{field.label}」只能选择：{'、'.join(field.choices)}"
    if len(value) > TEXT_MAX:
        return f"「{field.label}」不能超过{TEXT_MAX}字"
    return ""


def clean_form(fields: Sequence[Any], data: Mapping[str, Any], problems: list[FieldProblem]) -> dict[str, Any]:
    """Validate the merged form against the notice's fields; unknown keys are dropped."""
    out: dict[str, Any] = {}
    for f in fields:
        value = clean_text(data.get(f.key, ""), multiline=f.kind not in SINGLE_LINE_KINDS)
        name = f"form.{f.key}"
        if not value:
            if f.required:
                problems.append(FieldProblem(name, _("请填写「%(label)s」") % {"label": f.label}))
            continue
        if f.kind in VALIDATED_KINDS:
            value = validated(problems, name, value, VALIDATED_KINDS[f.kind])
        elif message := _field_problem(f, value):
            problems.append(FieldProblem(name, message))
            continue
        out[f.key] = value
    return out
