"""Hall configuration in the Django admin: halls with their hours and categories, counters, slots.
Tickets and their events are read-only history."""

from django.contrib import admin

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


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class HallCategoryInline(admin.TabularInline):
    model = HallCategory
    extra = 0


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "no_lunch_break", "reform_date", "active")
    inlines = [OpeningHoursInline, HallCategoryInline]


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ("hall", "number", "name", "kind", "active")
    list_filter = ("hall", "kind", "active")
    filter_horizontal = ("categories",)


@admin.register(AppointmentSlot)
class AppointmentSlotAdmin(admin.ModelAdmin):
    list_display = ("hall", "category", "date", "start", "end", "capacity", "booked")
    list_filter = ("hall", "date")
    readonly_fields = ("booked",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    exclude = ("token",)  # the holder's follow-page secret (it leads to the rating link): not for staff screens
    list_display = ("number", "hall", "day", "status", "priority", "counter")
    list_filter = ("hall", "status", "day")
    list_select_related = ("hall", "counter")


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "kind", "at", "counter")
    list_filter = ("kind",)
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
