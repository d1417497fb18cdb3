"""The catalog's reference records edited in the Django admin — departments, window categories, canonical
materials and an item's materials — saved and deleted through here: each admin write is one validated
transaction with its audit entry. Items themselves change through services/items.py (versions, status).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from onewindow.catalog.models import CanonicalMaterial, Department, ItemMaterial, WindowCategory
from onewindow.catalog.services.items import item_sync_material_count
from onewindow.core.actors import Actor
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict, FieldProblem, ServiceError

RECORDS = (Department, WindowCategory, CanonicalMaterial, ItemMaterial)


def _validate(record: models.Model) -> None:
    try:
        record.full_clean()
    except ValidationError as exc:
        problems = [FieldProblem(name, " ".join(messages)) for name, messages in exc.message_dict.items()]
        raise ServiceError(_("记录有误"), problems=problems) from None


def record_save(*, record: models.Model, actor: Actor, changed: Iterable[str] = ()) -> models.Model:
    """Validate and save a reference record, audited; an item's material also refreshes the item's version."""
    if not isinstance(record, RECORDS):
        raise TypeError(f"{type(record).__name__} is not saved through catalog record_save")
    _validate(record)
    with transaction.atomic():
        created = record.pk is None
        record.save()
        if isinstance(record, ItemMaterial):
            item_sync_material_count(item=record.item)
        audit_log(actor=actor, action=f"catalog.{record._meta.model_name}_{'create' if created else 'update'}",
                  target=record, detail={"changed": sorted(changed)})
    return record


def record_delete(*, record: models.Model, actor: Actor) -> None:
    """Delete a reference record nothing refers to any more (else a 409 naming it), audited."""
    if not isinstance(record, RECORDS):
        raise TypeError(f"{type(record).__name__} is not deleted through catalog record_delete")
    label, pk, name = record._meta.label_lower, record.pk, str(record)
    try:
        with transaction.atomic():
            record.delete()
            if isinstance(record, ItemMaterial):
                item_sync_material_count(item=record.item)
            audit_log(actor=actor, action=f"catalog.{record._meta.model_name}_delete", target_type=label,
                      target_id=str(pk), detail={"name": name})
    except ProtectedError:
        raise Conflict(_("“%(name)s”仍被其他记录引用，不能删除") % {"name": name}, field="record") from None
