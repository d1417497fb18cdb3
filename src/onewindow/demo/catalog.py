"""The demo catalog from its data files (data/catalog/*.yaml, read by `catalog_data`): window categories,
Fu'an's HR bureau and Huli district's departments, canonical materials, the items with their materials and form
fields, and the items' versions (ItemHistory: the version before Fu'an's 提速办 for the items that reached the
ministry's standard).

Upserts by code in bulk, so loading twice changes nothing and a whole load takes a few seconds. Items, materials
and departments a database holds but the data no longer names are left alone; what an item in the data has
(its materials, its form fields) becomes exactly what the data says. Refuses to load data with problems.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TextIO

from django.core.management.base import CommandError
from django.db import transaction

from onewindow.bundles.models import FormField
from onewindow.catalog.models import (
    CanonicalMaterial,
    Department,
    HandlingType,
    ItemHistory,
    ItemMaterial,
    ItemStatus,
    ItemType,
    LimitUnit,
    MaterialForm,
    MaterialSource,
    ServiceItem,
    SpeedUp,
    WindowCategory,
)
from onewindow.catalog.services.permissions import grant_catalog_admin_permissions
from onewindow.demo import catalog_data as data
from onewindow.demo.upsert import sync


def checked_catalog() -> data.CatalogData:
    """The packaged data files, or CommandError listing every problem the reader found."""
    catalog = data.packaged_catalog()
    if catalog.problems:
        raise CommandError("the demo catalog data has problems (python -m onewindow.demo.catalog_data):\n"
                           + "\n".join(catalog.problems))
    return catalog


def load(*, scale: int = 0, stdout: TextIO | None = None) -> None:
    catalog = checked_catalog()
    with transaction.atomic():
        categories = _categories(catalog)
        departments = _departments(catalog)
        materials = _materials(catalog)
        items = _items(catalog, categories, departments)
        _item_materials(catalog, items, materials)
        _item_fields(catalog, items)
        _history(catalog, items)
        grant_catalog_admin_permissions()
    if stdout is not None:
        stdout.write(f"   catalog: {len(departments)} departments, {len(items)} items, "
                     f"{len(materials)} canonical materials\n")
    if scale > 0:
        from onewindow.demo.catalog_scale import generate_synthetic

        made = generate_synthetic(scale)
        if stdout is not None:
            stdout.write(f"   catalog: {made} synthetic items created (SYN-…)\n")


def _categories(catalog: data.CatalogData) -> dict[str, WindowCategory]:
    wanted = {c.code: {"code": c.code, "name": c.name, "name_en": c.name_en, "default_ticket_prefix": c.prefix,
                       "description": c.description, "description_en": c.description_en, "sort_order": n * 10}
              for n, c in enumerate(catalog.categories.values(), start=1)}
    return sync(WindowCategory, WindowCategory.objects.filter(code__in=list(wanted)), wanted, key=lambda c: c.code).rows


def _departments(catalog: data.CatalogData) -> dict[str, Department]:
    """Two passes: the departments first, then each one's parent (a parent may come later in the file)."""
    from onewindow.demo.regions import ensure_regions

    ensure_regions()  # departments reference their region by code
    wanted = {d.code: {"code": d.code, "name": d.name, "name_en": d.name_en, "short_name": d.short_name,
                       "short_name_en": d.short_name_en, "credit_code": d.credit_code, "region_id": d.region or None,
                       "address": d.address, "phone": d.phone, "sort_order": n * 10}
              for n, d in enumerate(catalog.departments.values(), start=1)}
    rows = sync(Department, Department.objects.filter(code__in=list(wanted)), wanted, key=lambda d: d.code).rows
    parents = {code: {"code": code, "parent_id": rows[d.parent].pk if d.parent else None}
               for code, d in catalog.departments.items()}
    sync(Department, rows.values(), parents, key=lambda d: d.code, prune=False)
    return rows


def _materials(catalog: data.CatalogData) -> dict[str, CanonicalMaterial]:
    wanted = {m.code: {"code": m.code, "name": m.name, "name_en": m.name_en, "issuer": m.issuer,
                       "aliases_en": ",".join(m.aliases_en)} for m in catalog.materials.values()}
    # a material the data no longer names may hold a name the data now gives another code: rename it aside
    names = {values["name"] for values in wanted.values()}
    for old in CanonicalMaterial.objects.filter(name__in=names).exclude(code__in=list(wanted)):
        old.name = f"{old.name}（{old.code}）"[:200]
        old.save(update_fields=["name"])
    existing = CanonicalMaterial.objects.filter(code__in=list(wanted))
    return sync(CanonicalMaterial, existing, wanted, key=lambda m: m.code).rows


@dataclass(frozen=True)
class _Places:
    """Where, when and whom to call for an item, from the region's defaults and the department."""

    defaults: data.Defaults
    categories: dict[str, WindowCategory]
    departments: dict[str, Department]

    def place(self, item: data.Item) -> str:
        region = self.defaults.regions[item.region]
        floor = self.departments[item.department].address.replace("湖里区行政服务中心", "").strip()
        return region.place.format(floor=floor, category=self.categories[item.category].name)

    def phone(self, item: data.Item) -> str:
        return self.departments[item.handling_department or item.department].phone


def _kind(item: data.Item) -> str:
    if item.promised == 0:
        return "instant"
    return "licensing" if item.type == ItemType.LICENSING else "other"


def _faq(item: data.Item, defaults: data.Defaults) -> str:
    parts = []
    if item.depth >= 4:
        parts.append(defaults.faq.get("online", ""))
    if item.promised == 0:
        parts.append(defaults.faq.get("instant", ""))
    parts.append(defaults.faq.get("common", ""))
    return "\n".join(p for p in parts if p)


def _forms(item: data.Item) -> tuple[str, bool]:
    """办理形式 codes (A.5: 1 window, 2 web, 3 mobile, 4 post) and whether results can be posted."""
    post = item.visits == 0 and item.depth < 5
    codes = ["1", "2"] + (["3"] if item.depth >= 4 else []) + (["4"] if post else [])
    return ",".join(codes), post


def _item_values(item: data.Item, catalog: data.CatalogData, places: _Places) -> dict[str, Any]:
    department = places.departments[item.department]
    region = catalog.defaults.regions[item.region]
    forms, post = _forms(item)
    legal_basis = item.legal_basis or catalog.departments[item.department].legal_basis
    conditions = item.conditions or f"符合{item.name}相关法律法规及政策规定条件的申请人。"
    steps = item.steps or catalog.defaults.steps.get(_kind(item), ())
    handling = places.departments[item.handling_department] if item.handling_department else None
    return {
        "code": item.code, "name": item.name, "name_en": item.name_en, "basic_code": item.basic_code,
        "item_type": item.type, "exercise_level": item.level, "department_id": department.pk,
        "handling_department_id": handling.pk if handling else None,
        "window_category_id": places.categories[item.category].pk,
        "legal_limit": item.legal, "legal_limit_unit": LimitUnit.WORKDAY, "promised_limit": item.promised,
        "promised_limit_unit": LimitUnit.WORKDAY,
        "handling_type": HandlingType.INSTANT if item.promised == 0 else HandlingType.PROMISED,
        "acceptance_conditions": conditions, "process_steps": "\n".join(steps), "result_name": item.result,
        "result_name_en": item.result_en, "has_fee": bool(item.fee), "fee_basis": item.fee,
        "audience": item.audience, "handling_forms": forms, "online_depth": item.depth, "max_visits": item.visits,
        "visits_reason": item.visits_reason, "supports_appointment": True, "supports_post": post,
        "supports_online_payment": bool(item.fee), "place": places.place(item), "hours": region.hours,
        "consult_phone": places.phone(item), "complaint_phone": region.complaint_phone, "legal_basis": legal_basis,
        "aliases": ",".join(item.aliases), "aliases_en": ",".join(item.aliases_en), "faq": _faq(item, catalog.defaults),
        "status": ItemStatus.PUBLISHED, "speedup": item.speedup or SpeedUp.NONE,
        "speedup_before_limit": item.before, "speedup_standard_limit": item.standard,
    }


def _items(catalog: data.CatalogData, categories: dict[str, WindowCategory],
           departments: dict[str, Department]) -> dict[str, ServiceItem]:
    places = _Places(catalog.defaults, categories, departments)
    existing = {i.code: i.version for i in ServiceItem.objects.filter(code__in=list(catalog.items)).only("code", "version")}
    wanted = {}
    for code, item in catalog.items.items():
        values = _item_values(item, catalog, places)
        # an item that reached the ministry's standard is in its second version (the first is the one before)
        values["version"] = max(existing.get(code, 1), 2 if item.speedup == SpeedUp.ACHIEVED else 1)
        wanted[code] = values
    return sync(ServiceItem, ServiceItem.objects.filter(code__in=list(wanted)), wanted, key=lambda i: i.code).rows


def _item_materials(catalog: data.CatalogData, items: dict[str, ServiceItem],
                    materials: dict[str, CanonicalMaterial]) -> None:
    defaults = catalog.defaults
    wanted: dict[tuple[int, int], dict[str, Any]] = {}
    for code, item in catalog.items.items():
        item_id = items[code].pk
        for order, need in enumerate(item.materials, start=1):
            spec = catalog.materials[need.code]
            wanted[(item_id, materials[need.code].pk)] = {
                "item_id": item_id, "material_id": materials[need.code].pk, "source": spec.source,
                "necessity": need.necessity, "originals": spec.originals, "copies": spec.copies, "form": spec.form,
                "paper_size": "" if spec.form == MaterialForm.ELECTRONIC else "A4",
                "has_blank_form": need.code in defaults.blank_forms, "has_sample": need.code in defaults.samples,
                "notes": defaults.material_notes.get(need.code, ""), "order": order * 10}
            if spec.source == MaterialSource.SHARED:
                wanted[(item_id, materials[need.code].pk)].update(originals=0, copies=0)
    existing = ItemMaterial.objects.filter(item_id__in=[i.pk for i in items.values()])
    sync(ItemMaterial, existing, wanted, key=lambda im: (im.item_id, im.material_id))


def _item_fields(catalog: data.CatalogData, items: dict[str, ServiceItem]) -> None:
    """Each item's form: the applicant's identity by audience, then the item's own fields."""
    wanted: dict[tuple[int, str], dict[str, Any]] = {}
    for code, item in catalog.items.items():
        identity = ENTERPRISE_FIELDS if item.audience == "enterprise" else PERSON_FIELDS
        keys = list(dict.fromkeys([*identity, *item.fields]))
        for order, key in enumerate(keys, start=1):
            wanted[(items[code].pk, key)] = {"item_id": items[code].pk, "option_id": None,
                                             **form_field_values(catalog.fields[key], order)}
    existing = FormField.objects.filter(item_id__in=[i.pk for i in items.values()])
    sync(FormField, existing, wanted, key=lambda ff: (ff.item_id or 0, ff.key))


PERSON_FIELDS = ("applicant_name", "id_number", "mobile")
ENTERPRISE_FIELDS = ("enterprise_name", "credit_code", "legal_rep", "contact_mobile")


def form_field_values(spec: data.FormFieldSpec, order: int) -> dict[str, Any]:
    return {"key": spec.key, "label": spec.label, "label_en": spec.label_en, "kind": spec.kind,
            "required": spec.required, "choices": "\n".join(spec.choices), "help": spec.help, "order": order * 10}


def _history(catalog: data.CatalogData, items: dict[str, ServiceItem]) -> None:
    """Version 1 of every item; for an item that reached the 提速办 standard, version 1 is the promise before
    and version 2 (from the reform) today's. Versions already recorded are kept as they are."""
    defaults = catalog.defaults
    first, reform = dt.date.fromisoformat(defaults.first_version), dt.date.fromisoformat(defaults.reform)
    have = set(ItemHistory.objects.filter(item_id__in=[i.pk for i in items.values()])
               .values_list("item_id", "version"))
    rows = []
    for code, item in catalog.items.items():
        current = items[code]
        figures = {"legal_limit": item.legal, "promised_limit": item.promised, "max_visits": item.visits,
                   "handling_type": current.handling_type, "material_count": len(item.materials),
                   "online_depth": item.depth}
        versions = [(1, first, figures, "初始版本")]
        if item.speedup == SpeedUp.ACHIEVED and item.before is not None:
            before = {**figures, "promised_limit": item.before,
                      "handling_type": HandlingType.INSTANT if item.before == 0 else HandlingType.PROMISED}
            versions = [(1, first, before, "改革前（提速办前）"), (2, reform, figures, defaults.reform_note)]
        rows += [ItemHistory(item_id=current.pk, version=version, effective_from=since, note=note, **values)
                 for version, since, values, note in versions if (current.pk, version) not in have]
    ItemHistory.objects.bulk_create(rows, batch_size=500)
