"""Request size limits, checked before the body is read.

Django reads a request body only when a view asks for it, and then buffers multipart files (to memory or to a
temporary file) before any application code can look at their size. The declared length (`Content-Length`) is
known up front, so a request that could never be accepted is refused here with 413 before a byte of its body is
read:

- multipart/form-data (uploads): at most `ONEWINDOW["REQUEST_MAX_BYTES"]` (default 30 MB, `ONEWINDOW_REQUEST_MAX_MB`);
- any other body (JSON, forms): at most `DATA_UPLOAD_MAX_MEMORY_SIZE` (it is read into memory whole).

Behind nginx, `client_max_body_size` should equal the multipart limit so oversized uploads stop at the proxy.
Within the limit, files above `FILE_UPLOAD_MAX_MEMORY_SIZE` stream to a temporary file on disk; each file's own
limit (`ONEWINDOW["UPLOAD_MAX_BYTES"]`) is checked by the upload checker from its size, without reading it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from onewindow.core.error_pages import error_page
from onewindow.core.errors import error_response

FIELD = "body"


def request_limit(request: HttpRequest) -> int:
    """The most bytes this request's body may have, by its content type."""
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
        return int(getattr(settings, "ONEWINDOW", {}).get("REQUEST_MAX_BYTES", 30 * 1024 * 1024))
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return int(limit) if limit is not None else 0


def too_large_message(size: int, limit: int) -> str:
    return _("提交的内容过大（%(size).1f MB），单次提交不能超过 %(limit).1f MB，请压缩或分次上传文件") % {
        "size": size / 1048576, "limit": limit / 1048576}


class RequestSizeLimitMiddleware:
    """Answer 413 (with the API's error shape naming the field `body`) when Content-Length exceeds the limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = request_limit(request) if length else 0
        if length and limit and length > limit:
            message = too_large_message(length, limit)
            if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
                response: HttpResponse = error_response(message, status=413, field=FIELD)
            else:
                response = error_page(request, 413, detail=message)
            return response
        return self.get_response(request)
