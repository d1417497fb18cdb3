"""Idempotency keys: one rule for every endpoint that takes one.

A client that retries a write sends the same `Idempotency-Key`; the first record is returned and nothing new is
written. Two rules keep a key from being a way into someone else's record:

- A key is **scoped to its submitter**: `user:<pk>` for a signed-in caller, `anon:<address>` otherwise (or a
  scope the caller gives, such as a kiosk session). The same key from another person finds nothing.
- The key is **bound to the request body**: the record stores a fingerprint of what was asked; the same key with
  a different body is a 409 Conflict, never a silent replay of the first answer.

    scope = idempotency_scope(actor=request.user, request=request)
    fingerprint = request_fingerprint({"kind": kind, "code": code, "answers": answers, ...})
    existing = Model.objects.filter(idempotency_scope=scope, idempotency_key=key).first()
    if existing is not None:
        return idempotent_replay(existing, fingerprint=fingerprint)   # raises Conflict on a different body

Models keep three columns (`idempotency_scope`, `idempotency_key`, `idempotency_fingerprint`) with a unique
constraint on (scope, key); a lost race shows as an IntegrityError, after which the caller looks again.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from onewindow.core.actors import Actor
from onewindow.core.errors import Conflict, ServiceError

KEY_MAX_LENGTH = 120
FIELD = "Idempotency-Key"

T = TypeVar("T")


def clean_key(raw: object, *, required: bool = False, field: str = FIELD) -> str:
    """The key as sent, stripped; '' when absent. Refuses one that is too long or (when required) missing."""
    key = str(raw or "").strip()
    if not key:
        if required:
            raise ServiceError(_("请在请求头 Idempotency-Key 中提供幂等键"), field=field)
        return ""
    if len(key) > KEY_MAX_LENGTH or any(ord(ch) < 32 for ch in key):
        raise ServiceError(_("幂等键应为1至120个可见字符"), field=field)
    return key


def idempotency_scope(*, actor: Actor = None, request: Any = None) -> str:
    """`user:<pk>` for a signed-in actor, `anon:<client address>` otherwise."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        return f"user:{actor.pk}"
    from onewindow.core.security import client_key

    return f"anon:{client_key(request)}" if request is not None else "anon:unknown"


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, (set, frozenset)):
        return sorted(str(v) for v in value)
    data = getattr(value, "data", None)  # an upload: its content decides
    if isinstance(data, (bytes, bytearray)):
        return hashlib.sha256(data).hexdigest()
    return str(value)


def request_fingerprint(payload: Any) -> str:
    """A stable SHA-256 of what the request asked for (canonical JSON: sorted keys, no whitespace)."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def idempotent_replay(existing: T, *, fingerprint: str) -> T:
    """Return the record a retried request made, or refuse (409) when the key was used for another body."""
    stored = getattr(existing, "idempotency_fingerprint", "")
    if stored and stored != fingerprint:
        raise Conflict(_("该幂等键已用于另一份不同内容的请求"), field=FIELD)
    return existing
