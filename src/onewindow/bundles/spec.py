"""A bundle loaded with everything its questions and its notice need, in a fixed number of queries.

`load_bundle(code)` is the one read the answer evaluation (`answers.py`), the notice (`notice.py`) and the pages
(`selectors.py`) start from: the computation then runs in memory, so a bundle page costs the same nine queries
whatever the bundle's size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from onewindow.bundles.models import Bundle, BundleItem, FormField, Option, OptionMaterial, Question
from onewindow.catalog.models import ItemMaterial, ItemStatus, ServiceItem
from onewindow.core.errors import NotFound


@dataclass
class BundleSpec:
    bundle: Bundle
    bundle_items: list[BundleItem]
    item_materials: dict[int, list[ItemMaterial]]
    item_fields: dict[int, list[FormField]]
    questions: list[Question]
    options: dict[int, list[Option]]  # question id → options
    option_items: dict[int, set[int]]  # option id → item ids
    option_materials: dict[int, list[OptionMaterial]]
    option_fields: dict[int, list[FormField]]

    @property
    def items(self) -> list[ServiceItem]:
        return [bi.item for bi in self.bundle_items]

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)


def bundle_not_found(code: str) -> NotFound:
    return NotFound(_("未找到该一件事：%(code)s") % {"code": code}, field="bundle_code")


def load_bundle(code: str, *, include_retired: bool = False) -> BundleSpec:
    """The bundle with its items, materials, fields, questions and options (9 queries whatever its size)."""
    bundle = Bundle.objects.select_related("lead_department", "window_category").filter(code=code).first()
    if bundle is None or (bundle.status == ItemStatus.RETIRED and not include_retired):
        raise bundle_not_found(code)
    bundle_items = list(BundleItem.objects.filter(bundle=bundle).select_related("item__department")
                        .order_by("order", "id"))
    item_ids = [bi.item_id for bi in bundle_items]
    item_materials: dict[int, list[ItemMaterial]] = defaultdict(list)
    for im in ItemMaterial.objects.filter(item_id__in=item_ids).select_related("material").order_by("order", "id"):
        item_materials[im.item_id].append(im)
    item_fields: dict[int, list[FormField]] = defaultdict(list)
    for ff in FormField.objects.filter(item_id__in=item_ids).order_by("order", "id"):
        if ff.item_id is not None:
            item_fields[ff.item_id].append(ff)
    questions = list(Question.objects.filter(bundle=bundle).order_by("order", "id"))
    options: dict[int, list[Option]] = defaultdict(list)
    option_list = list(Option.objects.filter(question__bundle=bundle).order_by("order", "id"))
    for opt in option_list:
        options[opt.question_id].append(opt)
    option_ids = [o.id for o in option_list]
    option_items: dict[int, set[int]] = defaultdict(set)
    for option_id, item_id in Option.items.through.objects.filter(option_id__in=option_ids).values_list(
            "option_id", "serviceitem_id"):
        option_items[option_id].add(item_id)
    option_materials: dict[int, list[OptionMaterial]] = defaultdict(list)
    for om in OptionMaterial.objects.filter(option_id__in=option_ids).select_related("material").order_by("id"):
        option_materials[om.option_id].append(om)
    option_fields: dict[int, list[FormField]] = defaultdict(list)
    for ff in FormField.objects.filter(option_id__in=option_ids).order_by("order", "id"):
        if ff.option_id is not None:
            option_fields[ff.option_id].append(ff)
    return BundleSpec(bundle, bundle_items, item_materials, item_fields, questions, options, option_items,
                      option_materials, option_fields)
