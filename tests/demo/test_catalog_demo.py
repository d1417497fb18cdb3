"""The catalog and bundle demo loads its data files and reproduces what the seed states, counted from the
records it writes: Huli's 18 departments and 513 items, its 81 bundles (14 first in Xiamen); Fu'an's 10 bundles
over 81 item slots and 86 items reviewed, 25 speed-up candidates of which 15 reached the standard at half the
former promise, 65 items handled online to acceptance or beyond. Every bundle gives a notice, every item keeps
the consistency rules, and loading again changes nothing. (One test: the load takes a few seconds.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models
from django.db.models import Q

from onewindow.bundles.models import Bundle, BundleItem, FormField, Option, OptionMaterial, Question
from onewindow.bundles.notice import bundle_notice
from onewindow.bundles.spec import BundleSpec, load_bundle
from onewindow.catalog.models import (
    CanonicalMaterial,
    Department,
    ItemHistory,
    ItemMaterial,
    ServiceItem,
    SpeedUp,
    WindowCategory,
)
from onewindow.catalog.rules import check_item_rules
from onewindow.demo import bundles as bundles_demo
from onewindow.demo import catalog as catalog_demo
from onewindow.hall.models import Hall, HallCategory

HULI, FUAN = "350206", "350981"
TABLES: tuple[type[models.Model], ...] = (
    WindowCategory, Department, CanonicalMaterial, ServiceItem, ItemMaterial, ItemHistory, FormField, Bundle,
    BundleItem, Question, Option, OptionMaterial, Bundle.considered_items.through, Option.items.through)


def _rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the loaders write, every column (updated_at included)."""
    return {model._meta.label: list(model._default_manager.order_by("pk").values_list())
            for model in TABLES}


def _first_answers(spec: BundleSpec) -> dict[str, list[str]]:
    """Each visible required question answered with its first option, following the follow-ups it reveals."""
    answers: dict[str, list[str]] = {}
    chosen = set()
    for question in spec.questions:  # page order: a follow-up comes after the option that reveals it
        if question.shown_when_id is not None and question.shown_when_id not in chosen:
            continue
        if question.required:
            first = spec.options[question.id][0]
            answers[question.key] = [first.key]
            chosen.add(first.id)
    return answers


def _fuan_figures() -> dict[str, Any]:
    bundles = Bundle.objects.filter(region=FUAN)
    slots = BundleItem.objects.filter(bundle__in=bundles)
    reviewed = (set(slots.values_list("item_id", flat=True))
                | set(Bundle.considered_items.through.objects.filter(bundle__in=bundles)
                      .values_list("serviceitem_id", flat=True)))
    items = ServiceItem.objects.filter(department__region=FUAN)
    achieved = items.filter(speedup=SpeedUp.ACHIEVED)
    ratios = [i.promised_limit / i.speedup_before_limit for i in achieved]
    return {"bundles": bundles.count(), "item slots": slots.count(), "items reviewed": len(reviewed),
            "speed-up candidates": items.exclude(speedup=SpeedUp.NONE).count(), "achieved": achieved.count(),
            "promised / before": round(sum(ratios) / len(ratios), 2),
            "online to acceptance or beyond": items.filter(online_depth__gte=4).count()}


@pytest.mark.django_db
def test_the_catalog_demo_reproduces_the_seeds_figures_and_loads_twice_without_change() -> None:
    catalog_demo.load()
    bundles_demo.load()

    assert Department.objects.filter(region=HULI).count() == 18
    assert ServiceItem.objects.filter(department__region=HULI).count() == 513
    huli = Bundle.objects.filter(region=HULI)
    assert (huli.count(), huli.filter(first_in_city=True).count()) == (81, 14)
    assert _fuan_figures() == {"bundles": 10, "item slots": 81, "items reviewed": 86, "speed-up candidates": 25,
                               "achieved": 15, "promised / before": 0.5, "online to acceptance or beyond": 65}

    # the achieved items keep the version before the reform: promised then = the figure the item names
    for item in ServiceItem.objects.filter(speedup=SpeedUp.ACHIEVED):
        before, after = ItemHistory.objects.filter(item=item).order_by("version")
        assert (before.promised_limit, after.promised_limit, item.version) == (
            item.speedup_before_limit, item.promised_limit, 2)
    # every item keeps the consistency rules, and has English names
    for item in ServiceItem.objects.all():
        values = {f.name: getattr(item, f.name) for f in ServiceItem._meta.concrete_fields}
        assert check_item_rules(values) == [], item.code
        assert item.name_en and item.result_name_en, item.code
    assert not ServiceItem.objects.filter(Q(department__region="") | Q(department__region__isnull=True)).exists()

    # every bundle gives a notice, its promise the longest limit of the items that apply
    for code in Bundle.objects.values_list("code", flat=True):
        spec = load_bundle(code)
        notice = bundle_notice(bundle_code=code, answers=_first_answers(spec))
        assert notice.items, code
        assert notice.promised_days == max(i.promised_limit for i in notice.items), code
        assert notice.before_after.materials_after <= notice.before_after.materials_before, code

    before = _rows()
    catalog_demo.load()
    bundles_demo.load()
    assert _rows() == before


@pytest.mark.django_db
def test_the_synthetic_catalog_has_departments_of_its_own_and_is_made_once() -> None:
    from onewindow.demo.catalog_scale import generate_synthetic
    from onewindow.demo.regions import ensure_regions

    huli = Department.objects.create(code="HL-T", name="湖里测试部门", region=ensure_regions()[HULI])
    WindowCategory.objects.bulk_create([WindowCategory(code=c, name=c) for c in ("social", "business", "hr")])
    hall = Hall.objects.create(code="huli", name="湖里区行政服务中心")
    for n, category in enumerate(WindowCategory.objects.all()):
        HallCategory.objects.create(hall=hall, category=category, prefix="ABC"[n])
    CanonicalMaterial.objects.bulk_create([CanonicalMaterial(code=f"m{n}", name=f"材料{n}") for n in range(20)])
    assert generate_synthetic(60) == 60
    synthetic = ServiceItem.objects.filter(code__startswith="SYN-")
    assert synthetic.count() == 60 and synthetic.values("department").distinct().count() == 18
    assert not synthetic.filter(department=huli).exists()
    # a window category of their own, taken in by no hall: no hall's catalog, tickets or ratings count them
    assert set(synthetic.values_list("window_category__code", flat=True)) == {"SYN-BENCH"}
    assert not synthetic.filter(window_category__in=HallCategory.objects.values("category")).exists()
    assert set(synthetic.values_list("department__region", flat=True)) == {None}  # no region's figures change
    assert ItemMaterial.objects.filter(item__in=synthetic).count() >= 3 * 60
    assert generate_synthetic(60) == 0 and synthetic.count() == 60
    assert generate_synthetic(70) == 10
