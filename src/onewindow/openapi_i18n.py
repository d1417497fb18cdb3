"""The API description in the request's language: summaries, descriptions and field descriptions go through
gettext (their English lives in onewindow/locale), and the description says how to authenticate."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _noop

TITLE = _noop("OneWindow 一窗通办 API")
DESCRIPTION = _noop(
    "一窗通办的 JSON 接口（/api/v1/）。\n\n"
    "**认证**：公开接口（办事指南、一件事、智能导办、公开统计）无需登录。其他接口使用网站的登录会话："
    "先在 /accounts/login/ 登录，之后的请求带上 Cookie `sessionid`；写操作（POST、PUT、PATCH、DELETE）"
    "还须在请求头 `X-CSRFToken` 中带上 Cookie `csrftoken` 的值。未登录答 401，角色无权限答 403。"
    "创建类接口可带 `Idempotency-Key` 请求头，重复提交只生效一次。\n\n"
    "**错误**：4xx 答 `{\"detail\": …, \"errors\": [{\"field\": …, \"message\": …}]}`，指明出错的字段。\n\n"
    "本说明的语言随请求：`Accept-Language: en` 或网站的语言设置。"
)


def _translate(value: Any) -> Any:
    return gettext(value) if isinstance(value, str) and value else value


def _fields(node: Any) -> None:
    """Every "description" inside a schema component, translated in place."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("description", "title") and isinstance(value, str):
                node[key] = _translate(value)
            else:
                _fields(value)
    elif isinstance(node, list):
        for value in node:
            _fields(value)


def localise(schema: dict[str, Any]) -> dict[str, Any]:
    info = schema.setdefault("info", {})
    info["title"] = gettext(TITLE)
    info["description"] = gettext(DESCRIPTION)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict):
                for key in ("summary", "description"):
                    if operation.get(key):
                        operation[key] = _translate(operation[key])
                _fields(operation.get("parameters", []))
    _fields(schema.get("components", {}))
    return schema
