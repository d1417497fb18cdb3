"""API refusals answer in the request's language: their text is a Chinese msgid passed through gettext, never a
bare Chinese literal (which would answer in Chinese whatever the caller asked for).

The guard reads the package's source (AST): a Chinese string literal that is the message of an error the API
answers with — ninja's HttpError, the project's ServiceError family, FieldProblem, error_body/error_response,
collect's summary, Django's PermissionDenied/Http404/ValidationError, and the services' own message helpers
(cases' _required and _problem, the survey import's problem, the catalog workbook's problems.add) — must sit inside a gettext call. f-strings and
concatenations count too: a placeholder belongs in the msgid (%(name)s), not in Python around it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import onewindow

CJK = re.compile(r"[\u4e00-\u9fff]")
PACKAGE = Path(onewindow.__file__).parent
#: the call → which positional argument is the message (keywords message/detail/summary/msg count as well)
MESSAGE_ARGUMENT = {
    "HttpError": 1, "ServiceError": 0, "Conflict": 0, "NotFound": 0, "Forbidden": 0, "InputError": 0,
    "RateLimited": 0, "TransitionRefused": 0, "FieldProblem": 1, "error_body": 0, "error_response": 0,
    "collect": 1, "PermissionDenied": 0, "Http404": 0, "ValidationError": 0,
    "_required": 1, "_problem": 0, "problem": 1,
    "add": 3,  # the catalog workbook's Problems.add(sheet, row, column, message); a set's add has one argument
}
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy", "gettext_noop"}


def _name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _bare_chinese(node: ast.AST) -> list[ast.Constant]:
    """Chinese str constants in an expression that no gettext call wraps (a dict key like values["小区"] aside)."""
    if isinstance(node, ast.Call) and _name(node.func) in GETTEXT:
        return []
    if isinstance(node, ast.Subscript):
        return _bare_chinese(node.value)
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value):
        return [node]
    return [found for child in ast.iter_child_nodes(node) for found in _bare_chinese(child)]


def untranslated_refusals(source: str, where: str) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _name(node.func) not in MESSAGE_ARGUMENT:
            continue
        position = MESSAGE_ARGUMENT[_name(node.func) or ""]
        messages = node.args[position:position + 1]
        messages += [k.value for k in node.keywords if k.arg in ("message", "detail", "summary", "msg")]
        for message in messages:
            out += [f"{where}:{c.lineno}: {_name(node.func)}({c.value[:50]!r})"
                    for c in _bare_chinese(message)]
    return out


def test_no_api_refusal_carries_a_bare_chinese_literal() -> None:
    files = [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]
    assert len(files) > 100, "the scan found the package"
    found = [line for path in sorted(files)
             for line in untranslated_refusals(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE)))]
    assert not found, "wrap these messages in gettext (Chinese msgid, English in the app's .po):\n" + "\n".join(found)


def test_the_guard_sees_a_bare_literal_and_an_f_string() -> None:
    sample = ('raise NotFound("没有这个大厅")\nraise ServiceError(f"没有编码为 {code} 的事项", field="code")\n'
              'raise HttpError(404, _("没有这个大厅"))\nFieldProblem(f"row{n}.小区", _("重复"))\n')
    assert untranslated_refusals(sample, "sample") == [
        "sample:1: NotFound('没有这个大厅')", "sample:2: ServiceError('没有编码为 ')", "sample:2: ServiceError(' 的事项')"]


@pytest.mark.django_db
def test_a_refusal_answers_in_english_when_asked_and_in_chinese_by_default(client) -> None:
    english = client.get("/api/v1/items/NO-SUCH-ITEM", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 404
    assert english.json()["detail"] == "No item with code NO-SUCH-ITEM"
    assert english.json()["errors"] == [{"field": "code", "message": "No item with code NO-SUCH-ITEM"}]
    chinese = client.get("/api/v1/items/NO-SUCH-ITEM")
    assert chinese.status_code == 404
    assert chinese.json()["detail"] == "没有编码为 NO-SUCH-ITEM 的事项"
