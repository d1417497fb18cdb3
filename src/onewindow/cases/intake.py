"""What the apply page, the window page and the API share when a submission arrives over HTTP: the rate limits
on online submissions and the uploads a multipart request carries (one part per material, `material.<code>`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

from onewindow.cases.services.uploads import Upload, upload_from_django
from onewindow.core.security import phone_key, rate_limit

MATERIAL_PREFIX = "material."

#: online submissions per hour: (per client address, per applicant phone number)
SUBMIT_LIMITS = {"anonymous": (20, 10), "signed_in": (60, 30)}
SUBMIT_LIMIT_SECONDS = 3600


def limit_online_submission(request: HttpRequest, applicant: Mapping[str, Any]) -> None:
    """Refuse (429) an online submission once this address, or the applicant's phone number from any address, has
    made too many within the hour. Every attempt counts, accepted or not. Phone numbers are counted under a keyed
    hash (core.security.phone_key), never in clear. Window submissions by clerks are not limited."""
    signed_in = bool(request.user.is_authenticated)
    per_address, per_phone = SUBMIT_LIMITS["signed_in" if signed_in else "anonymous"]
    phones = {str(applicant.get(k) or "") for k in ("phone", "contact_phone")} if isinstance(applicant, Mapping) else set()
    keys = {phone_key(p): per_phone for p in phones if any(ch.isdigit() for ch in p)}
    rate_limit(request, scope="cases.submit" if signed_in else "cases.submit.anonymous", limit=per_address,
               per_seconds=SUBMIT_LIMIT_SECONDS, keys=keys)


def material_uploads(request: HttpRequest, *, skip_empty: bool = True) -> dict[str, Upload]:
    """The request's `material.<code>` file parts as uploads by material code (empty parts left out: a form's
    unused file input)."""
    parts: dict[str, UploadedFile] = {name: f for name, f in request.FILES.items()
                                      if name.startswith(MATERIAL_PREFIX) and isinstance(f, UploadedFile)}
    return {name.removeprefix(MATERIAL_PREFIX): upload_from_django(f) for name, f in parts.items()
            if f.size or not skip_empty}
