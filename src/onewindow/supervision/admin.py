"""Admin: checklist templates and their points, score weights (configuration data)."""

from django.contrib import admin

from onewindow.supervision.models import ChecklistPoint, ChecklistTemplate, ScoreWeights


class PointInline(admin.TabularInline):
    model = ChecklistPoint
    extra = 1
    fields = ("order", "group", "code", "text", "guidance")


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")
    inlines = [PointInline]


@admin.register(ScoreWeights)
class ScoreWeightsAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "on_time", "satisfaction", "rectification", "notices", "instant",
                    "notice_penalty", "updated_at")
    list_editable = ("active",)
