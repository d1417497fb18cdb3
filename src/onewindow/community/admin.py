"""Configuration data in the Django admin. Ledger rows are read-only here: minutes move only through services."""

from django.contrib import admin

from . import models


@admin.register(models.Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ("name", "code")


@admin.register(models.Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "street")
    list_filter = ("street",)


@admin.register(models.Compound)
class CompoundAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "grid", "households")
    list_filter = ("community__street",)
    search_fields = ("name",)


@admin.register(models.PartyOrg)
class PartyOrgAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "form", "community", "secretary")
    list_filter = ("kind", "form")
    search_fields = ("name",)
    filter_horizontal = ("compounds",)


class SharedResourceInline(admin.TabularInline):
    model = models.SharedResource
    extra = 0


@admin.register(models.CoBuildingUnit)
class CoBuildingUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "party_org_name", "is_employer")
    inlines = [SharedResourceInline]
    filter_horizontal = ("communities",)


@admin.register(models.Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "field", "community")
    raw_id_fields = ("leader", "members")


@admin.register(models.MenuItem)
class MenuItemAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "suggested_minutes", "active")
    list_filter = ("category", "active")


admin.site.register(models.Grid)
admin.site.register(models.Building)
