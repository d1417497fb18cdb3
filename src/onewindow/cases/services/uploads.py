"""Files as applicants send them: the size limit, the type from the file's first bytes, the hash, the storage.

Nothing here reads a file whole: the size comes from the upload itself, the type from its first bytes and the
hash from 64 KB chunks; storing it moves or copies it in chunks. Files are stored before the submitting
transaction (so the numbering lock is held only for the inserts) and deleted again when that transaction fails.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.errors import ServiceError
from onewindow.core.validators import clean_text

log = logging.getLogger(__name__)

SNIFF_BYTES = 16
HASH_CHUNK = 64 * 1024
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class Upload:
    """A file as received: a multipart part (streamed to a temporary file when large) or decoded base64."""

    def __init__(self, name: str, file: File) -> None:
        self.name = name
        self.file = file
        self._sha256: str | None = None

    @property
    def size(self) -> int:
        size = getattr(self.file, "size", 0)
        return int(size or 0)

    def head(self, n: int = SNIFF_BYTES) -> bytes:
        self.file.seek(0)
        data = self.file.read(n)
        self.file.seek(0)
        return bytes(data)

    def sha256(self) -> str:
        if self._sha256 is None:
            digest = hashlib.sha256()
            for chunk in self.file.chunks(HASH_CHUNK):
                digest.update(chunk)
            self.file.seek(0)
            self._sha256 = digest.hexdigest()
        return self._sha256


def _file_name(name: object) -> str:
    return clean_text(name, multiline=False)[:200] or "file"


def upload_from_django(f: File) -> Upload:
    return Upload(name=_file_name(getattr(f, "name", "")), file=f)


def upload_from_bytes(name: str, data: bytes) -> Upload:
    name = _file_name(name)
    return Upload(name=name, file=ContentFile(data, name=name))


def upload_limit() -> int:
    limit: Any = settings.ONEWINDOW.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    return int(limit)


def _too_large(size: int, limit: int, *, field: str) -> ServiceError:
    return ServiceError(_("文件过大：%(size).1f MB，单个文件不能超过 %(limit)d MB")
                        % {"size": size / 1048576, "limit": limit // 1048576}, field=field)


def upload_from_base64(name: str, content: str, *, field: str) -> Upload:
    limit = upload_limit()
    decoded_size = len(content) * 3 // 4
    if decoded_size > limit + 3:  # refused from its length, before decoding
        raise _too_large(decoded_size, limit, field=field)
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise ServiceError(_("文件内容不是有效的 base64 编码"), field=field) from None
    return upload_from_bytes(name, data)


def sniff_content_type(data: bytes) -> str | None:
    """The file type from its first bytes (magic numbers), not from its name: PDF, JPEG or PNG only."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def check_upload(upload: Upload, *, field: str) -> str:
    """Return the detected content type or raise a ServiceError naming the field. The size is checked first, from
    the upload's own record of it, so an oversized file is refused without being read."""
    limit = upload_limit()
    size = upload.size
    if not size:
        raise ServiceError(_("上传的文件是空的"), field=field)
    if size > limit:
        raise _too_large(size, limit, field=field)
    kind = sniff_content_type(upload.head())
    if kind is None:
        raise ServiceError(_("只接受 PDF、JPG 或 PNG 文件（按文件内容识别）"), field=field)
    return kind


def store_upload(upload: Upload, kind: str, sha: str, stored: list[str]) -> str:
    """Save the file under MEDIA_ROOT; `stored` collects names so a failed transaction can delete them."""
    today = clock.today()
    name = f"cases/{today:%Y/%m}/{sha[:2]}/{uuid.uuid4().hex}.{EXTENSIONS[kind]}"
    upload.file.seek(0)
    saved = default_storage.save(name, upload.file)  # chunked copy (or a move of the temporary file)
    stored.append(saved)
    return saved


def discard_uploads(stored: list[str]) -> None:
    """Delete files stored for a submission that did not commit."""
    for name in stored:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - best effort
            log.warning("could not delete orphan upload %s", name)
