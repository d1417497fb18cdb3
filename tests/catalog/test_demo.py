from django.db.models import Count

from onewindow.catalog import demo
from onewindow.catalog.models import (
    CanonicalMaterial,
    Department,
    ItemHistory,
    ItemStatus,
    ServiceItem,
    WindowCategory,
)
from onewindow.catalog.rules import check_item_rules


def test_demo_catalog_is_complete_idempotent_and_shares_materials(db: None) -> None:
    demo.load()
    first = (ServiceItem.objects.count(), CanonicalMaterial.objects.count(), ItemHistory.objects.count())
    demo.load()  # safe to run twice
    assert (ServiceItem.objects.count(), CanonicalMaterial.objects.count(), ItemHistory.objects.count()) == first

    assert ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).count() >= 120
    assert dict(WindowCategory.objects.values_list("code", "default_ticket_prefix")) == {
        "social": "A", "business": "B", "construction": "C", "hr": "D"}
    fa = Department.objects.get(code="FA-RSJ")
    assert {d.short_name for d in fa.children.all()} == {"社保中心", "城乡保中心", "机关保中心", "劳动就业中心",
                                                         "人事人才服务中心"}
    assert ServiceItem.objects.filter(department=fa).count() >= 40
    assert Department.objects.filter(code__startswith="HL-").count() == 18
    assert Department.objects.get(code="HL-SCJ").name == "厦门市湖里区市场监督管理局"
    huli_categories = set(ServiceItem.objects.filter(department__code__startswith="HL-")
                          .values_list("window_category__code", flat=True))
    assert {"social", "business", "construction"} <= huli_categories
    for name in ("失业登记", "就业登记", "《就业创业证》申领"):
        item = ServiceItem.objects.get(department=fa, name=name)
        assert item.is_instant and item.promised_limit == 0
    # shared documents are one canonical material used by many items
    uses = dict(CanonicalMaterial.objects.annotate(n=Count("uses")).values_list("name", "n"))
    assert uses["居民身份证"] >= 30 and uses["营业执照"] >= 30 and uses["申请表"] >= 30 and uses["场所平面图"] >= 5

    # Fu'an's 15 sped-up items keep their pre-reform version
    sped_up = ServiceItem.objects.filter(department__code="FA-RSJ", version=2)
    assert sped_up.count() == 15
    ratios = []
    for item in sped_up:
        before = ItemHistory.objects.get(item=item, version=1)
        after = ItemHistory.objects.get(item=item, version=2)
        assert after.promised_limit == item.promised_limit
        assert before.promised_limit > after.promised_limit
        ratios.append(after.promised_limit / before.promised_limit)
    assert 0.4 <= sum(ratios) / len(ratios) <= 0.6  # "较改革前时限平均压减至 50%"

    # every demo item follows the catalog consistency rules
    for item in ServiceItem.objects.all():
        values = {f.name: getattr(item, f.name) for f in ServiceItem._meta.concrete_fields}
        assert check_item_rules(values) == [], item.name
        assert item.consult_phone.startswith(("0593-", "0592-")) and item.consult_phone != item.complaint_phone


def test_scale_generates_a_synthetic_catalog_once(db: None) -> None:
    Department.objects.bulk_create([Department(code=f"HL-T{n:02d}", name=f"湖里测试部门{n}") for n in range(18)])
    WindowCategory.objects.bulk_create([WindowCategory(code=c, name=c) for c in ("social", "business")])
    CanonicalMaterial.objects.bulk_create([CanonicalMaterial(code=f"m{n}", name=f"材料{n}") for n in range(20)])
    assert demo.generate_synthetic(60) == 60
    assert ServiceItem.objects.filter(code__startswith="SYN-").count() == 60
    assert ServiceItem.objects.filter(code__startswith="SYN-").values("department").distinct().count() == 18
    assert demo.generate_synthetic(60) == 0
    assert ServiceItem.objects.filter(code__startswith="SYN-").count() == 60
