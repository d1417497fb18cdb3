"""Writes to the service catalog. One transaction each; ItemHistory is the append-only record of item versions."""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from onewindow.catalog.models import ItemHistory, ItemStatus, ServiceItem
from onewindow.catalog.rules import VERSIONED_FIELDS, check_item_rules
from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict, ServiceError

CATALOG_ADMIN_MODELS = {
    "catalog": None,  # every model of the app (items, materials, departments…)
    "bundles": None,  # the one-thing bundles the catalog admin also maintains
    "core": ("calendaryear", "officialday"),
}


def grant_catalog_admin_permissions() -> Group:
    """Give the catalog_admin group the model permissions for the catalog and the working-day calendar."""
    group, _ = Group.objects.get_or_create(name=Role.CATALOG_ADMIN.value)
    perms = Permission.objects.none()
    for app_label, models in CATALOG_ADMIN_MODELS.items():
        qs = Permission.objects.filter(content_type__app_label=app_label)
        if models is not None:
            qs = qs.filter(content_type__model__in=models)
        perms = perms | qs
    group.permissions.add(*perms)
    return group


def _snapshot(item: ServiceItem, *, actor: Any, note: str) -> ItemHistory:
    return ItemHistory.objects.create(
        item=item, version=item.version, effective_from=clock.today(), legal_limit=item.legal_limit,
        promised_limit=item.promised_limit, handling_type=item.handling_type, max_visits=item.max_visits,
        material_count=item.materials.count(), online_depth=item.online_depth, note=note[:200],
        changed_by=actor if getattr(actor, "is_authenticated", False) else None, recorded_at=clock.now())


@transaction.atomic
def item_update(*, item: ServiceItem, actor: Any, changes: dict[str, Any] | None = None, note: str = "") -> ServiceItem:
    """Apply `changes` (field → value) to an item, or save an item already changed in memory (admin form).

    When a time limit, the handling type, visits or online depth change, the version goes up by one and an
    ItemHistory row records the new figures. Raises ServiceError naming each broken rule; nothing is saved then.
    """
    if item.pk is None:
        raise ServiceError("事项尚未创建", field="code")
    before = ServiceItem.objects.select_for_update().get(pk=item.pk)
    for field, value in (changes or {}).items():
        setattr(item, field, value)
    values = {f.name: getattr(item, f.name) for f in ServiceItem._meta.concrete_fields}
    problems = check_item_rules(values)
    if problems:
        raise ServiceError("事项信息不符合规则", problems=problems)
    versioned = [f for f in VERSIONED_FIELDS if getattr(before, f) != getattr(item, f)]
    if versioned:
        if not before.history.filter(version=before.version).exists():
            _snapshot(before, actor=None, note="修改前版本")
        item.version = before.version + 1
    else:
        item.version = before.version
    item.save()
    if versioned:
        _snapshot(item, actor=actor, note=note or "修改：" + "、".join(str(ServiceItem._meta.get_field(f).verbose_name)
                                                                       for f in versioned))
    audit_log(actor=actor, action="catalog.item_update", target=item,
              detail={"changed": versioned, "version": item.version})
    return item


def item_sync_material_count(*, item: ServiceItem) -> None:
    """After materials were edited alongside the item (admin inlines), keep the current version's count right."""
    ItemHistory.objects.filter(item=item, version=item.version).update(material_count=item.materials.count())


@transaction.atomic
def item_create(*, item: ServiceItem, actor: Any) -> ServiceItem:
    problems = check_item_rules({f.name: getattr(item, f.name) for f in ServiceItem._meta.concrete_fields})
    if problems:
        raise ServiceError("事项信息不符合规则", problems=problems)
    item.version = item.version or 1
    item.save()
    _snapshot(item, actor=actor, note="新建事项")
    audit_log(actor=actor, action="catalog.item_create", target=item)
    return item


def _set_status(*, item: ServiceItem, actor: Any, to: str, allowed_from: tuple[str, ...], action: str) -> ServiceItem:
    updated = ServiceItem.objects.filter(pk=item.pk, status__in=allowed_from).update(status=to,
                                                                                     updated_at=clock.now())
    if updated != 1:
        raise Conflict(f"事项“{item.name}”当前状态不能执行此操作", field="status")
    item.status = to
    audit_log(actor=actor, action=action, target=item, detail={"status": to})
    return item


@transaction.atomic
def item_publish(*, item: ServiceItem, actor: Any) -> ServiceItem:
    return _set_status(item=item, actor=actor, to=ItemStatus.PUBLISHED,
                       allowed_from=(ItemStatus.DRAFT, ItemStatus.RETIRED), action="catalog.item_publish")


@transaction.atomic
def item_retire(*, item: ServiceItem, actor: Any) -> ServiceItem:
    return _set_status(item=item, actor=actor, to=ItemStatus.RETIRED,
                       allowed_from=(ItemStatus.DRAFT, ItemStatus.PUBLISHED), action="catalog.item_retire")
