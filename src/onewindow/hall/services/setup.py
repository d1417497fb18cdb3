"""The hall's configuration, written by administrators in the Django admin: halls with their opening hours and
window categories, counters with their skills, appointment slots. Each write is one transaction with its
audit entry (`hall.<model>_create|update|delete`); the admin saves and deletes only through here.

Tickets, sessions, appointments and pads are not configuration: they change only through the queue, clerk,
appointment and pad services, and are read-only in the admin.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction

from onewindow.core.actors import Actor
from onewindow.core.audit import audit_log


def setup_save(*, obj: models.Model, actor: Actor, changed: Iterable[str] = ()) -> models.Model:
    """Create or update one configuration row (`changed`: the form fields that changed, for the audit)."""
    verb = "create" if obj._state.adding else "update"
    with transaction.atomic():
        obj.save()
        audit_log(actor=actor, action=f"hall.{obj._meta.model_name}_{verb}", target=obj,
                  detail={"changed": sorted(changed)})
    return obj


def setup_delete(*, obj: models.Model, actor: Actor) -> None:
    """Delete one configuration row (rows with tickets or bookings are protected by their foreign keys)."""
    with transaction.atomic():
        audit_log(actor=actor, action=f"hall.{obj._meta.model_name}_delete", target=obj,
                  detail={"label": str(obj)})
        obj.delete()
