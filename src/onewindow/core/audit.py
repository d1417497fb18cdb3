"""The append-only audit log."""

from typing import Any

from django.db import models

from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.core.middleware import current_request
from onewindow.core.models import AuditEntry


def client_ip(request: Any) -> str | None:
    """The caller's address (X-Forwarded-For only from trusted proxies; see core.security.client_ip)."""
    from onewindow.core import security

    return security.client_ip(request)


def audit_log(*, actor: Actor, action: str, target: models.Model | None = None,
              target_type: str = "", target_id: str = "", detail: dict[str, Any] | None = None) -> AuditEntry:
    """Write one audit row. `action` is a dotted verb such as "case.accept" or "applicant.view_full"."""
    request = current_request.get()
    user = actor_user(actor)
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    return AuditEntry.objects.create(
        at=clock.now(),
        actor=user,
        actor_label=user.get_username() if user else "",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        ip=client_ip(request),
        detail=detail or {},
    )
