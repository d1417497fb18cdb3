"""Writes to bundles: a bundle and its parts (items, questions, options, options' extra materials, form fields)
as edited in the Django admin. Each save or delete is one validated transaction with its audit entry.

Besides the model's own validation, two rules hold the questions together: an option selects only items of its
own bundle, and a follow-up question hangs on an option of another question of the same bundle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from onewindow.bundles.models import Bundle, BundleItem, FormField, Option, OptionMaterial, Question
from onewindow.core.actors import Actor
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict, FieldProblem, ServiceError

PARTS = (Bundle, BundleItem, Question, Option, OptionMaterial, FormField)


def _validate(record: models.Model) -> None:
    try:
        record.full_clean()
    except ValidationError as exc:
        problems = [FieldProblem(name, " ".join(messages)) for name, messages in exc.message_dict.items()]
        raise ServiceError(_("记录有误"), problems=problems) from None


def _check_rules(record: models.Model, relations: Mapping[str, Iterable[models.Model]]) -> None:
    if isinstance(record, Option) and "items" in relations:
        allowed = set(BundleItem.objects.filter(bundle_id=record.question.bundle_id).values_list("item_id", flat=True))
        foreign = [str(item) for item in relations["items"] if item.pk not in allowed]
        if foreign:
            raise ServiceError(_("选项只能选中本一件事所含事项：%(items)s") % {"items": "、".join(foreign)},
                               field="items")
    if isinstance(record, Question) and record.shown_when_id is not None:
        parent = Option.objects.select_related("question").get(pk=record.shown_when_id)
        if parent.question.bundle_id != record.bundle_id or parent.question_id == record.pk:
            raise ServiceError(_("追问须挂在本一件事另一个问题的选项上"), field="shown_when")


def record_save(*, record: models.Model, actor: Actor, changed: Iterable[str] = (),
                relations: Mapping[str, Iterable[models.Model]] | None = None) -> models.Model:
    """Validate and save a bundle or one of its parts (and, when given, its many-to-many `relations`), audited."""
    if not isinstance(record, PARTS):
        raise TypeError(f"{type(record).__name__} is not saved through bundles record_save")
    relations = relations or {}
    _validate(record)
    _check_rules(record, relations)
    with transaction.atomic():
        created = record.pk is None
        record.save()
        for name, values in relations.items():
            getattr(record, name).set(values)
        audit_log(actor=actor, action=f"bundles.{record._meta.model_name}_{'create' if created else 'update'}",
                  target=record, detail={"changed": sorted(changed)})
    return record


def record_delete(*, record: models.Model, actor: Actor) -> None:
    """Delete a bundle (with its parts) or one part, audited; a 409 when something still refers to it."""
    if not isinstance(record, PARTS):
        raise TypeError(f"{type(record).__name__} is not deleted through bundles record_delete")
    label, pk, name = record._meta.label_lower, record.pk, str(record)
    try:
        with transaction.atomic():
            record.delete()
            audit_log(actor=actor, action=f"bundles.{record._meta.model_name}_delete", target_type=label,
                      target_id=str(pk), detail={"name": name})
    except ProtectedError:
        raise Conflict(_("“%(name)s”仍被其他记录引用，不能删除") % {"name": name}, field="record") from None
