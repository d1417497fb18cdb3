from django.contrib import admin

from onewindow.cases.models import AutoApprovalRule, Case, CaseEvent, OutboxMessage


@admin.register(AutoApprovalRule)
class AutoApprovalRuleAdmin(admin.ModelAdmin):
    list_display = ("item_code", "enabled", "result_prefix", "note")
    list_filter = ("enabled",)
    search_fields = ("item_code", "note")


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor_label", "action", "from_status", "to_status", "reason", "data")
    exclude = ("actor",)

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases change only through the services (each change writes an event)."""

    list_display = ("number", "item_name", "department", "status", "due_date")
    list_filter = ("status", "department")
    search_fields = ("number", "application__number")
    inlines = [CaseEventInline]
    list_select_related = ("department",)

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    exclude = ("recipient_phone",)
    readonly_fields = ("text", "kind", "case", "application", "status", "attempts", "last_error", "created_at", "sent_at")

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False
