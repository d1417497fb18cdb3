"""Admin: suggestion categories (the Open311 services) and their routing rules — configuration data.

Every write goes through feedback's services (services.categories), so the audit entry is never skipped and what
the services refuse (deleting a category suggestions were filed under) is refused here too, with a message
instead of an error page. Ratings, rectifications and suggestions are worked on their own pages, not here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from onewindow.core.errors import ServiceError
from onewindow.feedback.models import RoutingRule, SuggestionCategory
from onewindow.feedback.services.categories import (
    category_delete,
    category_save,
    routing_rule_delete,
    routing_rule_save,
)


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 1


@admin.register(SuggestionCategory)
class SuggestionCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "group", "department", "due_workdays", "is_cant_do", "active", "sort_order")
    list_filter = ("active", "is_cant_do", "group")
    search_fields = ("code", "name", "keywords")
    inlines = [RoutingRuleInline]

    def save_model(self, request: HttpRequest, obj: SuggestionCategory, form: ModelForm, change: bool) -> None:
        category_save(category=obj, actor=request.user)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool) -> None:
        deleted, changed, new = [], [], []
        for inline_form in formset.deleted_forms:
            rule = inline_form.instance
            if rule.pk:
                routing_rule_delete(rule=rule, actor=request.user)
                deleted.append(rule)
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            rule = inline_form.instance
            rule.category = formset.instance
            existed = rule.pk is not None
            routing_rule_save(rule=rule, actor=request.user)
            if existed:
                changed.append((rule, inline_form.changed_data))
            else:
                new.append(rule)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = new, changed, deleted

    def delete_model(self, request: HttpRequest, obj: SuggestionCategory) -> None:
        category_delete(category=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SuggestionCategory]) -> None:
        for category in queryset:
            _done(request, category, partial(category_delete, category=category, actor=request.user))


def _done(request: HttpRequest, obj: object, write: Callable[[], object]) -> bool:
    """Run one write; a refusal (ServiceError) is shown as a message instead of an error page."""
    try:
        write()
    except ServiceError as exc:
        messages.error(request, f"{obj}: {exc.message}")
        return False
    return True
