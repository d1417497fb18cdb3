"""The demo's one-thing bundles (一件事) from data/catalog/bundles/*.yaml: Huli's 81 (14 first in Xiamen) and
Fu'an's 10 HR bundles, with their situational questions, options, the items and materials options add, the
form fields they ask and the items reviewed but not packed (considered items).

Runs after the catalog demo (the items must be there). Upserts in bulk: loading twice changes nothing. Bundles
the data does not name are left alone; a bundle the data names becomes exactly what the data says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from django.db import transaction

from onewindow.bundles.models import Bundle, BundleItem, FormField, Option, OptionMaterial, Question
from onewindow.catalog.models import (
    CanonicalMaterial,
    Department,
    ItemStatus,
    MaterialNecessity,
    ServiceItem,
    WindowCategory,
)
from onewindow.demo import catalog_data as data
from onewindow.demo.catalog import checked_catalog, form_field_values
from onewindow.demo.upsert import sync, sync_links


@dataclass
class _Lookups:
    items: dict[str, int]
    materials: dict[str, int]
    departments: dict[str, Department]
    categories: dict[str, int]


def load(*, scale: int = 0, stdout: TextIO | None = None) -> None:
    catalog = checked_catalog()
    with transaction.atomic():
        lookups = _lookups(catalog)
        bundles = _bundles(catalog, lookups)
        _bundle_items(catalog, bundles, lookups)
        questions = _questions(catalog, bundles)
        options = _options(catalog, bundles, questions, lookups)
        _follow_ups(catalog, bundles, questions, options)
    if stdout is not None:
        for region, name in (("350206", "Huli"), ("350981", "Fu'an")):
            chosen = [b for b in catalog.bundles.values() if b.region == region]
            slots = sum(len(b.all_item_codes()) for b in chosen)
            stdout.write(f"   bundles: {len(chosen)} {name} bundles ({slots} item slots)\n")


def _lookups(catalog: data.CatalogData) -> _Lookups:
    codes = {code for b in catalog.bundles.values() for code in b.all_item_codes() | set(b.considered)}
    items = dict(ServiceItem.objects.filter(code__in=list(codes)).values_list("code", "id"))
    missing = sorted(codes - set(items))
    if missing:
        raise LookupError(f"load the catalog demo first: items {', '.join(missing[:5])} … are missing")
    material_codes = {m for b in catalog.bundles.values() for q in b.all_questions() for o in q.options
                      for m in o.materials}
    return _Lookups(
        items=items,
        materials=dict(CanonicalMaterial.objects.filter(code__in=list(material_codes)).values_list("code", "id")),
        departments={d.code: d for d in Department.objects.filter(code__in=list(catalog.departments))},
        categories=dict(WindowCategory.objects.values_list("code", "id")))


def _bundle_values(n: int, bundle: data.Bundle, catalog: data.CatalogData, lookups: _Lookups) -> dict[str, Any]:
    lead = lookups.departments[bundle.lead]
    region = catalog.defaults.regions.get(bundle.region)
    category = catalog.categories.get(bundle.category)
    floor = lead.address.replace("湖里区行政服务中心", "").strip()
    place = region.place.format(floor=floor, category=category.name if category else "") if region else ""
    return {
        "code": bundle.code, "name": bundle.name, "name_en": bundle.name_en, "audience": bundle.audience,
        "description": bundle.description, "description_en": bundle.description_en, "region": bundle.region,
        "first_in_city": bundle.first_in_city,
        "launched_on": dt.date.fromisoformat(bundle.launched) if bundle.launched else None,
        "window_category_id": lookups.categories.get(bundle.category), "lead_department_id": lead.pk,
        "visits": bundle.visits, "place": place, "hours": region.hours if region else "",
        "consult_phone": lead.phone, "status": ItemStatus.PUBLISHED, "aliases": ",".join(bundle.aliases),
        "aliases_en": ",".join(bundle.aliases_en), "materials_note": catalog.defaults.bundle_materials_note,
        "process_note": "\n".join(catalog.defaults.bundle_steps), "sort_order": n * 10,
    }


def _bundles(catalog: data.CatalogData, lookups: _Lookups) -> dict[str, Bundle]:
    wanted = {b.code: _bundle_values(n, b, catalog, lookups) for n, b in enumerate(catalog.bundles.values(), 1)}
    bundles = sync(Bundle, Bundle.objects.filter(code__in=list(wanted)), wanted, key=lambda b: b.code).rows
    considered = [(bundles[b.code].pk, lookups.items[code]) for b in catalog.bundles.values() for code in b.considered]
    sync_links(Bundle.considered_items.through, "bundle_id", "serviceitem_id", [b.pk for b in bundles.values()],
               considered)
    return bundles


def _bundle_items(catalog: data.CatalogData, bundles: dict[str, Bundle], lookups: _Lookups) -> None:
    """Always-done items first, then those an option adds (each item once per bundle)."""
    wanted: dict[tuple[int, int], dict[str, Any]] = {}
    for b in catalog.bundles.values():
        bundle_id = bundles[b.code].pk
        always = dict.fromkeys(b.items, True)
        for code in (code for q in b.all_questions() for o in q.options for code in o.items):
            always.setdefault(code, False)
        for order, (code, is_always) in enumerate(always.items(), start=1):
            wanted[(bundle_id, lookups.items[code])] = {"bundle_id": bundle_id, "item_id": lookups.items[code],
                                                        "always": is_always, "order": order * 10}
    existing = BundleItem.objects.filter(bundle_id__in=[b.pk for b in bundles.values()])
    sync(BundleItem, existing, wanted, key=lambda bi: (bi.bundle_id, bi.item_id))


@dataclass
class _Placed:
    """A question where it sits: its bundle, its position, and the option (question key, option key) it follows."""

    bundle: data.Bundle
    question: data.Question
    order: int
    follows: tuple[str, str] | None = None


def _placed(bundle: data.Bundle) -> Iterator[_Placed]:
    """Every question in page order: each follow-up right after the question whose option reveals it."""
    counter = iter(range(1, 10_000))

    def walk(questions: tuple[data.Question, ...], follows: tuple[str, str] | None) -> Iterator[_Placed]:
        for question in questions:
            yield _Placed(bundle, question, next(counter), follows)
            for option in question.options:
                yield from walk(option.follow_up, (question.key, option.key))

    yield from walk(bundle.questions, None)


def _questions(catalog: data.CatalogData, bundles: dict[str, Bundle]) -> dict[tuple[int, str], Question]:
    wanted: dict[tuple[int, str], dict[str, Any]] = {}
    for b in catalog.bundles.values():
        bundle_id = bundles[b.code].pk
        for placed in _placed(b):
            q = placed.question
            wanted[(bundle_id, q.key)] = {
                "bundle_id": bundle_id, "key": q.key, "text": q.text, "text_en": q.text_en, "help": q.help,
                "help_en": q.help_en, "kind": q.kind, "required": q.required, "order": placed.order * 10}
    existing = Question.objects.filter(bundle_id__in=[b.pk for b in bundles.values()])
    return sync(Question, existing, wanted, key=lambda q: (q.bundle_id, q.key)).rows


def _options(catalog: data.CatalogData, bundles: dict[str, Bundle], questions: dict[tuple[int, str], Question],
             lookups: _Lookups) -> dict[tuple[int, str], Option]:
    wanted: dict[tuple[int, str], dict[str, Any]] = {}
    specs: dict[tuple[int, str], data.Option] = {}
    for b in catalog.bundles.values():
        for q in b.all_questions():
            question_id = questions[(bundles[b.code].pk, q.key)].pk
            for n, o in enumerate(q.options, start=1):
                wanted[(question_id, o.key)] = {"question_id": question_id, "key": o.key, "label": o.label,
                                                "label_en": o.label_en, "order": n * 10}
                specs[(question_id, o.key)] = o
    existing = Option.objects.filter(question_id__in=[q.pk for q in questions.values()])
    options = sync(Option, existing, wanted, key=lambda o: (o.question_id, o.key)).rows
    option_ids = [o.pk for o in options.values()]
    sync_links(Option.items.through, "option_id", "serviceitem_id", option_ids,
               [(options[k].pk, lookups.items[code]) for k, o in specs.items() for code in o.items])
    _option_materials(catalog, options, specs, lookups)
    fields = {(options[k].pk, key): {"item_id": None, "option_id": options[k].pk,
                                     **form_field_values(catalog.fields[key], n)}
              for k, o in specs.items() for n, key in enumerate(o.fields, start=1)}
    sync(FormField, FormField.objects.filter(option_id__in=option_ids), fields,
         key=lambda ff: (ff.option_id or 0, ff.key))
    return options


def _option_materials(catalog: data.CatalogData, options: dict[tuple[int, str], Option],
                      specs: dict[tuple[int, str], data.Option], lookups: _Lookups) -> None:
    wanted: dict[tuple[int, int], dict[str, Any]] = {}
    for k, o in specs.items():
        for code in o.materials:
            spec = catalog.materials[code]
            option_id, material_id = options[k].pk, lookups.materials[code]
            wanted[(option_id, material_id)] = {
                "option_id": option_id, "material_id": material_id, "item_id": None, "source": spec.source,
                "necessity": MaterialNecessity.REQUIRED, "originals": spec.originals, "copies": spec.copies, "form": spec.form,
                "notes": catalog.defaults.material_notes.get(code, "")}
    existing = OptionMaterial.objects.filter(option_id__in=[o.pk for o in options.values()])
    sync(OptionMaterial, existing, wanted, key=lambda om: (om.option_id, om.material_id))


def _follow_ups(catalog: data.CatalogData, bundles: dict[str, Bundle], questions: dict[tuple[int, str], Question],
                options: dict[tuple[int, str], Option]) -> None:
    """Each follow-up question hangs on the option that reveals it (`shown_when`)."""
    wanted: dict[tuple[int, str], dict[str, Any]] = {}
    for b in catalog.bundles.values():
        bundle_id = bundles[b.code].pk
        for placed in _placed(b):
            parent = None
            if placed.follows is not None:
                question_key, option_key = placed.follows
                parent = options[(questions[(bundle_id, question_key)].pk, option_key)].pk
            wanted[(bundle_id, placed.question.key)] = {"shown_when_id": parent}
    sync(Question, questions.values(), wanted, key=lambda q: (q.bundle_id, q.key), prune=False)
