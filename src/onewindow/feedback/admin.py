from django.contrib import admin

from onewindow.feedback.models import RoutingRule, SuggestionCategory


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 1
    autocomplete_fields = ()


@admin.register(SuggestionCategory)
class SuggestionCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "group", "department", "due_workdays", "is_cant_do", "active", "sort_order")
    list_filter = ("active", "is_cant_do", "group")
    search_fields = ("code", "name", "keywords")
    inlines = [RoutingRuleInline]
