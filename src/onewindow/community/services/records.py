"""Configuration records edited in the Django admin — the tree's rows, co-building units and their shared
resources, service teams, the menu, party organisations (deleted here; saved by organisation.partyorg_save) —
saved and deleted through here, so that each admin write is one transaction with its audit entry.

Members, orders, matters, proposals, theme events and the ledger are not edited in the admin: they change only
through their own services.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from onewindow.community.models import (
    Building,
    CoBuildingUnit,
    Community,
    Compound,
    Grid,
    MenuItem,
    PartyOrg,
    SharedResource,
    Street,
    Team,
)
from onewindow.core.actors import Actor
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict, FieldProblem, ServiceError

SAVED_HERE = (Street, Community, Grid, Compound, Building, CoBuildingUnit, SharedResource, Team, MenuItem)
DELETED_HERE = (*SAVED_HERE, PartyOrg)


def record_save(*, record: models.Model, actor: Actor, changed: Iterable[str] = (),
                relations: Mapping[str, Iterable[models.Model]] | None = None) -> models.Model:
    """Validate and save a configuration record (and, when given, its many-to-many `relations`), audited."""
    if not isinstance(record, SAVED_HERE):
        raise TypeError(f"{type(record).__name__} is not saved through record_save")
    try:
        record.full_clean()
    except ValidationError as exc:
        problems = [FieldProblem(name, " ".join(messages)) for name, messages in exc.message_dict.items()]
        raise ServiceError(_("记录有误"), problems=problems) from None
    with transaction.atomic():
        created = record.pk is None
        record.save()
        for name, values in (relations or {}).items():
            getattr(record, name).set(values)
        audit_log(actor=actor, action=f"community.{record._meta.model_name}_{'create' if created else 'update'}",
                  target=record, detail={"changed": sorted(changed)})
    return record


def record_delete(*, record: models.Model, actor: Actor) -> None:
    """Delete a configuration record that nothing refers to any more (else a 409), audited."""
    if not isinstance(record, DELETED_HERE):
        raise TypeError(f"{type(record).__name__} is not deleted through record_delete")
    label, pk, name = record._meta.label_lower, record.pk, str(record)
    try:
        with transaction.atomic():
            record.delete()
            audit_log(actor=actor, action=f"community.{record._meta.model_name}_delete", target_type=label,
                      target_id=str(pk), detail={"name": name})
    except ProtectedError:
        raise Conflict(_("“%(name)s”仍被其他记录引用，不能删除") % {"name": name}, field="record") from None
