"""Writes to service items. One transaction each; ItemHistory is the append-only record of an item's versions
(its limits, visits, materials count and online depth), ItemEvent the record of its status moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.catalog.models import ItemEvent, ItemHistory, ItemStatus, ServiceItem
from onewindow.catalog.rules import VERSIONED_FIELDS, check_item_rules
from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict, ServiceError
from onewindow.core.events import transition


def _values(item: ServiceItem) -> dict[str, Any]:
    return {f.name: getattr(item, f.name) for f in ServiceItem._meta.concrete_fields}


def _check(item: ServiceItem) -> None:
    problems = check_item_rules(_values(item))
    if problems:
        raise ServiceError(_("事项信息不符合规则"), problems=problems)


def record_version(item: ServiceItem, *, actor: Actor, note: str) -> ItemHistory:
    """The item's figures as its current version (ItemHistory); an existing row of that version is refreshed."""
    history, _created = ItemHistory.objects.update_or_create(
        item=item, version=item.version,
        defaults={"effective_from": clock.today(), "legal_limit": item.legal_limit,
                  "promised_limit": item.promised_limit, "handling_type": item.handling_type,
                  "max_visits": item.max_visits, "material_count": item.materials.count(),
                  "online_depth": item.online_depth, "note": note[:200], "changed_by": actor_user(actor),
                  "recorded_at": clock.now()})
    return history


def versioned_changes(before: ServiceItem, after: ServiceItem) -> list[str]:
    """The fields whose change makes a new version (limits, handling type, visits, online depth)."""
    return [f for f in VERSIONED_FIELDS if getattr(before, f) != getattr(after, f)]


def _labels(fields: list[str]) -> str:
    return "、".join(str(ServiceItem._meta.get_field(f).verbose_name) for f in fields)  # type: ignore[union-attr]


@transaction.atomic
def item_update(*, item: ServiceItem, actor: Actor, changes: Mapping[str, Any] | None = None,
                note: str = "") -> ServiceItem:
    """Apply `changes` (field → value) to an item, or save an item already changed in memory (admin form).

    When a time limit, the handling type, visits or online depth change, the version goes up by one and an
    ItemHistory row records the new figures. Raises ServiceError naming each broken rule; nothing is saved then.
    """
    if item.pk is None:
        raise ServiceError(_("事项尚未创建"), field="code")
    before = ServiceItem.objects.select_for_update().get(pk=item.pk)
    for name, value in (changes or {}).items():
        setattr(item, name, value)
    item.status = before.status  # the status moves only by publish / retire
    _check(item)
    versioned = versioned_changes(before, item)
    item.version = before.version + 1 if versioned else before.version
    if versioned and not before.history.filter(version=before.version).exists():
        record_version(before, actor=None, note="修改前版本")
    item.save()
    if versioned:
        record_version(item, actor=actor, note=note or "修改：" + _labels(versioned))
    audit_log(actor=actor, action="catalog.item_update", target=item,
              detail={"changed": versioned, "version": item.version})
    return item


@transaction.atomic
def item_create(*, item: ServiceItem, actor: Actor) -> ServiceItem:
    """A new item (a draft unless created published by an import), version 1 recorded."""
    _check(item)
    item.version = item.version or 1
    item.save()
    record_version(item, actor=actor, note="新建事项")
    audit_log(actor=actor, action="catalog.item_create", target=item)
    return item


def item_sync_material_count(*, item: ServiceItem) -> None:
    """After materials were edited alongside the item (admin inlines), keep the current version's count right."""
    ItemHistory.objects.filter(item=item, version=item.version).update(material_count=item.materials.count())


@transaction.atomic
def item_publish(*, item: ServiceItem, actor: Actor) -> ServiceItem:
    return transition(item, to=ItemStatus.PUBLISHED, allowed_from={ItemStatus.DRAFT, ItemStatus.RETIRED},
                      action="publish", action_label=gettext_lazy("发布"), actor=actor, event_model=ItemEvent,
                      version_field=None)


@transaction.atomic
def item_retire(*, item: ServiceItem, actor: Actor) -> ServiceItem:
    return transition(item, to=ItemStatus.RETIRED, allowed_from={ItemStatus.DRAFT, ItemStatus.PUBLISHED},
                      action="retire", action_label=gettext_lazy("停用"), actor=actor, event_model=ItemEvent,
                      version_field=None)


def item_delete(*, item: ServiceItem, actor: Actor) -> None:
    """Delete an item nothing refers to (no case, bundle or rating); otherwise a 409 — retire it instead."""
    label, pk, name = item._meta.label_lower, item.pk, item.name
    try:
        with transaction.atomic():
            item.delete()
            audit_log(actor=actor, action="catalog.item_delete", target_type=label, target_id=str(pk),
                      detail={"code": item.code, "name": name})
    except ProtectedError:
        raise Conflict(_("事项“%(name)s”已被办件、一件事或评价引用，不能删除，请改为停用") % {"name": name},
                       field="item") from None
