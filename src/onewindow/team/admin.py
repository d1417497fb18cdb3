"""Admin: the weights and the question bank are set up here (each write audited; a question is checked by the
exams service); commendations and errors are recorded through their services; the rest is read only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from onewindow.core.audit import audit_log
from onewindow.core.errors import ServiceError
from onewindow.team.models import (
    Assessment,
    AssessmentWeights,
    Attempt,
    Commendation,
    Exam,
    InspectionError,
    Question,
    Star,
)
from onewindow.team.services import assessments, commendations, exams


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@admin.register(AssessmentWeights)
class WeightsAdmin(admin.ModelAdmin):
    list_display = ("volume", "rating", "errors", "punctuality", "error_step", "min_served", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not AssessmentWeights.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_log(actor=request.user, action="team.weights_change", target=obj,
                  detail={"fields": sorted(form.changed_data)})


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("code", "category", "kind", "text", "active")
    list_filter = ("category", "kind", "active")
    search_fields = ("code", "text")

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        question, _created = exams.question_upsert(
            code=obj.code, category=obj.category, kind=obj.kind, text=obj.text, options=list(obj.options),
            answer=list(obj.answer), active=obj.active, actor=request.user)
        obj.pk = question.pk
        audit_log(actor=request.user, action=f"team.question_{'change' if change else 'add'}", target=question,
                  detail={"fields": sorted(form.changed_data)})

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)

        class Checked(form):  # type: ignore[valid-type, misc]
            def clean(self) -> dict[str, Any]:
                data = super().clean()
                try:
                    exams.question_check(kind=data.get("kind", ""), options=list(data.get("options") or []),
                                         answer=list(data.get("answer") or []))
                except ServiceError as exc:
                    raise ValidationError(exc.message) from exc
                return data

        return Checked


@admin.register(Commendation)
class CommendationAdmin(admin.ModelAdmin):
    list_display = ("kind", "received_on", "hall", "counter", "clerk", "giver")
    list_filter = ("kind", "hall")
    fields = ("kind", "received_on", "hall", "counter", "clerk", "giver", "text")

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return obj is None

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        row, _created = commendations.commendation_record(
            kind=obj.kind, received_on=obj.received_on, hall=obj.hall, counter=obj.counter, clerk=obj.clerk,
            giver=obj.giver, text=obj.text, actor=request.user)
        obj.pk = row.pk


@admin.register(InspectionError)
class InspectionErrorAdmin(admin.ModelAdmin):
    list_display = ("clerk", "found_on", "description", "finding")
    fields = ("clerk", "found_on", "description", "finding")

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return obj is None

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        row, _created = assessments.error_record(clerk=obj.clerk, found_on=obj.found_on,
                                                 description=obj.description, finding=obj.finding, actor=request.user)
        obj.pk = row.pk


admin.site.register([Assessment, Exam, Attempt, Star], ReadOnlyAdmin)
