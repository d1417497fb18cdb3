"""Django admin for the catalog, for the catalog admin (事项管理员). Every write goes through the services:
an item through services/items.py (changing limits bumps the version and writes an ItemHistory row; the status
moves only by the publish / retire actions, each an ItemEvent), the reference records and an item's materials
through services/records.py — each one transaction with its audit entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import (
    CanonicalMaterial,
    Department,
    ItemEvent,
    ItemHistory,
    ItemMaterial,
    ServiceItem,
    WindowCategory,
)
from onewindow.catalog.rules import check_item_rules
from onewindow.catalog.services import items, records
from onewindow.catalog.transfer.export import catalog_export_xlsx
from onewindow.catalog.transfer.importer import catalog_import_xlsx
from onewindow.catalog.transfer.national import national_basic_csv, national_material_csv
from onewindow.core.errors import FieldProblem, ServiceError
from onewindow.core.excel import XLSX_CONTENT_TYPE, content_disposition


class ThroughServices(admin.ModelAdmin):
    """Saves and deletes a reference record (and its inline rows) through services.records, audited."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        records.record_save(record=obj, actor=request.user, changed=form.changed_data)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        for obj in formset.save(commit=False):
            records.record_save(record=obj, actor=request.user)
        for obj in formset.deleted_objects:
            records.record_delete(record=obj, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        records.record_delete(record=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            records.record_delete(record=obj, actor=request.user)


@admin.register(Department)
class DepartmentAdmin(ThroughServices):
    list_display = ("code", "name", "short_name", "parent", "region", "credit_code", "phone", "item_count",
                    "sort_order")
    list_filter = ("region", "parent")
    search_fields = ("code", "name", "name_en", "short_name", "credit_code")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("sort_order", "code")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        return super().get_queryset(request).annotate(_item_count=Count("items"))

    @admin.display(description=_("事项数"), ordering="_item_count")
    def item_count(self, obj: Department) -> int:
        return int(getattr(obj, "_item_count", 0))


@admin.register(WindowCategory)
class WindowCategoryAdmin(ThroughServices):
    list_display = ("code", "name", "name_en", "default_ticket_prefix", "sort_order")
    search_fields = ("code", "name", "name_en")


@admin.register(CanonicalMaterial)
class CanonicalMaterialAdmin(ThroughServices):
    list_display = ("code", "name", "name_en", "issuer", "use_count")
    search_fields = ("code", "name", "name_en", "aliases_en", "issuer")

    def get_queryset(self, request: HttpRequest) -> QuerySet[CanonicalMaterial]:
        return super().get_queryset(request).annotate(_use_count=Count("uses"))

    @admin.display(description=_("使用事项数"), ordering="_use_count")
    def use_count(self, obj: CanonicalMaterial) -> int:
        return int(getattr(obj, "_use_count", 0))


class ItemMaterialInline(admin.TabularInline):
    model = ItemMaterial
    extra = 0
    autocomplete_fields = ("material",)
    fields = ("order", "material", "source", "necessity", "originals", "copies", "form", "paper_size",
              "has_blank_form", "has_sample", "notes")
    formfield_overrides = {ItemMaterial._meta.get_field("notes").__class__: {
        "widget": forms.Textarea(attrs={"rows": 1, "cols": 24})}}


class ItemHistoryInline(admin.TabularInline):
    model = ItemHistory
    extra = 0
    can_delete = False
    fields = ("version", "effective_from", "legal_limit", "promised_limit", "handling_type", "max_visits",
              "material_count", "online_depth", "note", "changed_by", "recorded_at")
    readonly_fields = fields
    ordering = ("-version",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ItemEventInline(admin.TabularInline):
    """The item's status moves (publish / retire), read only."""

    model = ItemEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_status", "to_status", "actor_label", "reason")
    readonly_fields = fields
    ordering = ("-at",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceItemForm(forms.ModelForm):
    class Meta:
        model = ServiceItem
        fields = "__all__"  # noqa: DJ007 - the admin fieldsets choose the fields

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = {f.name: data[f.name] for f in ServiceItem._meta.concrete_fields if f.name in data}
        for problem in check_item_rules(values):
            field = problem.field if problem.field in self.fields else None
            self.add_error(field, str(problem.message))
        return data


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    form = ServiceItemForm
    change_list_template = "admin/catalog/serviceitem/change_list.html"
    list_display = ("name", "code", "department_short", "window_category", "item_type", "limits", "max_visits",
                    "status", "version")
    list_display_links = ("name",)
    list_filter = ("status", "window_category", "item_type", "handling_type", "audience", "online_depth", "speedup",
                   ("department", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "basic_code", "name", "name_en", "aliases", "aliases_en")
    list_select_related = ("department", "window_category")
    autocomplete_fields = ("department", "handling_department")
    readonly_fields = ("status", "version", "updated_at")
    list_per_page = 50
    actions = ("publish_items", "retire_items")
    inlines = (ItemMaterialInline, ItemHistoryInline, ItemEventInline)
    fieldsets = (
        (_("基本信息"), {"fields": ("name", "name_en", "code", "basic_code", "item_type", "exercise_level", "department",
                                "handling_department", "window_category", "audience", "status", "version",
                                "updated_at")}),
        (_("时限与办件类型"), {"fields": (("legal_limit", "legal_limit_unit"), ("promised_limit", "promised_limit_unit"),
                                    "handling_type")}),
        (_("办理方式"), {"fields": ("handling_forms", "online_depth", "max_visits", "visits_reason",
                                "supports_appointment", "supports_post", "supports_online_payment")}),
        (_("办事指南"), {"fields": ("acceptance_conditions", "process_steps", "result_name", "result_name_en",
                                "has_fee", "fee_basis", "place", "hours", "consult_phone", "complaint_phone",
                                "legal_basis", "description", "aliases", "aliases_en", "faq")}),
        (_("提速办"), {"fields": ("speedup", "speedup_before_limit", "speedup_standard_limit")}),
    )

    @admin.display(description=_("实施主体"), ordering="department__sort_order")
    def department_short(self, obj: ServiceItem) -> str:
        return obj.department.short_name or obj.department.name

    @admin.display(description=_("法定/承诺时限"))
    def limits(self, obj: ServiceItem) -> str:
        promised = _("即办") if obj.is_instant else f"{obj.promised_limit}{obj.get_promised_limit_unit_display()}"
        return f"{obj.legal_limit}{obj.get_legal_limit_unit_display()} / {promised}"

    def save_model(self, request: HttpRequest, obj: ServiceItem, form: ModelForm, change: bool) -> None:
        if change:
            items.item_update(item=obj, actor=request.user)
        else:
            items.item_create(item=obj, actor=request.user)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        for obj in formset.save(commit=False):
            records.record_save(record=obj, actor=request.user)
        for obj in formset.deleted_objects:
            records.record_delete(record=obj, actor=request.user)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        items.item_sync_material_count(item=form.instance)

    def delete_model(self, request: HttpRequest, obj: ServiceItem) -> None:
        items.item_delete(item=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        for item in queryset:
            items.item_delete(item=item, actor=request.user)

    @admin.action(description=_("发布所选事项"), permissions=["change"])
    def publish_items(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        self._each(request, queryset, items.item_publish, _("已发布 %(n)d 个事项"))

    @admin.action(description=_("停用所选事项"), permissions=["change"])
    def retire_items(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        self._each(request, queryset, items.item_retire, _("已停用 %(n)d 个事项"))

    def _each(self, request: HttpRequest, queryset: QuerySet[ServiceItem], action: Callable[..., ServiceItem],
              done: Any) -> None:
        n = 0
        for item in queryset:
            try:
                action(item=item, actor=request.user)
                n += 1
            except ServiceError as exc:
                self.message_user(request, exc.message, messages.WARNING)
        self.message_user(request, done % {"n": n}, messages.SUCCESS)

    # ---- import / export pages
    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="catalog_serviceitem_import"),
            path("export.xlsx", wrap(self.export_view), name="catalog_serviceitem_export"),
            path("national-basic.csv", wrap(self.national_view), {"kind": "basic"},
                 name="catalog_serviceitem_national_basic"),
            path("national-material.csv", wrap(self.national_view), {"kind": "material"},
                 name="catalog_serviceitem_national_material"),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(catalog_export_xlsx(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition("事项库.xlsx", inline=False)
        return response

    def national_view(self, request: HttpRequest, kind: str) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        if kind == "basic":
            content, name = national_basic_csv(), "task_general_basic.csv"
        else:
            content, name = national_material_csv(), "task_general_material.csv"
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition(name, inline=False)
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        problems: list[FieldProblem] = []
        summary = ""
        if request.method == "POST":
            upload = request.FILES.get("file")
            if upload is None:
                problems = [ServiceError(gettext("请选择要导入的 .xlsx 文件"), field="file").problems[0]]
                summary = str(gettext("请选择要导入的 .xlsx 文件"))
            else:
                try:
                    result = catalog_import_xlsx(file=upload, actor=request.user)
                except ServiceError as exc:
                    problems, summary = exc.problems, exc.message
                else:
                    self.message_user(request, result.summary(), messages.SUCCESS)
                    return TemplateResponse(request, "admin/catalog/serviceitem/import.html", {
                        **self.admin_site.each_context(request), "opts": self.model._meta, "result": result,
                        "title": _("导入事项（Excel）"),
                        "changelist_url": reverse("admin:catalog_serviceitem_changelist")})
        return TemplateResponse(request, "admin/catalog/serviceitem/import.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "problems": problems,
            "summary": summary, "title": _("导入事项（Excel）"),
            "changelist_url": reverse("admin:catalog_serviceitem_changelist")}, status=400 if problems else 200)


@admin.register(ItemMaterial)
class ItemMaterialAdmin(ThroughServices):
    list_display = ("item", "material", "source", "necessity", "originals", "copies", "form")
    list_filter = ("source", "necessity", "form")
    search_fields = ("item__name", "item__code", "material__name", "material__code")
    list_select_related = ("item", "material")
    autocomplete_fields = ("item", "material")


@admin.register(ItemHistory)
class ItemHistoryAdmin(admin.ModelAdmin):
    list_display = ("item", "version", "effective_from", "legal_limit", "promised_limit", "handling_type",
                    "max_visits", "material_count", "online_depth", "note")
    list_filter = ("handling_type", "effective_from")
    search_fields = ("item__name", "item__code")
    list_select_related = ("item",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

