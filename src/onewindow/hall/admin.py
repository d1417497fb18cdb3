"""Hall configuration in the Django admin: halls with their hours and categories, counters, slots — written
through `services.setup` (audited). Tickets, their events, sessions, bookings and pads are read-only history:
they change only through the hall's own services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from onewindow.hall.models import (
    Appointment,
    AppointmentSlot,
    ClerkSession,
    Counter,
    Hall,
    HallCategory,
    OpeningHours,
    PadDevice,
    Ticket,
    TicketEvent,
)
from onewindow.hall.services.setup import setup_delete, setup_save


class ThroughServices(admin.ModelAdmin):
    """Saves and deletes (of the row, its inlines and the "delete selected" action) call the setup service."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        setup_save(obj=obj, actor=request.user, changed=form.changed_data)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        setup_delete(obj=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            setup_delete(obj=obj, actor=request.user)

    def save_formset(self, request: HttpRequest, form: ModelForm[Any], formset: BaseInlineFormSet[Any, Any, Any],
                     change: bool) -> None:
        formset.save(commit=False)  # fills new_objects, changed_objects and deleted_objects
        for obj in formset.deleted_objects:
            setup_delete(obj=obj, actor=request.user)
        for obj, fields in formset.changed_objects:
            setup_save(obj=obj, actor=request.user, changed=fields)
        for obj in formset.new_objects:
            setup_save(obj=obj, actor=request.user, changed=["*"])
        formset.save_m2m()


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class HallCategoryInline(admin.TabularInline):
    model = HallCategory
    extra = 0


@admin.register(Hall)
class HallAdmin(ThroughServices):
    list_display = ("name", "name_en", "code", "no_lunch_break", "reform_date", "active")
    search_fields = ("name", "name_en", "code")
    inlines = [OpeningHoursInline, HallCategoryInline]


@admin.register(Counter)
class CounterAdmin(ThroughServices):
    list_display = ("hall", "number", "name", "kind", "active")
    list_filter = ("hall", "kind", "active")
    filter_horizontal = ("categories",)


@admin.register(AppointmentSlot)
class AppointmentSlotAdmin(ThroughServices):
    list_display = ("hall", "category", "date", "start", "end", "capacity", "booked")
    list_filter = ("hall", "date")
    readonly_fields = ("booked",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    exclude = ("token",)  # the holder's follow-page secret (it leads to the rating link): not for staff screens
    list_display = ("number", "hall", "day", "status", "priority", "counter")
    list_filter = ("hall", "status", "day")
    list_select_related = ("hall", "counter")


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "action", "at", "counter", "actor_label")
    list_filter = ("action",)
    list_select_related = ("ticket", "counter")


@admin.register(ClerkSession)
class ClerkSessionAdmin(ReadOnlyAdmin):
    list_display = ("counter", "clerk", "state", "started_at", "ended_at")
    list_select_related = ("counter", "clerk")


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ("code", "slot", "status", "created_at")
    list_filter = ("status",)


@admin.register(PadDevice)
class PadDeviceAdmin(ReadOnlyAdmin):
    """Paired rating pads (pair and revoke them from /hall/counters/<id>/pads/); the secret is never stored."""

    exclude = ("secret_hash", "pairing_nonce")
    list_display = ("counter", "label", "paired_by", "paired_at", "expires_at", "revoked_at")
    list_filter = ("counter__hall",)
    list_select_related = ("counter", "paired_by")
