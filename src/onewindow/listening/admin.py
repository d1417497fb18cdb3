"""Admin: third-party agencies are set up here through the service (audited); forums, officers, sessions, reception
days, bookings, findings and visits are read only here (they change through the services behind the pages and
the API, which route findings and keep events)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from onewindow.listening.models import (
    Agency,
    Booking,
    BookingEvent,
    ExperienceSession,
    Forum,
    ListeningFinding,
    MysteryVisit,
    Officer,
    ReceptionDay,
    ReceptionSlot,
)
from onewindow.listening.services.mystery import agency_save


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "contract_start", "contract_end")
    fields = ("name", "contract_start", "contract_end")

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.name = form.initial.get("name", obj.name)  # the name is the key the service finds it by
        saved, _created = agency_save(name=obj.name, contract_start=obj.contract_start,
                                      contract_end=obj.contract_end, actor=request.user)
        obj.pk, obj.created_at = saved.pk, saved.created_at


@admin.register(Forum)
class ForumAdmin(ReadOnlyAdmin):
    list_display = ("held_on", "topic", "hall", "host_department", "participants")
    list_filter = ("hall",)
    exclude = ("idempotency_scope", "idempotency_key", "idempotency_fingerprint")


@admin.register(Officer)
class OfficerAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "hall", "enrolled_on", "active")
    exclude = ("name", "user")  # the full name is not shown in lists


@admin.register(ExperienceSession)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("held_on", "service", "hall", "officer")
    exclude = ("idempotency_scope", "idempotency_key", "idempotency_fingerprint")


class SlotInline(admin.TabularInline):
    model = ReceptionSlot
    extra = 0
    can_delete = False
    fields = ("starts_at", "ends_at", "capacity", "booked")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReceptionDay)
class ReceptionDayAdmin(ReadOnlyAdmin):
    list_display = ("held_on", "leader_title", "department", "hall")
    inlines = (SlotInline,)
    exclude = ("idempotency_scope", "idempotency_key", "idempotency_fingerprint")


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("day", "slot", "status", "created_at")
    list_filter = ("status",)
    exclude = ("citizen", "idempotency_scope", "idempotency_key", "idempotency_fingerprint")


@admin.register(BookingEvent)
class BookingEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "booking", "action", "from_status", "to_status", "actor_label")


@admin.register(ListeningFinding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "source", "category", "text", "suggestion")
    list_filter = ("source",)
    exclude = ("idempotency_scope", "idempotency_key", "idempotency_fingerprint")


@admin.register(MysteryVisit)
class MysteryVisitAdmin(ReadOnlyAdmin):
    list_display = ("covert_from", "covert_to", "agency", "hall", "inspection")
    exclude = ("idempotency_scope", "idempotency_key", "idempotency_fingerprint")
