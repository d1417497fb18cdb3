"""Catalog API: departments, items (filtered, paginated) and one item with its materials."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from onewindow.catalog import selectors
from onewindow.catalog.guide import speedup_text
from onewindow.catalog.models import ServiceItem
from onewindow.core.access import PUBLIC, allow
from onewindow.core.paging import paginate

router = Router()


class FieldErrorOut(Schema):
    field: str | None = Field(None, description="出错的字段")
    message: str


class CatalogErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut]


class DepartmentOut(Schema):
    code: str
    name: str
    name_en: str = Field("", description="英文名称（可能为空）")
    short_name: str
    short_name_en: str = ""
    parent: str | None = Field(None, description="上级部门编码")
    credit_code: str = Field(description="统一社会信用代码")
    region: str = Field(description="行政区划代码")
    address: str
    phone: str


class ItemOut(Schema):
    code: str = Field(description="实施编码")
    basic_code: str = Field(description="基本编码")
    name: str
    name_en: str = Field("", description="英文名称（可能为空）")
    item_type: str = Field(description="事项类型代码（GB/T 39046 A.1）")
    item_type_label: str
    department: str = Field(description="实施主体编码")
    department_name: str
    handling_department: str | None = Field(None, description="承办机构编码")
    window_category: str | None = Field(None, description="窗口类别编码")
    audience: str = Field(description="person / enterprise / both")
    handling_type: str = Field(description="1 即办件 / 2 承诺件")
    legal_limit: int
    legal_limit_unit: str = Field(description="wd 工作日 / nd 自然日")
    promised_limit: int
    promised_limit_unit: str
    speedup: str = Field(description="比法定时限缩短多少（文字）")
    speedup_status: str = Field("", description="提速办：'' 未列入 / candidate 备选 / achieved 已达标")
    speedup_before_limit: int | None = Field(None, description="提速前承诺时限（工作日）")
    speedup_standard_limit: int | None = Field(None, description="部定压缩标准（工作日）")
    meets_speedup_standard: bool | None = Field(None, description="承诺时限是否达到部定压缩标准（无标准时为空）")
    max_visits: int
    online_depth: int = Field(description="网上办理深度 1–5")
    fully_online: bool
    has_fee: bool
    status: str
    version: int
    url: str = Field(description="办事指南页面")


class MaterialOut(Schema):
    code: str = Field(description="标准材料编码（跨事项相同的材料编码相同）")
    name: str
    name_en: str = ""
    source: str = Field(description="10 申请人自备 / 20 政府部门核发 / 30 中介机构出具 / 40 数据共享免提交")
    source_label: str
    necessity: str = Field(description="1 必要 / 2 非必要 / 3 容缺后补")
    necessity_label: str
    originals: int
    copies: int
    form: str = Field(description="paper / electronic / both")
    paper_size: str
    has_blank_form: bool
    has_sample: bool
    notes: str


class ItemDetailOut(ItemOut):
    acceptance_conditions: str
    process_steps: list[str]
    result_name: str
    result_name_en: str = ""
    fee_basis: str
    handling_forms: list[str] = Field(description="办理形式代码（GB/T 39046 A.5）")
    visits_reason: str
    supports_appointment: bool
    supports_post: bool
    supports_online_payment: bool
    place: str
    hours: str
    consult_phone: str
    complaint_phone: str
    legal_basis: str
    aliases: list[str]
    aliases_en: list[str] = []
    faq: str
    pdf_url: str
    materials: list[MaterialOut]


class ItemPageOut(Schema):
    count: int = Field(description="符合条件的事项总数")
    page: int
    page_size: int
    pages: int
    items: list[ItemOut]


class ItemQuery(Schema):
    department: str = Field("", description="部门编码（含下属机构）")
    category: str = Field("", description="窗口类别编码：social / business / construction / hr")
    audience: str = Field("", description="person（个人）或 enterprise（法人）")
    q: str = Field("", max_length=100, description="事项名称、编码或俗称")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


def _split(text: str) -> list[str]:
    return [a.strip() for a in text.split(",") if a.strip()]


def _item(it: ServiceItem) -> dict[str, Any]:
    return {
        "code": it.code, "basic_code": it.basic_code, "name": it.name, "name_en": it.name_en,
        "item_type": it.item_type, "item_type_label": it.get_item_type_display(), "department": it.department.code,
        "department_name": it.department.name,
        "handling_department": it.handling_department.code if it.handling_department is not None else None,
        "window_category": it.window_category.code if it.window_category is not None else None,
        "audience": it.audience,
        "handling_type": it.handling_type, "legal_limit": it.legal_limit, "legal_limit_unit": it.legal_limit_unit,
        "promised_limit": it.promised_limit, "promised_limit_unit": it.promised_limit_unit,
        "speedup": speedup_text(it), "speedup_status": it.speedup, "speedup_before_limit": it.speedup_before_limit,
        "speedup_standard_limit": it.speedup_standard_limit, "meets_speedup_standard": it.meets_speedup_standard,
        "max_visits": it.max_visits, "online_depth": it.online_depth,
        "fully_online": it.fully_online, "has_fee": it.has_fee, "status": it.status, "version": it.version,
        "url": f"/catalog/items/{it.code}/",
    }


@router.get("/departments", response=list[DepartmentOut], summary="部门列表", tags=["catalog"])
@allow(PUBLIC)
def list_departments(request: HttpRequest) -> list[dict]:
    return [{"code": d.code, "name": d.name, "name_en": d.name_en, "short_name": d.short_name,
             "short_name_en": d.short_name_en, "parent": d.parent.code if d.parent else None,
             "credit_code": d.credit_code, "region": d.region_id or "", "address": d.address, "phone": d.phone}
            for d in selectors.departments()]


@router.get("/items", response={200: ItemPageOut, 422: CatalogErrorOut}, summary="事项列表（可筛选、分页）",
            tags=["catalog"])
@allow(PUBLIC)
def list_items(request: HttpRequest, query: Query[ItemQuery]) -> dict:
    qs = selectors.search_items(selectors.ItemFilters(department=query.department, category=query.category,
                                                      audience=query.audience, q=query.q))
    page = paginate(qs, page=query.page, per_page=query.page_size)
    return {"count": page.paginator.count, "page": page.number, "page_size": query.page_size,
            "pages": page.paginator.num_pages, "items": [_item(it) for it in page.object_list]}


@router.get("/items/{code}", response={200: ItemDetailOut, 404: CatalogErrorOut}, summary="事项详情（含材料）",
            tags=["catalog"])
@allow(PUBLIC)
def item_detail(request: HttpRequest, code: str) -> dict:
    it = selectors.item_by_code(code, published_only=True)
    data = _item(it)
    data.update({
        "acceptance_conditions": it.acceptance_conditions,
        "process_steps": [s.strip() for s in it.process_steps.splitlines() if s.strip()],
        "result_name": it.result_name, "result_name_en": it.result_name_en, "fee_basis": it.fee_basis,
        "handling_forms": [f.strip() for f in it.handling_forms.split(",") if f.strip()],
        "visits_reason": it.visits_reason, "supports_appointment": it.supports_appointment,
        "supports_post": it.supports_post, "supports_online_payment": it.supports_online_payment,
        "place": it.place, "hours": it.hours, "consult_phone": it.consult_phone,
        "complaint_phone": it.complaint_phone, "legal_basis": it.legal_basis,
        "aliases": _split(it.aliases), "aliases_en": _split(it.aliases_en), "faq": it.faq,
        "pdf_url": f"/catalog/items/{it.code}/guide.pdf",
        "materials": [{
            "code": im.material.code, "name": im.material.name, "name_en": im.material.name_en, "source": im.source,
            "source_label": im.get_source_display(), "necessity": im.necessity,
            "necessity_label": im.get_necessity_display(), "originals": im.originals, "copies": im.copies,
            "form": im.form, "paper_size": im.paper_size, "has_blank_form": im.has_blank_form,
            "has_sample": im.has_sample, "notes": im.notes} for im in it.materials.all()],
    })
    return data
