"""Files an applicant already chose, kept across a refused submission (a typo in the phone number must not cost
them every file again).

When the apply page answers "please fix these fields", each file that passed its own check (type and size) is kept
server-side as a *pending upload*, bound to the browser session and to the form's token (`idem`, one per filled-in
form): the page lists it as already uploaded, and the next submission uses it unless a new file is chosen for that
material or the applicant removes it. Pending files live under MEDIA_ROOT/pending/ (never served); they are deleted
once the application is submitted, and `purge_pending` removes those of abandoned forms.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.http import HttpRequest

from onewindow.cases.services.uploads import EXTENSIONS, Upload, check_upload
from onewindow.core import clock
from onewindow.core.errors import ServiceError

SESSION_KEY = "ow_cases_pending"
FOLDER = "pending"
MAX_DRAFTS = 3  # forms per session whose files are kept (the newest)
REMOVE_FIELD = "pending_remove"  # checkbox per material code: drop the kept file


def _drafts(request: HttpRequest) -> dict[str, dict[str, dict[str, Any]]]:
    return dict(request.session.get(SESSION_KEY, {}))


def _token(value: str) -> str:
    return "".join(ch for ch in str(value) if ch.isalnum())[:64]


def pending_files(request: HttpRequest, token: str) -> dict[str, dict[str, Any]]:
    """The kept files of the form `token`: {material code: {"name", "size", "path"}}."""
    return dict(_drafts(request).get(_token(token), {}))


def pending_uploads(request: HttpRequest, token: str) -> dict[str, Upload]:
    """The kept files the applicant did not remove, as uploads (a new file chosen for a material replaces them)."""
    removed = set(request.POST.getlist(REMOVE_FIELD))
    uploads = {}
    for code, entry in pending_files(request, token).items():
        if code in removed or not default_storage.exists(entry["path"]):
            continue
        handle = default_storage.open(entry["path"], "rb")
        uploads[code] = Upload(name=entry["name"], file=File(handle, name=entry["name"]))
    return uploads


def keep_uploads(request: HttpRequest, token: str, uploads: Mapping[str, Upload], refused: set[str]) -> None:
    """Keep each file newly chosen on a refused submission (`uploads`) that passed its own check (`refused`:
    material codes with a problem of their own), replacing the file kept before for the same material; forget the
    ones the applicant removed."""
    token = _token(token)
    if not token:
        return
    drafts = _drafts(request)
    kept = dict(drafts.get(token, {}))
    for code in set(request.POST.getlist(REMOVE_FIELD)):
        _delete(kept.pop(code, None))
    for code, upload in uploads.items():
        if code in refused:
            continue
        try:
            kind = check_upload(upload, field=f"materials.{code}")
        except ServiceError:
            continue
        upload.file.seek(0)
        path = default_storage.save(f"{FOLDER}/{clock.today():%Y%m%d}/{uuid.uuid4().hex}.{EXTENSIONS[kind]}",
                                    upload.file)
        _delete(kept.get(code))
        kept[code] = {"name": upload.name, "size": upload.size, "path": path}
    drafts[token] = kept
    for old in list(drafts)[:-MAX_DRAFTS]:
        for entry in drafts.pop(old).values():
            _delete(entry)
    request.session[SESSION_KEY] = drafts


def forget_uploads(request: HttpRequest, token: str) -> None:
    """The application was submitted: its kept files were stored with it; delete the pending copies."""
    drafts = _drafts(request)
    for entry in drafts.pop(_token(token), {}).values():
        _delete(entry)
    request.session[SESSION_KEY] = drafts


def purge_pending(*, older_than_days: int = 2) -> int:
    """Delete the pending files of forms abandoned more than `older_than_days` ago; the number of files deleted."""
    cutoff = f"{clock.today() - dt.timedelta(days=older_than_days):%Y%m%d}"
    deleted = 0
    try:
        days, _ = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    for day in days:
        if day < cutoff:
            _, names = default_storage.listdir(f"{FOLDER}/{day}")
            for name in names:
                default_storage.delete(f"{FOLDER}/{day}/{name}")
                deleted += 1
    return deleted


def _delete(entry: Mapping[str, Any] | None) -> None:
    if entry:
        with contextlib.suppress(OSError):  # best effort: purge_pending deletes what is left
            default_storage.delete(entry["path"])
