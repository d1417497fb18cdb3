"""Admin: checklist templates and their points, score weights (configuration data).

Every write goes through supervision's services (services.inspections, services.ranking), so the rules they keep
(one active set of weights, a used checklist point is never deleted) and the audit entry are never skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onewindow.core.errors import ServiceError
from onewindow.supervision.models import ChecklistPoint, ChecklistTemplate, ScoreWeights
from onewindow.supervision.services.inspections import (
    checklist_point_delete,
    checklist_point_save,
    checklist_template_delete,
    checklist_template_save,
)
from onewindow.supervision.services.ranking import (
    score_weights_activate,
    score_weights_delete,
    score_weights_save,
)


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

    def save_model(self, request: HttpRequest, obj: ChecklistTemplate, form: ModelForm, change: bool) -> None:
        checklist_template_save(template=obj, actor=request.user)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet,
                     change: bool) -> None:
        deleted, changed, new = [], [], []
        for inline_form in formset.deleted_forms:
            point = inline_form.instance
            if point.pk and _done(request, point, partial(checklist_point_delete, point=point, actor=request.user)):
                deleted.append(point)
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            point = inline_form.instance
            point.template = formset.instance
            existed = point.pk is not None
            checklist_point_save(point=point, actor=request.user)
            if existed:
                changed.append((point, inline_form.changed_data))
            else:
                new.append(point)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = new, changed, deleted

    def delete_model(self, request: HttpRequest, obj: ChecklistTemplate) -> None:
        checklist_template_delete(template=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ChecklistTemplate]) -> None:
        for template in queryset:
            _done(request, template, partial(checklist_template_delete, template=template, actor=request.user))


@admin.register(ScoreWeights)
class ScoreWeightsAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "on_time", "satisfaction", "rectification", "notices", "instant", "inspection",
                    "notice_penalty", "updated_at")
    actions = ("activate",)

    def save_model(self, request: HttpRequest, obj: ScoreWeights, form: ModelForm, change: bool) -> None:
        score_weights_save(weights=obj, actor=request.user)

    @admin.action(description=_("启用所选权重（替换当前使用的权重）"), permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[ScoreWeights]) -> None:
        chosen = list(queryset[:2])
        if len(chosen) != 1:
            messages.error(request, _("请只选择一套权重"))
            return
        score_weights_activate(weights=chosen[0], actor=request.user)
        messages.success(request, _("已启用：%(name)s") % {"name": chosen[0].name})

    def delete_model(self, request: HttpRequest, obj: ScoreWeights) -> None:
        score_weights_delete(weights=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ScoreWeights]) -> None:
        for weights in queryset:
            _done(request, weights, partial(score_weights_delete, weights=weights, actor=request.user))


def _done(request: HttpRequest, obj: object, write: Callable[[], object]) -> bool:
    """Run one write; a refusal (ServiceError) is shown as a message instead of an error page."""
    try:
        write()
    except ServiceError as exc:
        messages.error(request, f"{obj}: {exc.message}")
        return False
    return True
