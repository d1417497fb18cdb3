"""A small catalog with the look of the demo: items with aliases and materials, and "one thing" bundles."""

import pytest

ITEMS = [  # code, name, aliases, audience, materials, description
    ("T-104", "社会保障卡申领", "社保卡,办社保卡,医保卡", "person", ["居民身份证", "近期免冠一寸彩色照片"], "首次申领社会保障卡。"),
    ("T-105", "社会保障卡补换", "社保卡补办,换社保卡", "person", ["居民身份证"], "社会保障卡遗失、损坏或有效期满需补换。"),
    ("T-106", "社会保障卡挂失与解挂", "", "person", ["居民身份证"], ""),
    ("T-101", "失业登记", "失业,登记失业,没工作了", "person", ["居民身份证", "解除或终止劳动关系证明"], ""),
    ("T-112", "失业保险金申领", "失业金,领失业金", "person", ["居民身份证", "解除或终止劳动关系证明"], ""),
    ("T-115", "解除终止劳动合同备案", "解除劳动合同,离职备案,辞退备案", "enterprise", ["营业执照", "解除或终止劳动关系证明"], ""),
    ("T-114", "职工参保登记（增减员）", "增员,减员", "enterprise", ["参保人员增减明细表"], ""),
    ("T-107", "职工正常退休（职）申请", "退休,办退休,退休审批", "both", ["居民身份证", "人事档案", "职工退休（职）审批表"], ""),
    ("T-108", "企业职工基本养老保险待遇核定", "养老金核定,退休金", "person", ["居民身份证"], ""),
    ("T-110", "企业招用员工登记", "招工备案,用工备案", "enterprise", ["营业执照", "职工花名册"], ""),
    ("T-1001", "企业设立登记（营业执照）", "营业执照,开公司,注册公司", "enterprise", ["申请表", "公司章程"], ""),
    ("T-1010", "食品经营许可", "餐饮许可证,食品经营许可证", "enterprise", ["营业执照", "食品安全管理制度文本"],
     "从事食品销售和餐饮服务活动，应当依法取得食品经营许可。"),
    ("T-1101", "公共场所卫生许可", "卫生许可证,美容美发卫生许可", "enterprise", ["公共场所卫生检测报告"], ""),
    ("T-1301", "旅馆业特种行业许可证核发", "旅馆许可,开旅馆,民宿许可", "enterprise", ["治安保卫制度和安全防范措施"], ""),
    ("T-1401", "公众聚集场所投入使用、营业前消防安全检查", "消防安全检查,消防检查", "enterprise", ["消防安全告知承诺书"], ""),
    ("T-1701", "户外招牌设置审核", "招牌,店招", "enterprise", ["户外招牌设计效果图"], ""),
    ("T-1308", "出生登记", "新生儿上户口,报户口", "person", ["出生医学证明", "居民户口簿"], ""),
    ("T-1011", "药品零售企业许可", "药店许可,开药店", "enterprise", ["执业药师注册证"], ""),
]

BUNDLES = [  # code, name, aliases, audience, item codes, description
    ("B-CANYIN", "我要开餐饮店", "开饭店,开餐馆", "enterprise", ["T-1001", "T-1010", "T-1401", "T-1701"],
     "开办餐饮店涉及的营业执照、食品经营许可、消防检查和户外招牌一次办好。"),
    ("B-LVGUAN", "我要开旅馆", "开宾馆,开民宿", "enterprise", ["T-1001", "T-1101", "T-1301", "T-1401"], ""),
    ("B-YAODIAN", "我要开药店", "开药房", "enterprise", ["T-1001", "T-1011"], ""),
    ("B-SBK", "申领社会保障卡", "办社保卡", "person", ["T-104", "T-105"], "社会保障卡申领、补换一次办。"),
    ("B-JIECHU", "企业与员工解除终止劳动合同", "员工离职", "enterprise", ["T-115", "T-114", "T-101"],
     "企业与员工解除或终止劳动合同后，备案、减员和失业登记一次办好。"),
    ("B-TUIXIU", "职工退休", "退休手续", "both", ["T-107", "T-108"], "职工达到退休年龄，退休审批和养老金核定一次办好。"),
    ("B-SHIYE", "失业", "失业了", "person", ["T-101", "T-112"], "失业登记和失业保险金申领一次办好。"),
    ("B-ZHAOGONG", "企业招用员工", "招聘员工", "enterprise", ["T-110", "T-114"], ""),
]


@pytest.fixture
def guide_catalog(db):
    from onewindow.bundles.models import Bundle, BundleItem
    from onewindow.catalog.models import (
        CanonicalMaterial,
        Department,
        ItemMaterial,
        ItemStatus,
        ServiceItem,
    )

    hr = Department.objects.create(code="T-RSJ", name="测试市人力资源和社会保障局", short_name="人社局")
    market = Department.objects.create(code="T-SCJ", name="测试区市场监督管理局", short_name="市场监管局")
    items = {}
    n = 0
    for code, name, aliases, audience, materials, description in ITEMS:
        dept = hr if code < "T-2" and len(code) <= 5 else market
        item = ServiceItem.objects.create(code=code, name=name, aliases=aliases, audience=audience, department=dept,
                                          description=description, status=ItemStatus.PUBLISHED)
        for m in materials:
            n += 1
            material, _ = CanonicalMaterial.objects.get_or_create(name=m, defaults={"code": f"m{n}"})
            ItemMaterial.objects.create(item=item, material=material)
        items[code] = item
    for code, name, aliases, audience, codes, description in BUNDLES:
        bundle = Bundle.objects.create(code=code, name=name, aliases=aliases, audience=audience, lead_department=hr,
                                       description=description, status=ItemStatus.PUBLISHED)
        for i, c in enumerate(codes):
            BundleItem.objects.create(bundle=bundle, item=items[c], order=i)
    return items


@pytest.fixture(scope="module")
def demo_catalog(django_db_setup, django_db_blocker):
    """The demo's real catalog (Huli's 513 items and 81 bundles, Fu'an's), loaded once per test module and rolled
    back after it."""
    from django.db import transaction

    from onewindow.demo import bundles as bundles_demo
    from onewindow.demo import catalog as catalog_demo

    with django_db_blocker.unblock(), transaction.atomic():
        catalog_demo.load()
        bundles_demo.load()
        yield
        transaction.set_rollback(True)
