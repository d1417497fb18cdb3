"""A small hand-built bundle for the bundle tests: three items, a follow-up question, extra materials and fields."""

from dataclasses import dataclass

from onewindow.bundles.models import (
    Bundle,
    BundleItem,
    FormField,
    Option,
    OptionMaterial,
    Question,
)
from onewindow.catalog.models import (
    CanonicalMaterial,
    Department,
    ItemMaterial,
    ItemStatus,
    ServiceItem,
)


@dataclass
class Built:
    bundle: Bundle
    a: ServiceItem
    b: ServiceItem
    c: ServiceItem
    id_card: CanonicalMaterial
    licence: CanonicalMaterial
    photo: CanonicalMaterial
    archive: CanonicalMaterial
    soe_proof: CanonicalMaterial


def build_bundle(code: str = "T-RETIRE") -> Built:
    d1 = Department.objects.create(code=f"{code}-D1", name="测试社保中心")
    d2 = Department.objects.create(code=f"{code}-D2", name="测试人事人才服务中心")
    a = ServiceItem.objects.create(name="测试事项甲", code=f"{code}-A", department=d1, promised_limit=5, legal_limit=20,
                                   max_visits=1, status=ItemStatus.PUBLISHED)
    b = ServiceItem.objects.create(name="测试事项乙", code=f"{code}-B", department=d1, promised_limit=10, legal_limit=20,
                                   max_visits=2, status=ItemStatus.PUBLISHED)
    c = ServiceItem.objects.create(name="测试事项丙", code=f"{code}-C", department=d2, promised_limit=3, legal_limit=15,
                                   max_visits=1, status=ItemStatus.PUBLISHED)
    id_card = CanonicalMaterial.objects.create(code=f"{code}-M1", name=f"{code}居民身份证")
    licence = CanonicalMaterial.objects.create(code=f"{code}-M2", name=f"{code}营业执照")
    photo = CanonicalMaterial.objects.create(code=f"{code}-M3", name=f"{code}近期免冠照片")
    archive = CanonicalMaterial.objects.create(code=f"{code}-M4", name=f"{code}人事档案")
    soe_proof = CanonicalMaterial.objects.create(code=f"{code}-M5", name=f"{code}国有企业证明")
    ItemMaterial.objects.create(item=a, material=id_card, necessity="2", originals=1, copies=1, source="10")
    ItemMaterial.objects.create(item=a, material=licence, necessity="2", originals=0, copies=2, source="20")
    ItemMaterial.objects.create(item=b, material=id_card, necessity="1", originals=1, copies=3, source="10",
                                notes="正反面复印")
    ItemMaterial.objects.create(item=b, material=photo, necessity="3", originals=2, copies=0)
    ItemMaterial.objects.create(item=c, material=archive, necessity="1", originals=1, copies=0)
    ItemMaterial.objects.create(item=c, material=id_card, necessity="3", originals=1, copies=0)
    FormField.objects.create(item=a, key="name", label="姓名", kind="text", required=False, order=1)
    FormField.objects.create(item=a, key="mobile", label="手机号", kind="mobile", required=True, order=2)
    FormField.objects.create(item=b, key="name", label="申请人姓名", kind="text", required=True, order=1)
    FormField.objects.create(item=b, key="level", label="等级", kind="choice", choices="一级\n二级", order=2)
    FormField.objects.create(item=c, key="level", label="等级", kind="choice", choices="二级\n三级", order=1)
    bundle = Bundle.objects.create(code=code, name="测试退休一件事", lead_department=d1, visits=1)
    BundleItem.objects.create(bundle=bundle, item=a, always=True, order=1)
    BundleItem.objects.create(bundle=bundle, item=b, always=True, order=2)
    BundleItem.objects.create(bundle=bundle, item=c, always=False, order=3)
    soe = Question.objects.create(bundle=bundle, key="is_soe", text="是否国有企业", kind="single", required=True, order=1)
    yes = Option.objects.create(question=soe, key="yes", label="是", order=1)
    yes.items.add(c)
    Option.objects.create(question=soe, key="no", label="否", order=2)
    OptionMaterial.objects.create(option=yes, material=soe_proof, originals=1, copies=1)
    FormField.objects.create(option=yes, key="soe_name", label="国有企业名称", kind="text", required=True)
    kind = Question.objects.create(bundle=bundle, key="soe_kind", text="国有企业类型", kind="single", required=True,
                                   order=2, shown_when=yes)
    Option.objects.create(question=kind, key="central", label="央企", order=1)
    local = Option.objects.create(question=kind, key="local", label="地方国企", order=2)
    OptionMaterial.objects.create(option=local, material=archive, originals=1, copies=2, item=c)
    extras = Question.objects.create(bundle=bundle, key="extras", text="其他情形", kind="multi", required=False, order=3)
    Option.objects.create(question=extras, key="x", label="情形X", order=1)
    Option.objects.create(question=extras, key="y", label="情形Y", order=2)
    return Built(bundle, a, b, c, id_card, licence, photo, archive, soe_proof)
