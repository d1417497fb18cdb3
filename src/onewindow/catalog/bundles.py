"""Bundles (一件事): selectors and the one-time notice (一次性告知) computation.

`bundle_notice` / `item_notice` are a contract other apps (cases) code against: a notice lists the applicable
items, every material once (matched by canonical material: strictest necessity, most originals/copies, the
items that need it), one merged form (fields with the same key asked once), the promised time, where to go
and the before/after figures.

Answers are `{question_key: option_key | [option_key, ...]}`; in a URL they are plain query parameters
(`?is_soe=yes&scope=a&scope=b`) — see `answers_from_query` and `answers_to_query`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from onewindow.catalog.models import (
    Bundle,
    BundleItem,
    FormField,
    ItemMaterial,
    ItemStatus,
    MaterialForm,
    MaterialNecessity,
    MaterialSource,
    Option,
    OptionMaterial,
    Question,
    QuestionKind,
    ServiceItem,
)
from onewindow.core.errors import FieldProblem, NotFound, ServiceError


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
# Loading a bundle with everything the notice needs, in a fixed number of queries
# ---------------------------------------------------------------------------------------------------------------

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


def load_bundle(code: str, *, include_retired: bool = False) -> BundleSpec:
    """The bundle with its items, materials, fields, questions and options (9 queries whatever its size)."""
    bundle = Bundle.objects.select_related("lead_department", "window_category").filter(code=code).first()
    if bundle is None or (bundle.status == ItemStatus.RETIRED and not include_retired):
        raise NotFound(_("未找到该一件事：%(code)s") % {"code": code}, field="bundle_code")
    bundle_items = list(BundleItem.objects.filter(bundle=bundle).select_related("item__department")
                        .order_by("order", "id"))
    item_ids = [bi.item_id for bi in bundle_items]
    item_materials: dict[int, list[ItemMaterial]] = defaultdict(list)
    for im in ItemMaterial.objects.filter(item_id__in=item_ids).select_related("material").order_by("order", "id"):
        item_materials[im.item_id].append(im)
    item_fields: dict[int, list[FormField]] = defaultdict(list)
    for ff in FormField.objects.filter(item_id__in=item_ids).order_by("order", "id"):
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
        option_fields[ff.option_id].append(ff)
    return BundleSpec(bundle, bundle_items, item_materials, item_fields, questions, options, option_items,
                      option_materials, option_fields)


# ---------------------------------------------------------------------------------------------------------------
# Answers: normalising, validating, visibility of follow-up questions
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class Evaluation:
    """The outcome of a set of answers: the visible questions, the chosen options, and every problem."""

    visible: list[Question]
    chosen: dict[int, list[Option]]  # question id → chosen (valid) options
    answers: dict[str, tuple[str, ...]]  # the accepted answers (visible questions, known options)
    problems: list[FieldProblem]

    def chosen_keys(self, question: Question) -> tuple[str, ...]:
        return tuple(o.key for o in self.chosen.get(question.id, []))


def _normalize(answers: Mapping[str, Any] | None) -> tuple[dict[str, tuple[str, ...]], list[FieldProblem]]:
    result: dict[str, tuple[str, ...]] = {}
    problems: list[FieldProblem] = []
    for key, value in (answers or {}).items():
        if value is None:
            values: tuple[str, ...] = ()
        elif isinstance(value, str):
            values = (value.strip(),) if value.strip() else ()
        elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            values = tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
        else:
            problems.append(FieldProblem(str(key), _("回答须为选项标识或选项标识列表")))
            continue
        result[str(key)] = values
    return result, problems


def evaluate(spec: BundleSpec, answers: Mapping[str, Any] | None) -> Evaluation:
    """Decide which questions are visible and which options are chosen; collect every problem."""
    normalized, problems = _normalize(answers)
    by_key = {q.key: q for q in spec.questions}
    option_by_id = {o.id: o for opts in spec.options.values() for o in opts}
    for key in normalized:
        if key not in by_key:
            problems.append(FieldProblem(key, _("没有这个情形问题：%(key)s") % {"key": key}))

    chosen: dict[int, list[Option]] = {}
    visibility: dict[int, bool] = {}
    accepted: dict[str, tuple[str, ...]] = {}

    def is_visible(question: Question, depth: int = 0) -> bool:
        if question.id in visibility:
            return visibility[question.id]
        if question.shown_when_id is None:
            visible = True
        else:
            parent_option = option_by_id.get(question.shown_when_id)
            if parent_option is None or depth > 20:
                visible = False
            else:
                parent = next(q for q in spec.questions if q.id == parent_option.question_id)
                visible = is_visible(parent, depth + 1) and parent_option in choose(parent)
        visibility[question.id] = visible
        return visible

    def choose(question: Question) -> list[Option]:
        if question.id in chosen:
            return chosen[question.id]
        chosen[question.id] = []  # guards against cycles
        values = normalized.get(question.key, ())
        if not values or not is_visible(question):
            return chosen[question.id]
        options = {o.key: o for o in spec.options.get(question.id, [])}
        picked = [options[v] for v in values if v in options]
        if question.kind == QuestionKind.SINGLE:
            picked = picked[:1]
        chosen[question.id] = picked
        return picked

    for question in spec.questions:
        values = normalized.get(question.key, ())
        visible = is_visible(question)
        if not visible:
            if values:
                problems.append(FieldProblem(question.key, _("“%(q)s”在当前情形下不适用，请不要回答")
                                             % {"q": question.text}))
            continue
        if not values:
            if question.required:
                problems.append(FieldProblem(question.key, _("请回答：%(q)s") % {"q": question.text}))
            continue
        option_keys = {o.key for o in spec.options.get(question.id, [])}
        unknown = [v for v in values if v not in option_keys]
        if unknown:
            problems.append(FieldProblem(question.key, _("“%(q)s”没有选项：%(opts)s")
                                         % {"q": question.text, "opts": "、".join(unknown)}))
        if question.kind == QuestionKind.SINGLE and len(values) > 1:
            problems.append(FieldProblem(question.key, _("“%(q)s”是单选题，只能选一项") % {"q": question.text}))
        picked = choose(question)
        if picked:
            accepted[question.key] = tuple(o.key for o in picked)

    visible_questions = [q for q in spec.questions if visibility.get(q.id)]
    chosen_visible = {q.id: chosen.get(q.id, []) for q in visible_questions}
    return Evaluation(visible_questions, chosen_visible, accepted, problems)


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
    def __init__(self) -> None:
        self.rows = 0
        self._acc: dict[int, _MaterialAcc] = {}

    def add(self, *, material: Any, source: str, necessity: str, originals: int, copies: int, form: str,
            item_codes: Iterable[str], notes: str = "") -> None:
        self.rows += 1
        acc = self._acc.get(material.id)
        if acc is None:
            self._acc[material.id] = _MaterialAcc(material.id, material.code, material.name, source, necessity,
                                                  originals, copies, form, list(dict.fromkeys(item_codes)),
                                                  [notes.strip()] if notes.strip() else [])
        else:
            acc.add(source=source, necessity=necessity, originals=originals, copies=copies, form=form,
                    item_codes=item_codes, notes=notes)

    def result(self) -> tuple[NoticeMaterial, ...]:
        return tuple(acc.freeze() for acc in self._acc.values())


def merge_fields(fields: Iterable[FormField]) -> tuple[NoticeField, ...]:
    """Fields with the same key are asked once: first label/kind/help win, required if any requires it."""
    merged: dict[str, dict[str, Any]] = {}
    for ff in fields:
        current = merged.get(ff.key)
        if current is None:
            merged[ff.key] = {"key": ff.key, "label": ff.label, "kind": ff.kind, "required": ff.required,
                              "choices": list(ff.choice_list), "help": ff.help}
            continue
        current["required"] = current["required"] or ff.required
        for choice in ff.choice_list:
            if choice not in current["choices"]:
                current["choices"].append(choice)
        if not current["help"] and ff.help:
            current["help"] = ff.help
    return tuple(NoticeField(m["key"], m["label"], m["kind"], m["required"], tuple(m["choices"]), m["help"])
                 for m in merged.values())


def _notice_item(item: ServiceItem) -> NoticeItem:
    return NoticeItem(item.id, item.code, item.name, item.department_id, item.department.name,
                      item.promised_limit, item.legal_limit, item.handling_type, item.max_visits)


def bundle_place(bundle: Bundle) -> str:
    if bundle.place:
        return bundle.place
    parts = [bundle.lead_department.address or bundle.lead_department.name]
    if bundle.window_category_id:
        parts.append(_("%(name)s综合窗口") % {"name": bundle.window_category.name})
    return " ".join(p for p in parts if p)


def compute_notice(spec: BundleSpec, evaluation: Evaluation) -> Notice:
    """The notice for already-evaluated answers (problems are the caller's business)."""
    chosen_options = [o for opts in evaluation.chosen.values() for o in opts]
    selected_ids = {item_id for o in chosen_options for item_id in spec.option_items.get(o.id, ())}
    applicable = [bi.item for bi in spec.bundle_items if bi.always or bi.item_id in selected_ids]
    applicable_ids = {i.id for i in applicable}
    code_by_id = {i.id: i.code for i in applicable}

    merger = MaterialMerger()
    for item in applicable:
        for im in spec.item_materials.get(item.id, []):
            merger.add(material=im.material, source=im.source, necessity=im.necessity, originals=im.originals,
                       copies=im.copies, form=im.form, item_codes=[item.code], notes=im.notes)
    fields: list[FormField] = [ff for item in applicable for ff in spec.item_fields.get(item.id, [])]
    for option in chosen_options:
        option_item_codes = [code_by_id[i] for i in spec.option_items.get(option.id, ()) if i in applicable_ids]
        for om in spec.option_materials.get(option.id, []):
            if om.item_id is not None and om.item_id in applicable_ids:
                codes = [code_by_id[om.item_id]]
            else:
                codes = option_item_codes or [i.code for i in applicable]
            merger.add(material=om.material, source=om.source, necessity=om.necessity, originals=om.originals,
                       copies=om.copies, form=om.form, item_codes=codes, notes=om.notes)
        fields.extend(spec.option_fields.get(option.id, []))

    materials = merger.result()
    before_after = _before_after(spec.bundle, applicable, merger.rows, len(materials))
    return Notice(
        kind="bundle", code=spec.bundle.code, name=spec.bundle.name, answers=dict(evaluation.answers),
        items=tuple(_notice_item(i) for i in applicable), materials=materials, fields=merge_fields(fields),
        promised_days=before_after.days_after, place=bundle_place(spec.bundle), before_after=before_after,
    )


def _before_after(bundle: Bundle, items: list[ServiceItem], materials_before: int, materials_after: int) -> BeforeAfter:
    limits = [i.promised_limit for i in items]
    days_after = bundle.parallel_limit if bundle.parallel_limit is not None else max(limits, default=0)
    return BeforeAfter(
        items=len(items), materials_before=materials_before, materials_after=materials_after,
        visits_before=sum(i.max_visits for i in items), visits_after=bundle.visits if items else 0,
        days_before=sum(limits), days_after=days_after,
    )


# ---------------------------------------------------------------------------------------------------------------
# The contract
# ---------------------------------------------------------------------------------------------------------------

def bundle_notice(*, bundle_code: str, answers: dict[str, str | list[str]]) -> Notice:
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
        merger.add(material=im.material, source=im.source, necessity=im.necessity, originals=im.originals,
                   copies=im.copies, form=im.form, item_codes=[item.code], notes=im.notes)
    materials = merger.result()
    fields = merge_fields(FormField.objects.filter(item=item).order_by("order", "id"))
    before_after = BeforeAfter(1, merger.rows, len(materials), item.max_visits, item.max_visits,
                               item.promised_limit, item.promised_limit)
    place = item.place or " ".join(p for p in [item.department.address or item.department.name,
                                               item.window_category.name if item.window_category_id else ""] if p)
    return Notice(kind="item", code=item.code, name=item.name, answers={}, items=(_notice_item(item),),
                  materials=materials, fields=fields, promised_days=item.promised_limit, place=place,
                  before_after=before_after)


# ---------------------------------------------------------------------------------------------------------------
# Selectors for pages and the API
# ---------------------------------------------------------------------------------------------------------------

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


def preview(*, bundle_code: str, answers: Mapping[str, Any] | None = None, query: Any = None,
            include_drafts: bool = True) -> Preview:
    """Lenient evaluation for pages and the admin: invalid or hidden answers are dropped, problems reported.

    Answers come either as a mapping or from a QueryDict (`query`, see `answers_from_query`).
    """
    spec = load_bundle(bundle_code)
    if not include_drafts and spec.bundle.status != ItemStatus.PUBLISHED:
        raise NotFound(_("未找到该一件事：%(code)s") % {"code": bundle_code}, field="bundle_code")
    if query is not None:
        answers = answers_from_query(query, spec=spec)
    evaluation = evaluate(spec, answers)
    return Preview(spec, evaluation, compute_notice(spec, evaluation), full_before_after(spec))


def full_before_after(spec: BundleSpec) -> BeforeAfter:
    """Figures for the whole bundle: every item and every option's extra materials."""
    merger = MaterialMerger()
    for item in spec.items:
        for im in spec.item_materials.get(item.id, []):
            merger.add(material=im.material, source=im.source, necessity=im.necessity, originals=im.originals,
                       copies=im.copies, form=im.form, item_codes=[item.code])
    for rows in spec.option_materials.values():
        for om in rows:
            merger.add(material=om.material, source=om.source, necessity=om.necessity, originals=om.originals,
                       copies=om.copies, form=om.form, item_codes=[])
    return _before_after(spec.bundle, spec.items, merger.rows, len(merger.result()))


@dataclass(frozen=True)
class BundleCard:
    bundle: Bundle
    figures: BeforeAfter
    departments: tuple[str, ...]


def list_bundles(*, audience: str = "", q: str = "", published_only: bool = True) -> list[BundleCard]:
    """Bundles with their whole-bundle figures, in 4 queries whatever the number of bundles."""
    bundles = Bundle.objects.select_related("lead_department", "window_category")
    if published_only:
        bundles = bundles.filter(status=ItemStatus.PUBLISHED)
    if audience:
        bundles = bundles.filter(audience=audience)
    q = (q or "").strip()
    if q:
        bundles = bundles.filter(Q(name__icontains=q) | Q(aliases__icontains=q) | Q(description__icontains=q)
                                 | Q(code__iexact=q) | Q(bundle_items__item__name__icontains=q)).distinct()
    bundles = list(bundles.prefetch_related(
        Prefetch("bundle_items", queryset=BundleItem.objects.select_related("item__department").order_by("order", "id"))))
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
        figures = _before_after(b, items, len(material_ids), len(set(material_ids)))
        departments = tuple(dict.fromkeys(i.department.short_name or i.department.name for i in items))
        cards.append(BundleCard(b, figures, departments))
    return cards


def answers_from_query(query: Any, *, spec: BundleSpec) -> dict[str, list[str]]:
    """Answers from a QueryDict (`?key=option&multi=a&multi=b`); parameters that are not questions are ignored."""
    answers: dict[str, list[str]] = {}
    for question in spec.questions:
        values = [v for v in query.getlist(question.key) if v]
        if values:
            answers[question.key] = values
    return answers


def answers_to_query(answers: Mapping[str, Iterable[str] | str]) -> str:
    pairs: list[tuple[str, str]] = []
    for key, values in answers.items():
        for value in ([values] if isinstance(values, str) else values):
            pairs.append((key, value))
    return urlencode(pairs)
