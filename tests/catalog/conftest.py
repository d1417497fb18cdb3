"""A small hand-made catalog for the catalog tests (the full demo is loaded only where a test needs it)."""

from dataclasses import dataclass

import pytest

from onewindow.catalog.models import (
    CanonicalMaterial,
    Department,
    ItemMaterial,
    ItemStatus,
    ServiceItem,
    WindowCategory,
)


@dataclass
class SmallCatalog:
    fa: Department
    centre: Department
    hl: Department
    hr: WindowCategory
    business: WindowCategory
    items: dict[str, ServiceItem]
    materials: dict[str, CanonicalMaterial]


def add_item(code: str, name: str, dept: Department, category: WindowCategory, *, materials=(), **fields) -> ServiceItem:
    values = {"legal_limit": 20, "promised_limit": 10, "handling_type": "2", "max_visits": 1,
              "visits_reason": "需现场核验原件", "status": ItemStatus.PUBLISHED, "place": "行政服务中心",
              "consult_phone": "0593-6352021", **fields}
    item = ServiceItem.objects.create(code=code, name=name, department=dept, window_category=category, **values)
    for order, (material, extra) in enumerate(materials, start=1):
        ItemMaterial.objects.create(item=item, material=material, order=order * 10, **extra)
    return item


def build_small_catalog() -> SmallCatalog:
    fa = Department.objects.create(code="T-FA", name="福安市人力资源和社会保障局", short_name="福安人社局",
                                   credit_code="11350981003637522G", sort_order=1)
    centre = Department.objects.create(code="T-FA-JY", name="福安市劳动就业中心", parent=fa, sort_order=2)
    hl = Department.objects.create(code="T-HL", name="厦门市湖里区市场监督管理局", sort_order=3)
    hr = WindowCategory.objects.create(code="t-hr", name="人社综合", default_ticket_prefix="D")
    business = WindowCategory.objects.create(code="t-business", name="经营管理", default_ticket_prefix="B")
    m = {code: CanonicalMaterial.objects.create(code=code, name=name) for code, name in
         [("t_id", "居民身份证"), ("t_form", "申请表"), ("t_licence", "营业执照"), ("t_plan", "场所平面图")]}
    items = {
        "unemp": add_item("T-001", "失业登记", fa, hr, handling_department=centre, legal_limit=5, promised_limit=0,
                          handling_type="1", max_visits=0, visits_reason="", online_depth=5, audience="person",
                          aliases="失业,下岗", materials=[(m["t_id"], {"originals": 1, "copies": 1})]),
        "card": add_item("T-002", "社会保障卡申领", fa, hr, audience="person", aliases="社保卡",
                         materials=[(m["t_id"], {}), (m["t_form"], {"has_blank_form": True})]),
        "food": add_item("T-003", "食品经营许可", hl, business, item_type="01", audience="enterprise",
                         legal_limit=20, promised_limit=5,
                         materials=[(m["t_licence"], {"source": "40", "originals": 0, "copies": 0}),
                                    (m["t_plan"], {"necessity": "3"}), (m["t_form"], {})]),
        "hotel": add_item("T-004", "旅馆业特种行业许可证核发", hl, business, item_type="01", audience="both",
                          has_fee=True, fee_basis="《示例收费文件》每证工本费10元", materials=[(m["t_licence"], {"source": "40", "originals": 0})]),
        "draft": add_item("T-005", "草稿事项", hl, business, status=ItemStatus.DRAFT),
    }
    return SmallCatalog(fa, centre, hl, hr, business, items, m)


@pytest.fixture
def small_catalog(db: None) -> SmallCatalog:
    return build_small_catalog()
