"""Reads of bundles for pages, the API and other apps: the list with its figures and a page's live preview."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q

from onewindow.bundles.answers import Evaluation, QueryLike, answers_from_query, answers_to_query, evaluate
from onewindow.bundles.models import Bundle, BundleItem, OptionMaterial
from onewindow.bundles.notice import BeforeAfter, MaterialMerger, Notice, before_after, compute_notice
from onewindow.bundles.spec import BundleSpec, bundle_not_found, load_bundle
from onewindow.catalog.models import ItemMaterial, ItemStatus


@dataclass(frozen=True)
class Preview:
    """A bundle page's state for partial answers: what is visible, the notice so far, what is still missing."""

    spec: BundleSpec
    evaluation: Evaluation
    notice: Notice
    full: BeforeAfter  # the whole bundle (every item) done one by one vs as one thing

    @property
    def complete(self) -> bool:
        return not self.evaluation.problems

    @property
    def query(self) -> str:
        return answers_to_query(self.evaluation.answers)


def preview(*, bundle_code: str, answers: Mapping[str, Any] | None = None, query: QueryLike | None = None,
            include_drafts: bool = True) -> Preview:
    """Lenient evaluation for pages and the admin: invalid or hidden answers are dropped, problems reported.

    Answers come either as a mapping or from a QueryDict (`query`, see `answers_from_query`).
    """
    spec = load_bundle(bundle_code)
    if not include_drafts and spec.bundle.status != ItemStatus.PUBLISHED:
        raise bundle_not_found(bundle_code)
    if query is not None:
        answers = answers_from_query(query, spec=spec)
    evaluation = evaluate(spec, answers)
    return Preview(spec, evaluation, compute_notice(spec, evaluation), full_before_after(spec))


def full_before_after(spec: BundleSpec) -> BeforeAfter:
    """Figures for the whole bundle: every item and every option's extra materials."""
    merger = MaterialMerger()
    for item in spec.items:
        for im in spec.item_materials.get(item.id, []):
            merger.add_row(im, [item.code], notes=False)
    for rows in spec.option_materials.values():
        for om in rows:
            merger.add_row(om, [], notes=False)
    return before_after(spec.bundle, spec.items, merger.rows, len(merger.result()))


@dataclass(frozen=True)
class BundleCard:
    bundle: Bundle
    figures: BeforeAfter
    departments: tuple[str, ...]


def _bundles(*, audience: str, q: str, published_only: bool) -> list[Bundle]:
    bundles = Bundle.objects.select_related("lead_department", "window_category")
    if published_only:
        bundles = bundles.filter(status=ItemStatus.PUBLISHED)
    if audience:
        bundles = bundles.filter(audience=audience)
    q = (q or "").strip()
    if q:
        bundles = bundles.filter(Q(name__icontains=q) | Q(aliases__icontains=q) | Q(description__icontains=q)
                                 | Q(code__iexact=q) | Q(bundle_items__item__name__icontains=q)).distinct()
    items = BundleItem.objects.select_related("item__department").order_by("order", "id")
    return list(bundles.prefetch_related(Prefetch("bundle_items", queryset=items)))


def list_bundles(*, audience: str = "", q: str = "", published_only: bool = True) -> list[BundleCard]:
    """Bundles with their whole-bundle figures, in 4 queries whatever the number of bundles."""
    bundles = _bundles(audience=audience, q=q, published_only=published_only)
    item_ids = {bi.item_id for b in bundles for bi in b.bundle_items.all()}
    item_material_ids: dict[int, list[int]] = defaultdict(list)
    for item_id, material_id in ItemMaterial.objects.filter(item_id__in=item_ids).values_list("item_id", "material_id"):
        item_material_ids[item_id].append(material_id)
    extra: dict[int, list[int]] = defaultdict(list)
    for bundle_id, material_id in OptionMaterial.objects.filter(
            option__question__bundle__in=[b.id for b in bundles]).values_list("option__question__bundle_id",
                                                                               "material_id"):
        extra[bundle_id].append(material_id)
    cards = []
    for b in bundles:
        items = [bi.item for bi in b.bundle_items.all()]
        material_ids = [m for i in items for m in item_material_ids.get(i.id, [])] + extra.get(b.id, [])
        figures = before_after(b, items, len(material_ids), len(set(material_ids)))
        departments = tuple(dict.fromkeys(i.department.short_name or i.department.name for i in items))
        cards.append(BundleCard(b, figures, departments))
    return cards
