from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onewindow.core import services
from onewindow.core.models import AuditEntry, CalendarYear, OfficialDay, Profile, Region
from onewindow.core.regions import region_save


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "target_type", "target_id", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_id", "action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "department", "region"]
    search_fields = ["display_name", "user__username"]
    autocomplete_fields = ["region"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Regions are edited here and saved through core.regions.region_save (paths kept right, audited)."""

    list_display = ["code", "name", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_en"]
    readonly_fields = ["path"]
    autocomplete_fields = ["parent"]

    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        region_save(region=obj, actor=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Region | None = None) -> bool:
        return False  # departments, halls and staff reference regions (PROTECT); rename or re-parent instead


# --- the working-day calendar: every edit goes through core.services (bumps the revision, audited) ---------


class OfficialDayForm(forms.ModelForm):
    class Meta:
        model = OfficialDay
        fields = ["date", "kind", "name", "source"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, kind = data.get("date"), data.get("kind")
        if day and kind == OfficialDay.Kind.WORKDAY and day.weekday() < 5:
            self.add_error("kind", _("调休上班日应为周六或周日"))
        year_row = getattr(self.instance, "calendar_year", None) if self.instance.calendar_year_id else None
        if day and year_row is not None and self.instance.pk is None and day.year != year_row.year:
            self.add_error("date", _("日期应在%(year)s年内") % {"year": year_row.year})
        return data


def _weekday(obj: OfficialDay) -> str:
    return "周" + "一二三四五六日"[obj.date.weekday()] if obj and obj.date else ""


class OfficialDayInline(admin.TabularInline):
    model = OfficialDay
    form = OfficialDayForm
    fields = ["date", "weekday", "kind", "name"]
    readonly_fields = ["weekday"]
    extra = 0
    ordering = ["date"]
    show_change_link = False

    @admin.display(description=_("星期"))
    def weekday(self, obj: OfficialDay) -> str:
        return _weekday(obj)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "official", "holiday_count", "workday_count", "source", "updated_at"]
    list_filter = ["official"]
    search_fields = ["year", "source"]
    inlines = [OfficialDayInline]
    fields = ["year", "official", "source"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarYear]:
        return super().get_queryset(request).annotate(
            n_holidays=Count("days", filter=Q(days__kind=OfficialDay.Kind.HOLIDAY)),
            n_workdays=Count("days", filter=Q(days__kind=OfficialDay.Kind.WORKDAY)))

    @admin.display(description=_("休息日数"), ordering="n_holidays")
    def holiday_count(self, obj: CalendarYear) -> int:
        return getattr(obj, "n_holidays", 0)

    @admin.display(description=_("调休上班日数"), ordering="n_workdays")
    def workday_count(self, obj: CalendarYear) -> int:
        return getattr(obj, "n_workdays", 0)

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: forms.ModelForm, change: bool) -> None:
        if change and not form.has_changed():
            return
        saved = services.calendar_year_save(year=obj.year, official=obj.official, source=obj.source,
                                            actor=request.user)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarYear) -> None:
        services.calendar_year_delete(year=obj.year, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarYear]) -> None:
        for obj in queryset:
            services.calendar_year_delete(year=obj.year, actor=request.user)

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool) -> None:
        deleted: list[OfficialDay] = []
        changed: list[tuple[OfficialDay, list[str]]] = []
        new: list[OfficialDay] = []
        for inline_form in formset.deleted_forms:
            obj = inline_form.instance
            if obj.pk:
                services.calendar_day_delete(day=inline_form.initial.get("date", obj.date), actor=request.user)
                deleted.append(obj)
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            obj = inline_form.instance
            previous = inline_form.initial.get("date") if obj.pk else None
            saved = services.calendar_day_save(day=obj.date, kind=obj.kind, name=obj.name, source=obj.source,
                                               previous_date=previous, actor=request.user)
            if obj.pk:
                changed.append((saved, inline_form.changed_data))
            else:
                new.append(saved)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = new, changed, deleted


@admin.register(OfficialDay)
class OfficialDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name", "source"]
    list_filter = ["kind", "calendar_year__year", "calendar_year__official"]
    search_fields = ["name", "source"]
    date_hierarchy = "date"
    form = OfficialDayForm
    list_select_related = ["calendar_year"]

    @admin.display(description=_("星期"))
    def weekday(self, obj: OfficialDay) -> str:
        return _weekday(obj)

    def save_model(self, request: HttpRequest, obj: OfficialDay, form: forms.ModelForm, change: bool) -> None:
        previous = form.initial.get("date") if change else None
        saved = services.calendar_day_save(day=obj.date, kind=obj.kind, name=obj.name, source=obj.source,
                                           previous_date=previous, actor=request.user)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: OfficialDay) -> None:
        services.calendar_day_delete(day=obj.date, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[OfficialDay]) -> None:
        for obj in queryset:
            services.calendar_day_delete(day=obj.date, actor=request.user)
