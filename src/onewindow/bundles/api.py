"""JSON API for bundles (一件事): list, detail with questions, and the one-time notice for a set of answers."""

from dataclasses import asdict
from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from onewindow.bundles import selectors
from onewindow.bundles.answers import answers_to_query
from onewindow.bundles.models import Bundle
from onewindow.bundles.notice import BeforeAfter, bundle_place
from onewindow.bundles.notice import bundle_notice as compute_bundle_notice
from onewindow.bundles.spec import BundleSpec
from onewindow.core.access import PUBLIC, allow

router = Router()


class BeforeAfterOut(Schema):
    items: int
    materials_before: int
    materials_after: int
    visits_before: int
    visits_after: int
    days_before: int
    days_after: int


class BundleSummaryOut(Schema):
    code: str
    name: str
    name_en: str = Field("", description="英文名称（可能为空）")
    audience: str
    description: str
    description_en: str = Field("", description="英文说明（可能为空）")
    region: str = Field("", description="行政区划代码")
    first_in_city: bool = Field(False, description="全市首推")
    launched_on: date | None = Field(None, description="上线日期")
    lead_department: str
    window_category: str | None
    departments: list[str]
    url: str
    before_after: BeforeAfterOut


class BundleItemOut(Schema):
    code: str
    name: str
    department: str
    always: bool
    promised_limit: int
    legal_limit: int
    handling_type: str
    max_visits: int


class OptionOut(Schema):
    key: str
    label: str
    label_en: str = ""
    items: list[str]
    reveals: list[str]


class QuestionOut(Schema):
    key: str
    text: str
    text_en: str = ""
    help: str
    help_en: str = ""
    kind: str
    required: bool
    shown_when: dict[str, str] | None
    options: list[OptionOut]


class BundleDetailOut(BundleSummaryOut):
    place: str
    visits: int
    aliases: list[str]
    aliases_en: list[str] = []
    materials_note: str
    process_steps: list[str]
    items: list[BundleItemOut]
    considered_items: list[str] = Field([], description="梳理本情形时审视过但未纳入的事项编码")
    questions: list[QuestionOut]


class NoticeIn(Schema):
    answers: dict[str, str | list[str]] = {}


class NoticeItemOut(Schema):
    item_id: int
    code: str
    name: str
    department_id: int
    department_name: str
    promised_limit: int
    legal_limit: int
    handling_type: str
    max_visits: int


class NoticeMaterialOut(Schema):
    material_id: int
    code: str
    name: str
    source: str
    source_label: str
    necessity: str
    necessity_label: str
    originals: int
    copies: int
    form: str
    item_codes: list[str]
    notes: str


class NoticeFieldOut(Schema):
    key: str
    label: str
    kind: str
    required: bool
    choices: list[str]
    help: str


class NoticeOut(Schema):
    kind: str
    code: str
    name: str
    answers: dict[str, list[str]]
    items: list[NoticeItemOut]
    materials: list[NoticeMaterialOut]
    fields: list[NoticeFieldOut]
    promised_days: int
    place: str
    before_after: BeforeAfterOut
    notice_url: str
    pdf_url: str
    apply_url: str


class ErrorOut(Schema):
    detail: str
    errors: list[dict]


def _split(text: str) -> list[str]:
    return [a.strip() for a in text.split(",") if a.strip()]


def _summary(bundle: Bundle, figures: BeforeAfter, departments: tuple[str, ...]) -> dict[str, Any]:
    return {
        "code": bundle.code, "name": bundle.name, "name_en": bundle.name_en, "audience": bundle.audience,
        "description": bundle.description, "description_en": bundle.description_en, "region": bundle.region,
        "first_in_city": bundle.first_in_city, "launched_on": bundle.launched_on,
        "lead_department": bundle.lead_department.name,
        "window_category": bundle.window_category.name if bundle.window_category is not None else None,
        "departments": list(departments), "url": f"/bundles/{bundle.code}/", "before_after": asdict(figures),
    }


@router.get("/bundles", response=list[BundleSummaryOut], summary="一件事列表", tags=["bundles"])
@allow(PUBLIC)
def list_bundles(request: HttpRequest, audience: str = "", q: str = "") -> list[dict[str, Any]]:
    return [_summary(c.bundle, c.figures, c.departments) for c in selectors.list_bundles(audience=audience, q=q)]


def _questions(spec: BundleSpec) -> list[dict[str, Any]]:
    question_by_id = {q.id: q for q in spec.questions}
    option_by_id = {o.id: o for opts in spec.options.values() for o in opts}
    code_by_item = {bi.item_id: bi.item.code for bi in spec.bundle_items}
    reveals: dict[int, list[str]] = {}
    for q in spec.questions:
        if q.shown_when_id:
            reveals.setdefault(q.shown_when_id, []).append(q.key)
    questions = []
    for q in spec.questions:
        parent = option_by_id.get(q.shown_when_id) if q.shown_when_id else None
        questions.append({
            "key": q.key, "text": q.text, "text_en": q.text_en, "help": q.help, "help_en": q.help_en, "kind": q.kind,
            "required": q.required,
            "shown_when": ({"question": question_by_id[parent.question_id].key, "option": parent.key}
                           if parent else None),
            "options": [{"key": o.key, "label": o.label, "label_en": o.label_en,
                         "items": [code_by_item[i] for i in spec.option_items.get(o.id, ()) if i in code_by_item],
                         "reveals": reveals.get(o.id, [])} for o in spec.options.get(q.id, [])],
        })
    return questions


@router.get("/bundles/{code}", response={200: BundleDetailOut, 404: ErrorOut}, summary="一件事详情（情形问题）",
            tags=["bundles"])
@allow(PUBLIC)
def bundle_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    spec = selectors.preview(bundle_code=code, answers={}, include_drafts=False).spec
    bundle = spec.bundle
    departments = tuple(dict.fromkeys(bi.item.department.name for bi in spec.bundle_items))
    result = _summary(bundle, selectors.full_before_after(spec), departments)
    result.update({
        "place": bundle_place(bundle), "visits": bundle.visits, "aliases": _split(bundle.aliases),
        "aliases_en": _split(bundle.aliases_en), "materials_note": bundle.materials_note,
        "process_steps": bundle.process_steps,
        "considered_items": list(bundle.considered_items.order_by("code").values_list("code", flat=True)),
        "items": [{"code": bi.item.code, "name": bi.item.name, "department": bi.item.department.name,
                   "always": bi.always, "promised_limit": bi.item.promised_limit, "legal_limit": bi.item.legal_limit,
                   "handling_type": bi.item.handling_type, "max_visits": bi.item.max_visits}
                  for bi in spec.bundle_items],
        "questions": _questions(spec),
    })
    return result


@router.post("/bundles/{code}/notice", response={200: NoticeOut, 400: ErrorOut, 404: ErrorOut},
             summary="一次性告知：按情形回答计算适用事项、材料、表单与前后对比", tags=["bundles"])
@allow(PUBLIC)
def bundle_notice(request: HttpRequest, code: str, payload: NoticeIn) -> dict[str, Any]:
    notice = compute_bundle_notice(bundle_code=code, answers=payload.answers)
    query = answers_to_query(notice.answers)
    suffix = f"?{query}" if query else ""
    return {
        "kind": notice.kind, "code": notice.code, "name": notice.name,
        "answers": {k: list(v) for k, v in notice.answers.items()},
        "items": [asdict(i) for i in notice.items],
        "materials": [{**asdict(m), "source_label": m.source_label, "necessity_label": m.necessity_label}
                      for m in notice.materials],
        "fields": [asdict(f) for f in notice.fields],
        "promised_days": notice.promised_days, "place": notice.place, "before_after": asdict(notice.before_after),
        "notice_url": f"/bundles/{code}/notice/{suffix}", "pdf_url": f"/bundles/{code}/notice.pdf{suffix}",
        "apply_url": f"/cases/apply/bundle/{code}/{suffix}",
    }
