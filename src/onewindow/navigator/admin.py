"""The guide's synonyms and missed queries in the admin; synonyms are written through the service (audited)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from onewindow.navigator.models import MissedQuery, Synonym
from onewindow.navigator.services import misses


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ("phrase", "targets", "language", "weight", "active", "created_at")
    list_filter = ("language", "active")
    search_fields = ("phrase", "targets")
    fields = ("phrase", "targets", "language", "active")

    def save_model(self, request: HttpRequest, obj: Synonym, form: Any, change: bool) -> None:
        saved = misses.synonym_add(phrase=obj.phrase, targets=obj.targets, language=obj.language,
                                   actor=request.user)
        if not obj.active:
            Synonym.objects.filter(pk=saved.pk).update(active=False)
        obj.pk = saved.pk


@admin.register(MissedQuery)
class MissedQueryAdmin(admin.ModelAdmin):
    list_display = ("text", "kind", "language", "count", "last_at", "resolved_at")
    list_filter = ("kind", "language")
    search_fields = ("text",)
    readonly_fields = ("text", "kind", "language", "count", "first_at", "last_at", "resolved_at", "resolution")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
