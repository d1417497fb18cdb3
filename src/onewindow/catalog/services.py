"""Writes to the service catalog. One transaction each; ItemHistory is the append-only record of item versions."""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from onewindow.catalog.models import (
    HandlingType,
    ItemHistory,
    ItemStatus,
    LimitUnit,
    OnlineDepth,
    ServiceItem,
)
from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict, FieldProblem, ServiceError

# Changing any of these makes a new version of the item (with a history row).
VERSIONED_FIELDS = ("legal_limit", "legal_limit_unit", "promised_limit", "promised_limit_unit", "handling_type",
                    "max_visits", "online_depth")

CATALOG_ADMIN_MODELS = {
    "catalog": None,  # every model of the app (items, materials, departments, bundles…)
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


def check_item_rules(values: dict[str, Any]) -> list[FieldProblem]:
    """The consistency rules an item must satisfy (promised ≤ legal, 即办 ⇔ 0, fee ⇒ basis, …)."""
    problems: list[FieldProblem] = []
    legal, promised = values.get("legal_limit"), values.get("promised_limit")
    same_unit = values.get("legal_limit_unit", LimitUnit.WORKDAY) == values.get("promised_limit_unit", LimitUnit.WORKDAY)
    if legal is not None and promised is not None and same_unit and promised > legal:
        problems.append(FieldProblem("promised_limit", "承诺办结时限不能超过法定办结时限"))
    handling = values.get("handling_type")
    if handling == HandlingType.INSTANT and promised not in (0, None):
        problems.append(FieldProblem("promised_limit", "即办件的承诺办结时限应为 0"))
    if handling == HandlingType.PROMISED and promised == 0:
        problems.append(FieldProblem("handling_type", "承诺时限为 0 的事项应为即办件"))
    if values.get("has_fee") and not str(values.get("fee_basis") or "").strip():
        problems.append(FieldProblem("fee_basis", "收费事项须填写收费依据及标准"))
    if values.get("online_depth") == OnlineDepth.HANDLE and values.get("max_visits") not in (0, None) \
            and not str(values.get("visits_reason") or "").strip():
        problems.append(FieldProblem("visits_reason", "全程网办事项到现场次数应为 0，否则须说明必须现场办理的原因"))
    elif values.get("max_visits") and not str(values.get("visits_reason") or "").strip():
        problems.append(FieldProblem("visits_reason", "到办事现场次数大于 0 时须填写必须现场办理的原因"))
    return problems


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


# Excel import is a write too; it lives with the export in transfer.py.
from onewindow.catalog.transfer import ImportResult, catalog_export_xlsx, catalog_import_xlsx  # noqa: E402,F401
