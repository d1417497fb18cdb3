"""The admin writes through the services (validated and audited like any other write).

Profiles, hiring records, policies and classes are created or edited here by calling the same service functions
the pages and the API call. Claims, registrations and licences change state only through their services
(pages and API: review, payment, sign-up, sign-in, issue, revoke), so the admin shows them read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest

from onewindow.core.errors import ServiceError

from . import models
from .services import classes, enterprises, policies


def _as_validation_error(exc: ServiceError) -> ValidationError:
    return ValidationError([f"{p.field}: {p.message}" if p.field else p.message for p in exc.problems])


class ServiceForm(ModelForm):
    """Runs the service in clean(), so a refusal shows on the form and nothing is saved."""

    service_result: Any = None
    request: HttpRequest | None = None

    def call_service(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            self.service_result = self.call_service(cleaned)
        except ServiceError as exc:
            raise _as_validation_error(exc) from None
        return cleaned


class ThroughServices(admin.ModelAdmin):
    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})  # a class per request: no shared state

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # the service already wrote the record in form.clean(); the admin only needs its primary key
        obj.pk = form.service_result.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EnterpriseForm(ServiceForm):
    class Meta:
        model = models.Enterprise
        fields = ("credit_code", "name", "name_en", "registered_capital", "industry", "founded_on",
                  "declared_employees", "user")

    def validate_unique(self) -> None:  # an existing credit code is an update, decided by the service
        return None

    def call_service(self, data: dict[str, Any]) -> Any:
        assert self.request is not None
        return enterprises.enterprise_register(
            credit_code=data["credit_code"], name=data["name"], name_en=data.get("name_en", ""),
            registered_capital=data["registered_capital"], industry=data["industry"], founded_on=data["founded_on"],
            declared_employees=data["declared_employees"], user=data.get("user"), actor=self.request.user)


@admin.register(models.Enterprise)
class EnterpriseAdmin(ThroughServices):
    form = EnterpriseForm
    list_display = ("name", "credit_code", "industry", "registered_capital", "founded_on", "declared_employees")
    list_filter = ("industry",)
    search_fields = ("name", "credit_code")
    raw_id_fields = ("user",)


class HiringForm(ServiceForm):
    class Meta:
        model = models.HiringRecord
        fields = ("enterprise", "filed_on", "hired", "left", "reference")

    def call_service(self, data: dict[str, Any]) -> Any:
        assert self.request is not None
        return enterprises.hiring_record_file(enterprise=data["enterprise"], filed_on=data["filed_on"],
                                              hired=data["hired"], left=data["left"], reference=data["reference"],
                                              actor=self.request.user)


@admin.register(models.HiringRecord)
class HiringRecordAdmin(ThroughServices):
    form = HiringForm
    list_display = ("enterprise", "filed_on", "hired", "left", "reference")
    raw_id_fields = ("enterprise",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None  # a filing is corrected by a new filing


class PolicyForm(ServiceForm):
    class Meta:
        model = models.Policy
        fields = ("code", "title", "title_en", "department", "basis", "summary", "rules", "amount_fixed",
                  "amount_per_employee", "amount_cap", "opens_on", "closes_on", "review_workdays", "materials",
                  "published")

    def validate_unique(self) -> None:  # an existing code is an update, decided by the service
        return None

    def call_service(self, data: dict[str, Any]) -> Any:
        assert self.request is not None
        return policies.policy_save(
            code=data["code"], title=data["title"], title_en=data.get("title_en", ""), department=data["department"],
            basis=data["basis"], summary=data.get("summary", ""), rules_json=data.get("rules"),
            amount_fixed=data["amount_fixed"], amount_per_employee=data["amount_per_employee"],
            amount_cap=data.get("amount_cap"), opens_on=data["opens_on"], closes_on=data["closes_on"],
            review_workdays=data["review_workdays"], materials=data.get("materials"),
            published=data.get("published", False), actor=self.request.user)


@admin.register(models.Policy)
class PolicyAdmin(ThroughServices):
    form = PolicyForm
    list_display = ("code", "title", "department", "opens_on", "closes_on", "review_workdays", "published")
    list_filter = ("department", "published")
    search_fields = ("code", "title")


class SessionForm(ServiceForm):
    class Meta:
        model = models.ClassSession
        fields = ("topic", "title", "title_en", "speaker_department", "place", "starts_at", "ends_at", "capacity")

    def call_service(self, data: dict[str, Any]) -> Any:
        assert self.request is not None
        return classes.session_create(topic=data["topic"], title=data["title"], title_en=data.get("title_en", ""),
                                      speaker_department=data["speaker_department"], place=data["place"],
                                      starts_at=data["starts_at"], ends_at=data["ends_at"],
                                      capacity=data["capacity"], actor=self.request.user)


@admin.register(models.ClassSession)
class ClassSessionAdmin(ThroughServices):
    form = SessionForm
    list_display = ("title", "topic", "speaker_department", "starts_at", "capacity", "status")
    list_filter = ("topic", "status")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None  # a published class is cancelled on its page, with its registrations


@admin.register(models.PolicyApplication)
class PolicyApplicationAdmin(ReadOnly):
    list_display = ("number", "policy", "enterprise", "channel", "status", "due_on", "paid_amount")
    list_filter = ("status", "channel", "policy__department")
    search_fields = ("number", "enterprise__name", "enterprise__credit_code")


@admin.register(models.ClassRegistration)
class ClassRegistrationAdmin(ReadOnly):
    list_display = ("session", "enterprise", "status", "registered_at", "attended_at")
    list_filter = ("status",)
    exclude = ("nonce",)


@admin.register(models.IndustryLicence)
class IndustryLicenceAdmin(ReadOnly):
    list_display = ("number", "title", "enterprise", "department", "issued_on", "status")
    list_filter = ("status", "industry")
    exclude = ("token",)
