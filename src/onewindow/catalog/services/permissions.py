"""The catalog admin role (事项管理员): the model permissions it holds."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from onewindow.core.access import Role

CATALOG_ADMIN_MODELS: dict[str, tuple[str, ...] | None] = {
    "catalog": None,  # every model of the app (items, materials, departments…)
    "bundles": None,  # the one-thing bundles the catalog admin also maintains
    "core": ("calendaryear", "officialday"),
}


def grant_catalog_admin_permissions() -> Group:
    """Give the catalog_admin group the model permissions for the catalog, bundles and the working-day calendar."""
    group, _ = Group.objects.get_or_create(name=Role.CATALOG_ADMIN.value)
    perms = Permission.objects.none()
    for app_label, models in CATALOG_ADMIN_MODELS.items():
        qs = Permission.objects.filter(content_type__app_label=app_label)
        if models is not None:
            qs = qs.filter(content_type__model__in=models)
        perms = perms | qs
    group.permissions.add(*perms)
    return group
