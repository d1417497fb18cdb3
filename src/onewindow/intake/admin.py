"""Admin: outlets, their staff and lockers are set up here (each write audited); channels, custody, events and
terminals are read only (they change through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from onewindow.core import clock
from onewindow.core.audit import audit_log
from onewindow.intake.models import (
    Custody,
    CustodyEvent,
    IntakeChannel,
    Locker,
    LockerDevice,
    Outlet,
    OutletMembership,
)


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if hasattr(obj, "created_at") and not obj.created_at:
            obj.created_at = clock.now()
        super().save_model(request, obj, form, change)
        audit_log(actor=request.user, action=f"intake.admin_{'change' if change else 'add'}", target=obj,
                  detail={"fields": sorted(form.changed_data)})


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@admin.register(Outlet)
class OutletAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "hall", "active")
    list_filter = ("kind", "hall", "active")
    search_fields = ("code", "name")
    filter_horizontal = ("items",)
    exclude = ("created_at",)


@admin.register(OutletMembership)
class OutletMembershipAdmin(AuditedAdmin):
    list_display = ("user", "outlet", "active")
    list_filter = ("outlet", "active")
    exclude = ("created_at",)


@admin.register(Locker)
class LockerAdmin(AuditedAdmin):
    list_display = ("code", "name", "hall", "compartments", "active")
    list_filter = ("hall", "active")


@admin.register(IntakeChannel)
class IntakeChannelAdmin(ReadOnlyAdmin):
    list_display = ("application", "kind", "outlet", "hall", "staff_label", "consent_method", "created_at")
    list_filter = ("kind", "outlet", "hall")


@admin.register(Custody)
class CustodyAdmin(ReadOnlyAdmin):
    list_display = ("number", "application", "kind", "status", "locker", "compartment", "tracking_number")
    list_filter = ("kind", "status", "locker")
    exclude = ("code_hash",)


@admin.register(CustodyEvent)
class CustodyEventAdmin(ReadOnlyAdmin):
    list_display = ("custody", "at", "action", "from_status", "to_status", "actor_label")


@admin.register(LockerDevice)
class LockerDeviceAdmin(ReadOnlyAdmin):
    list_display = ("locker", "label", "paired_at", "expires_at", "revoked_at", "last_seen_at")
    exclude = ("secret_hash", "pairing_nonce")
