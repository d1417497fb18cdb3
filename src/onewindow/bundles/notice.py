"""The one-time notice (一次性告知) of a bundle for a set of answers, or of a single item.

`bundle_notice` / `item_notice` are a contract other apps (cases) code against: a notice lists the applicable
items, every material once (matched by canonical material: strictest necessity, most originals/copies, the
items that need it), one merged form (fields with the same key asked once), the promised time, where to go
and the before/after figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from onewindow.bundles.answers import Evaluation, evaluate
from onewindow.bundles.models import Bundle, FormField, Option, OptionMaterial
from onewindow.bundles.spec import BundleSpec, load_bundle
from onewindow.catalog.models import (
    CanonicalMaterial,
    ItemMaterial,
    ItemStatus,
    MaterialForm,
    MaterialNecessity,
    MaterialSource,
    ServiceItem,
)
from onewindow.core.errors import NotFound, ServiceError


@dataclass(frozen=True)
class NoticeItem:
    item_id: int
    code: str
    name: str
    department_id: int
    department_name: str
    promised_limit: int
    legal_limit: int
    handling_type: str
    max_visits: int


@dataclass(frozen=True)
class NoticeMaterial:
    material_id: int  # CanonicalMaterial id
    code: str
    name: str
    source: str
    necessity: str
    originals: int
    copies: int
    form: str
    item_codes: tuple[str, ...]
    notes: str

    @property
    def source_label(self) -> str:
        return str(MaterialSource(self.source).label) if self.source in MaterialSource.values else self.source

    @property
    def necessity_label(self) -> str:
        return str(MaterialNecessity(self.necessity).label) if self.necessity in MaterialNecessity.values else ""

    @property
    def form_label(self) -> str:
        return str(MaterialForm(self.form).label) if self.form in MaterialForm.values else self.form

    @property
    def shared(self) -> bool:
        return self.source == MaterialSource.SHARED


@dataclass(frozen=True)
class NoticeField:
    key: str
    label: str
    kind: str
    required: bool
    choices: tuple[str, ...]
    help: str


@dataclass(frozen=True)
class BeforeAfter:
    items: int
    materials_before: int
    materials_after: int
    visits_before: int
    visits_after: int
    days_before: int
    days_after: int


@dataclass(frozen=True)
class Notice:
    kind: str  # "bundle" | "item"
    code: str
    name: str
    answers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    items: tuple[NoticeItem, ...] = ()
    materials: tuple[NoticeMaterial, ...] = ()
    fields: tuple[NoticeField, ...] = ()
    promised_days: int = 0
    place: str = ""
    before_after: BeforeAfter = BeforeAfter(0, 0, 0, 0, 0, 0, 0)


# ---------------------------------------------------------------------------------------------------------------
# Merging: materials by canonical material, fields by key
# ---------------------------------------------------------------------------------------------------------------

_NECESSITY_RANK = {MaterialNecessity.REQUIRED.value: 3, MaterialNecessity.DEFERRABLE.value: 2,
                   MaterialNecessity.OPTIONAL.value: 1}


@dataclass
class _MaterialAcc:
    material_id: int
    code: str
    name: str
    source: str
    necessity: str
    originals: int
    copies: int
    form: str
    item_codes: list[str]
    notes: list[str]

    def add(self, *, source: str, necessity: str, originals: int, copies: int, form: str, item_codes: Iterable[str],
            notes: str) -> None:
        if self.source == MaterialSource.SHARED and source != MaterialSource.SHARED:
            self.source = source  # someone must still bring it
        if _NECESSITY_RANK.get(necessity, 0) > _NECESSITY_RANK.get(self.necessity, 0):
            self.necessity = necessity
        self.originals = max(self.originals, originals)
        self.copies = max(self.copies, copies)
        if form != self.form:
            self.form = MaterialForm.BOTH
        for code in item_codes:
            if code not in self.item_codes:
                self.item_codes.append(code)
        if notes.strip() and notes.strip() not in self.notes:
            self.notes.append(notes.strip())

    def freeze(self) -> NoticeMaterial:
        return NoticeMaterial(self.material_id, self.code, self.name, self.source, self.necessity, self.originals,
                              self.copies, self.form, tuple(self.item_codes), "；".join(self.notes))


class MaterialMerger:
    """Collects material rows (item materials, options' extra materials) into one row per canonical material."""

    def __init__(self) -> None:
        self.rows = 0
        self._acc: dict[int, _MaterialAcc] = {}

    def add(self, *, material: CanonicalMaterial, source: str, necessity: str, originals: int, copies: int,
            form: str, item_codes: Iterable[str], notes: str = "") -> None:
        self.rows += 1
        acc = self._acc.get(material.id)
        if acc is None:
            self._acc[material.id] = _MaterialAcc(material.id, material.code, material.name, source, necessity,
                                                  originals, copies, form, list(dict.fromkeys(item_codes)),
                                                  [notes.strip()] if notes.strip() else [])
        else:
            acc.add(source=source, necessity=necessity, originals=originals, copies=copies, form=form,
                    item_codes=item_codes, notes=notes)

    def add_row(self, row: ItemMaterial | OptionMaterial, item_codes: Iterable[str], *, notes: bool = True) -> None:
        """An item's material or an option's extra material (both carry the same columns)."""
        self.add(material=row.material, source=row.source, necessity=row.necessity, originals=row.originals,
                 copies=row.copies, form=row.form, item_codes=item_codes, notes=row.notes if notes else "")

    def result(self) -> tuple[NoticeMaterial, ...]:
        return tuple(acc.freeze() for acc in self._acc.values())


@dataclass
class _FieldAcc:
    key: str
    label: str
    kind: str
    required: bool
    choices: list[str]
    help: str

    def freeze(self) -> NoticeField:
        return NoticeField(self.key, self.label, self.kind, self.required, tuple(self.choices), self.help)


def merge_fields(fields: Iterable[FormField]) -> tuple[NoticeField, ...]:
    """Fields with the same key are asked once: first label/kind/help win, required if any requires it."""
    merged: dict[str, _FieldAcc] = {}
    for ff in fields:
        current = merged.get(ff.key)
        if current is None:
            merged[ff.key] = _FieldAcc(ff.key, ff.label, ff.kind, ff.required, list(ff.choice_list), ff.help)
            continue
        current.required = current.required or ff.required
        current.choices += [c for c in ff.choice_list if c not in current.choices]
        current.help = current.help or ff.help
    return tuple(m.freeze() for m in merged.values())


def _notice_item(item: ServiceItem) -> NoticeItem:
    return NoticeItem(item.id, item.code, item.name, item.department_id, item.department.name,
                      item.promised_limit, item.legal_limit, item.handling_type, item.max_visits)


def bundle_place(bundle: Bundle) -> str:
    if bundle.place:
        return bundle.place
    parts = [bundle.lead_department.address or bundle.lead_department.name]
    if bundle.window_category is not None:
        parts.append(_("%(name)s综合窗口") % {"name": bundle.window_category.name})
    return " ".join(p for p in parts if p)


def applicable_items(spec: BundleSpec, chosen_options: Iterable[Option]) -> list[ServiceItem]:
    """The items a set of chosen options makes apply: every `always` item and those an option selects."""
    selected_ids = {item_id for o in chosen_options for item_id in spec.option_items.get(o.id, ())}
    return [bi.item for bi in spec.bundle_items if bi.always or bi.item_id in selected_ids]


def compute_notice(spec: BundleSpec, evaluation: Evaluation) -> Notice:
    """The notice for already-evaluated answers (problems are the caller's business)."""
    chosen_options = [o for opts in evaluation.chosen.values() for o in opts]
    applicable = applicable_items(spec, chosen_options)
    code_by_id = {i.id: i.code for i in applicable}

    merger = MaterialMerger()
    for item in applicable:
        for im in spec.item_materials.get(item.id, []):
            merger.add_row(im, [item.code])
    fields: list[FormField] = [ff for item in applicable for ff in spec.item_fields.get(item.id, [])]
    for option in chosen_options:
        option_item_codes = [code_by_id[i] for i in spec.option_items.get(option.id, ()) if i in code_by_id]
        for om in spec.option_materials.get(option.id, []):
            if om.item_id is not None and om.item_id in code_by_id:
                codes = [code_by_id[om.item_id]]
            else:
                codes = option_item_codes or [i.code for i in applicable]
            merger.add_row(om, codes)
        fields.extend(spec.option_fields.get(option.id, []))

    materials = merger.result()
    figures = before_after(spec.bundle, applicable, merger.rows, len(materials))
    return Notice(
        kind="bundle", code=spec.bundle.code, name=spec.bundle.name, answers=dict(evaluation.answers),
        items=tuple(_notice_item(i) for i in applicable), materials=materials, fields=merge_fields(fields),
        promised_days=figures.days_after, place=bundle_place(spec.bundle), before_after=figures,
    )


def before_after(bundle: Bundle, items: list[ServiceItem], materials_before: int, materials_after: int) -> BeforeAfter:
    """Done one by one (sum of limits and visits, every material row) vs as one thing (merged, in parallel).

    The promise as one thing is always computed, never configured: the departments approve in parallel, so it
    is the longest promised limit of the items that apply.
    """
    limits = [i.promised_limit for i in items]
    return BeforeAfter(
        items=len(items), materials_before=materials_before, materials_after=materials_after,
        visits_before=sum(i.max_visits for i in items), visits_after=bundle.visits if items else 0,
        days_before=sum(limits), days_after=max(limits, default=0),
    )


# ---------------------------------------------------------------------------------------------------------------
# The contract
# ---------------------------------------------------------------------------------------------------------------

def bundle_notice(*, bundle_code: str, answers: Mapping[str, str | list[str]]) -> Notice:
    """The one-time notice for a bundle and a complete, valid set of answers.

    Raises NotFound for an unknown bundle, and one ServiceError listing every problem with the answers
    (each naming the question key as its field).
    """
    spec = load_bundle(bundle_code)
    evaluation = evaluate(spec, answers)
    if evaluation.problems:
        raise ServiceError(_("情形回答有误：%(list)s") % {"list": "；".join(p.message for p in evaluation.problems)},
                           problems=evaluation.problems)
    return compute_notice(spec, evaluation)


def item_notice(*, item_code: str) -> Notice:
    """The one-time notice of a single item (its materials and form, as if it were a bundle of one)."""
    item = ServiceItem.objects.select_related("department", "window_category").filter(code=item_code).first()
    if item is None or item.status == ItemStatus.RETIRED:
        raise NotFound(_("未找到该事项：%(code)s") % {"code": item_code}, field="item_code")
    merger = MaterialMerger()
    for im in ItemMaterial.objects.filter(item=item).select_related("material").order_by("order", "id"):
        merger.add_row(im, [item.code])
    materials = merger.result()
    fields = merge_fields(FormField.objects.filter(item=item).order_by("order", "id"))
    figures = BeforeAfter(1, merger.rows, len(materials), item.max_visits, item.max_visits,
                          item.promised_limit, item.promised_limit)
    category = item.window_category.name if item.window_category is not None else ""
    place = item.place or " ".join(p for p in [item.department.address or item.department.name, category] if p)
    return Notice(kind="item", code=item.code, name=item.name, answers={}, items=(_notice_item(item),),
                  materials=materials, fields=fields, promised_days=item.promised_limit, place=place,
                  before_after=figures)
