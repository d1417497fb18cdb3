"""Configuration data in the Django admin, written through the services (services/records.py and
services/organisation.py), so every admin write is validated and audited like any other.

Ledger rows, members, orders, matters, proposals and theme events are not here: they change only through their
own services and pages. A team's members are managed on the member's page (each joining is a member event).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from onewindow.core.errors import ServiceError

from . import models
from .services import organisation, records, resources


class ThroughServices(admin.ModelAdmin):
    """Saves and deletes through services.records: one transaction with its audit entry each. The record's
    many-to-many fields are set by the same call (never by the admin's own save_m2m)."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        relations = {f.name: form.cleaned_data[f.name] for f in obj._meta.many_to_many if f.name in form.cleaned_data}
        records.record_save(record=obj, actor=request.user, changed=form.changed_data, relations=relations)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

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


@admin.register(models.Street)
class StreetAdmin(ThroughServices):
    list_display = ("name", "code")


@admin.register(models.Community)
class CommunityAdmin(ThroughServices):
    list_display = ("name", "street")
    list_filter = ("street",)


@admin.register(models.Compound)
class CompoundAdmin(ThroughServices):
    list_display = ("name", "community", "grid", "households")
    list_filter = ("community__street",)
    search_fields = ("name",)


class PartyOrgForm(forms.ModelForm):
    """The level's attachment is checked by the service's own rule; the form of a branch follows from how many
    compounds it covers, so it is not edited here."""

    class Meta:
        model = models.PartyOrg
        fields = ("kind", "name", "street", "community", "compounds", "building", "parent", "secretary",
                  "secretary_phone", "secretary_background", "secretary_selection", "secretary_note")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        org = self.instance
        for name in ("kind", "street", "community", "building"):
            if name in cleaned:
                setattr(org, name, cleaned[name])
        try:
            organisation.partyorg_check(org, list(cleaned.get("compounds") or []))
        except ServiceError as exc:
            raise ValidationError({p.field if p.field in self.fields else NON_FIELD_ERRORS: p.message
                                   for p in exc.problems}) from None
        return cleaned


@admin.register(models.PartyOrg)
class PartyOrgAdmin(ThroughServices):
    form = PartyOrgForm
    list_display = ("name", "kind", "form", "community", "secretary")
    list_filter = ("kind", "form")
    search_fields = ("name",)
    filter_horizontal = ("compounds",)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        organisation.partyorg_save(org=obj, compounds=list(form.cleaned_data.get("compounds") or []),
                                   actor=request.user)


class SharedResourceInline(admin.TabularInline):
    model = models.SharedResource
    extra = 0


@admin.register(models.CoBuildingUnit)
class CoBuildingUnitAdmin(ThroughServices):
    list_display = ("name", "party_org_name", "is_employer")
    inlines = [SharedResourceInline]
    filter_horizontal = ("communities",)


@admin.register(models.Team)
class TeamAdmin(ThroughServices):
    list_display = ("name", "field", "community")
    fields = ("name", "field", "community", "leader")
    raw_id_fields = ("leader",)


@admin.register(models.MenuItem)
class MenuItemAdmin(ThroughServices):
    list_display = ("name", "category", "suggested_minutes", "active")
    list_filter = ("category", "active")


@admin.register(models.Grid)
class GridAdmin(ThroughServices):
    list_display = ("name", "community", "keeper")


@admin.register(models.Building)
class BuildingAdmin(ThroughServices):
    list_display = ("name", "compound")



def _service_problems(exc: ServiceError, form: forms.ModelForm) -> ValidationError:
    return ValidationError({p.field if p.field in form.fields else NON_FIELD_ERRORS: p.message
                            for p in exc.problems})


class ServiceSiteForm(forms.ModelForm):
    functions = forms.MultipleChoiceField(label=models.ServiceSite._meta.get_field("functions").verbose_name,
                                          choices=models.ServiceFunction.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = models.ServiceSite
        fields = ("kind", "name", "community", "compound", "address", "spaces", "functions", "opened_on", "active")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        community, compound = cleaned.get("community"), cleaned.get("compound")
        try:
            resources.site_check(kind=cleaned.get("kind", ""), name=cleaned.get("name", ""),
                                 community_id=community.pk if community else None,
                                 compound_id=compound.pk if compound else None)
        except ServiceError as exc:
            raise _service_problems(exc, self) from None
        return cleaned


class FundingGrantForm(forms.ModelForm):
    class Meta:
        model = models.FundingGrant
        fields = ("compound", "source", "amount_yuan", "granted_on", "purpose", "pilot")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("granted_on") is None:
            return cleaned
        compound = cleaned.get("compound")
        try:
            resources.grant_check(compound_id=compound.pk if compound else None, source=cleaned.get("source", ""),
                                  amount_yuan=cleaned.get("amount_yuan"), granted_on=cleaned["granted_on"])
        except ServiceError as exc:
            raise _service_problems(exc, self) from None
        return cleaned


@admin.register(models.ServiceSite)
class ServiceSiteAdmin(admin.ModelAdmin):
    """Neighbourhood centres and party-mass stations, checked by the service's rule in the form and saved
    through services.resources.site_save."""

    form = ServiceSiteForm

    list_display = ("name", "kind", "community", "compound", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    autocomplete_fields = ("compound",)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        saved = resources.site_save(
            site_id=obj.pk if change else None, kind=obj.kind, name=obj.name, community_id=obj.community_id,
            compound_id=obj.compound_id, address=obj.address, spaces=obj.spaces, functions=obj.functions or [],
            opened_on=obj.opened_on, active=obj.active, actor=request.user)
        obj.pk = saved.pk


@admin.register(models.FundingGrant)
class FundingGrantAdmin(admin.ModelAdmin):
    """Grants are recorded (services.resources.grant_record) and never edited: a correction is a new record."""

    form = FundingGrantForm
    list_display = ("compound", "source", "amount_yuan", "granted_on", "pilot")
    list_filter = ("source", "pilot")
    autocomplete_fields = ("compound",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        saved = resources.grant_record(compound_id=obj.compound_id, source=obj.source, amount_yuan=obj.amount_yuan,
                                       granted_on=obj.granted_on, purpose=obj.purpose, pilot=obj.pilot,
                                       actor=request.user)
        obj.pk = saved.pk
