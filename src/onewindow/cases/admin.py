"""Cases in the Django admin. The 秒批 rules are the one thing administrators write here, through
`services.auto_approval` (checked and audited). Cases, their events and the outbox are read-only history: a case
changes only through the life-cycle services (each change an event), and an outbox message is only ever sent
again, through `services.notifications`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onewindow.cases.models import AutoApprovalRule, Case, CaseEvent, OutboxMessage, OutboxStatus
from onewindow.cases.services.auto_approval import auto_rule_delete, auto_rule_save, check_auto_rule
from onewindow.cases.services.notifications import mark_message
from onewindow.core.errors import ServiceError


class AutoApprovalRuleForm(forms.ModelForm):
    class Meta:
        model = AutoApprovalRule
        fields = ("item_code", "enabled", "rule", "result_prefix", "note")

    def clean_rule(self) -> Any:
        rule = self.cleaned_data.get("rule")
        try:
            check_auto_rule(rule)
        except ServiceError as exc:
            raise forms.ValidationError(exc.message) from None
        return rule


@admin.register(AutoApprovalRule)
class AutoApprovalRuleAdmin(admin.ModelAdmin):
    form = AutoApprovalRuleForm
    list_display = ("item_code", "enabled", "result_prefix", "note")
    list_filter = ("enabled",)
    search_fields = ("item_code", "note")

    def save_model(self, request: HttpRequest, obj: AutoApprovalRule, form: forms.ModelForm[AutoApprovalRule],
                   change: bool) -> None:
        auto_rule_save(rule=obj, actor=request.user, changed=form.changed_data)

    def delete_model(self, request: HttpRequest, obj: AutoApprovalRule) -> None:
        auto_rule_delete(rule=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[AutoApprovalRule]) -> None:
        for rule in queryset:
            auto_rule_delete(rule=rule, actor=request.user)


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor_label", "action", "from_status", "to_status", "reason", "correlation", "data")
    exclude = ("actor",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases change only through the services (each change writes an event)."""

    list_display = ("number", "item_name", "department", "status", "due_date")
    list_filter = ("status", "department")
    search_fields = ("number", "application__number")
    inlines = [CaseEventInline]
    list_select_related = ("department",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only, the phone number left out; "send again" hands pending or failed messages to the sender."""

    list_display = ("created_at", "kind", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    exclude = ("recipient_phone",)
    readonly_fields = ("text", "kind", "case", "application", "status", "attempts", "last_error", "created_at", "sent_at")
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("立即重新发送"), permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        ids = list(queryset.exclude(status=OutboxStatus.SENT).values_list("pk", flat=True))
        sent = sum(1 for pk in ids if mark_message(message_id=pk) == OutboxStatus.SENT)
        self.message_user(request, _("已发送 %(sent)d 条，共 %(total)d 条") % {"sent": sent, "total": len(ids)},
                          messages.INFO)
