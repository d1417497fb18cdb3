"""Django admin for bundles (一件事): items, questions, options (with their extra materials and fields),
and a "preview notice" page that computes the one-time notice for any set of answers. Every save and delete
goes through bundles/services.py (validated, one transaction with its audit entry each)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from onewindow.bundles import selectors, services
from onewindow.bundles.models import Bundle, BundleItem, FormField, Option, OptionMaterial, Question
from onewindow.catalog.models import ServiceItem


def _relations(form: ModelForm, obj: Any) -> dict[str, Any]:
    """The many-to-many values a form carries for `obj`, saved by the service in the same transaction."""
    return {f.name: form.cleaned_data[f.name] for f in obj._meta.many_to_many if f.name in form.cleaned_data}


class ThroughServices(admin.ModelAdmin):
    """Saves and deletes through bundles.services, the record's inline rows (and their many-to-many fields) too;
    never through the admin's own save_m2m."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        services.record_save(record=obj, actor=request.user, changed=form.changed_data,
                             relations=_relations(form, obj))

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        saved = {id(obj) for obj in formset.save(commit=False)}
        for inline in formset.forms:
            if id(inline.instance) in saved:
                services.record_save(record=inline.instance, actor=request.user, changed=inline.changed_data,
                                     relations=_relations(inline, inline.instance))
        for obj in formset.deleted_objects:
            services.record_delete(record=obj, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.record_delete(record=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            services.record_delete(record=obj, actor=request.user)


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    extra = 0
    raw_id_fields = ["item"]
    fields = ["item", "always", "order"]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["key", "text", "text_en", "kind", "required", "order", "shown_when"]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "shown_when":
            bundle = getattr(request, "_bundle_obj", None)
            kwargs["queryset"] = (Option.objects.filter(question__bundle=bundle).select_related("question")
                                  if bundle else Option.objects.none())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Bundle)
class BundleAdmin(ThroughServices):
    list_display = ["code", "name", "audience", "region", "lead_department", "first_in_city", "launched_on", "status",
                    "item_count", "preview_link"]
    list_filter = ["audience", "status", "region", "first_in_city", "window_category", "lead_department"]
    search_fields = ["code", "name", "name_en", "aliases", "aliases_en"]
    inlines = [BundleItemInline, QuestionInline]
    readonly_fields = ["preview_link"]
    autocomplete_fields = ["considered_items"]
    fieldsets = [
        (None, {"fields": ["code", "name", "name_en", "audience", "status", "preview_link", "description",
                           "description_en", "aliases", "aliases_en", "sort_order"]}),
        (_("地区与上线"), {"fields": ["region", "first_in_city", "launched_on"]}),
        (_("受理"), {"fields": ["lead_department", "window_category", "visits", "place", "hours", "consult_phone"],
                   "description": _("承诺时限不在此填写：按所选情形适用事项中最长的承诺办结时限计算（并联审批）。")}),
        (_("说明"), {"fields": ["materials_note", "process_note"]}),
        (_("梳理过但未纳入的事项"), {"fields": ["considered_items"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Bundle]:
        return super().get_queryset(request).select_related("lead_department").annotate(n_items=Count("bundle_items"))

    @admin.display(description=_("事项数"), ordering="n_items")
    def item_count(self, obj: Bundle) -> int:
        return int(getattr(obj, "n_items", 0))

    @admin.display(description=_("告知单预览"))
    def preview_link(self, obj: Bundle | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:bundles_bundle_preview", args=[obj.pk]), _("预览"))

    def get_form(self, request: HttpRequest, obj: Bundle | None = None, change: bool = False, **kwargs: Any) -> Any:
        request._bundle_obj = obj  # type: ignore[attr-defined]
        return super().get_form(request, obj, change, **kwargs)

    def get_urls(self) -> list[URLPattern]:
        return [path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view),
                     name="bundles_bundle_preview"), *super().get_urls()]

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The notice for the answers in the query string, for any bundle status (drafts too)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        bundle = get_object_or_404(Bundle, pk=pk)
        pv = selectors.preview(bundle_code=bundle.code, query=request.GET, include_drafts=True)
        reveals = {q.shown_when_id for q in pv.spec.questions if q.shown_when_id}
        questions = []
        for q in pv.evaluation.visible:
            chosen = set(pv.evaluation.chosen_keys(q))
            questions.append({"question": q, "problem": "", "options": [
                {"key": o.key, "label": o.label, "checked": o.key in chosen, "reveals": o.id in reveals}
                for o in pv.spec.options.get(q.id, [])]})
        item_names = {i.code: i.name for i in pv.notice.items}
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "original": bundle,
            "title": _("告知单预览：%(name)s") % {"name": bundle.name}, "bundle": bundle, "pv": pv,
            "notice": pv.notice, "questions": questions, "missing": [p.message for p in pv.evaluation.problems],
            "materials": [{"m": m, "items": [item_names.get(c, c) for c in m.item_codes]}
                          for m in pv.notice.materials],
            "public_url": reverse("bundles:notice", args=[bundle.code]) + (f"?{pv.query}" if pv.query else ""),
        }
        return TemplateResponse(request, "bundles/admin_preview.html", context)


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0
    fields = ["key", "label", "label_en", "order", "items"]
    show_change_link = True

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "items":
            question = getattr(request, "_question_obj", None)
            kwargs["queryset"] = (ServiceItem.objects.filter(bundle_uses__bundle_id=question.bundle_id)
                                  if question else ServiceItem.objects.none())
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Question)
class QuestionAdmin(ThroughServices):
    list_display = ["bundle", "key", "text", "kind", "required", "shown_when"]
    list_filter = ["kind", "required", "bundle"]
    search_fields = ["key", "text", "bundle__name", "bundle__code"]
    list_select_related = ["bundle", "shown_when__question"]
    raw_id_fields = ["bundle"]
    inlines = [OptionInline]

    def get_form(self, request: HttpRequest, obj: Question | None = None, change: bool = False, **kwargs: Any) -> Any:
        request._question_obj = obj  # type: ignore[attr-defined]
        return super().get_form(request, obj, change, **kwargs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "shown_when":
            question = getattr(request, "_question_obj", None)
            kwargs["queryset"] = (Option.objects.filter(question__bundle_id=question.bundle_id)
                                  .exclude(question=question).select_related("question")
                                  if question else Option.objects.select_related("question"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OptionMaterialInline(admin.TabularInline):
    model = OptionMaterial
    extra = 0
    raw_id_fields = ["material", "item"]
    fields = ["material", "item", "source", "necessity", "originals", "copies", "form", "notes"]


class OptionFieldInline(admin.TabularInline):
    model = FormField
    fk_name = "option"
    extra = 0
    fields = ["key", "label", "label_en", "kind", "required", "choices", "help", "order"]


@admin.register(Option)
class OptionAdmin(ThroughServices):
    list_display = ["question", "key", "label", "label_en", "order"]
    search_fields = ["key", "label", "question__text", "question__bundle__name"]
    list_select_related = ["question__bundle"]
    raw_id_fields = ["question"]
    filter_horizontal = ["items"]
    inlines = [OptionMaterialInline, OptionFieldInline]

    def get_form(self, request: HttpRequest, obj: Option | None = None, change: bool = False, **kwargs: Any) -> Any:
        request._option_obj = obj  # type: ignore[attr-defined]
        return super().get_form(request, obj, change, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        option = getattr(request, "_option_obj", None)
        if db_field.name == "items" and option is not None:
            kwargs["queryset"] = ServiceItem.objects.filter(bundle_uses__bundle_id=option.question.bundle_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(FormField)
class FormFieldAdmin(ThroughServices):
    """Item form fields (事项表单字段); the same key across items is asked once in a bundle's merged form."""

    list_display = ["key", "label", "label_en", "kind", "required", "item", "option"]
    list_filter = ["kind", "required"]
    search_fields = ["key", "label", "item__name", "item__code"]
    list_select_related = ["item", "option__question"]
    raw_id_fields = ["item", "option"]


class ItemFormFieldInline(admin.TabularInline):
    """The item's application form fields; the item admin may add it to its inlines."""

    model = FormField
    fk_name = "item"
    extra = 0
    fields = ["key", "label", "label_en", "kind", "required", "choices", "help", "order"]
