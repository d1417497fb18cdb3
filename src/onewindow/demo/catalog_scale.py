"""A synthetic catalog for load tests (`onewindow demo --scale N`): N published items SYN-00001 … with a few
materials each, spread over 18 synthetic departments (SYN-D01 …, no region) and a window category of their own
(SYN-BENCH, taken in by no hall), so that no seed scope counts them: no region's departments or items (Huli's 18
and 513, Fu'an's), no hall's catalog, cases, tickets or ratings (the hall and feedback demos draw items by the
halls' categories), no bundle. tests/demo/test_scale_keeps_seed_figures.py reads the seed's figures before and
after. Items already there are not made again.
"""

from __future__ import annotations

from django.db import transaction

from onewindow.catalog.models import (
    Audience,
    CanonicalMaterial,
    Department,
    HandlingType,
    ItemMaterial,
    ItemStatus,
    ItemType,
    ServiceItem,
    WindowCategory,
)

DEPARTMENTS = 18
CATEGORY = "SYN-BENCH"
VERBS = ["许可", "备案", "登记", "审批", "核准", "认定", "变更", "延续", "注销", "补领"]
SUBJECTS = ["餐饮服务", "旅馆经营", "药品零售", "道路运输", "建筑施工", "户外广告", "培训机构", "养老服务", "社会救助",
            "就业服务", "医疗机构", "文化娱乐", "农资经营", "危化品经营", "排水接入", "树木迁移", "特种设备", "公共场所"]
STEPS = "申请：申请人通过窗口或网上提交材料\n受理：综合窗口核验材料并受理\n审核：承办机构审核\n办结：出具办理结果"


def synthetic_departments() -> list[Department]:
    wanted = [f"SYN-D{n:02d}" for n in range(1, DEPARTMENTS + 1)]
    have = set(Department.objects.filter(code__in=wanted).values_list("code", flat=True))
    Department.objects.bulk_create([
        Department(code=code, name=f"合成基准测试部门{code[-2:]}", short_name=f"合成部门{code[-2:]}",
                   address="合成基准测试大厅", phone="0592-5700000", sort_order=9000 + n)
        for n, code in enumerate(wanted, start=1) if code not in have])
    return list(Department.objects.filter(code__in=wanted).order_by("code"))


def synthetic_category() -> WindowCategory:
    """The benchmark's own window category: no hall takes it in, so no hall's figures count its items."""
    category, _created = WindowCategory.objects.get_or_create(code=CATEGORY, defaults={
        "name": "合成基准测试类", "name_en": "Synthetic benchmark", "default_ticket_prefix": "Z",
        "description": "onewindow demo --scale 生成的基准测试事项（不属于任何大厅）", "sort_order": 9000})
    return category


def _item(i: int, department: Department, category: WindowCategory) -> ServiceItem:
    types = [t for t in ItemType.values if t != ItemType.ADMINISTRATIVE_POWER]
    instant = i % 4 == 0
    legal = (5, 10, 15, 20, 30)[i % 5]
    online = i % 3 == 2
    return ServiceItem(
        code=f"SYN-{i:05d}", basic_code=f"99{i:05d}000",
        name=f"{SUBJECTS[i % len(SUBJECTS)]}{VERBS[i % len(VERBS)]}（合成{i}）", item_type=types[i % len(types)],
        department=department, window_category=category, legal_limit=legal,
        promised_limit=0 if instant else max(1, legal // 2),
        handling_type=HandlingType.INSTANT if instant else HandlingType.PROMISED,
        audience=(Audience.PERSON, Audience.ENTERPRISE, Audience.BOTH)[i % 3], online_depth=3 + i % 3,
        max_visits=0 if online else 1, visits_reason="" if online else "需现场核验原件",
        acceptance_conditions="符合相关法律法规规定条件。", process_steps=STEPS, result_name="办理结果",
        place="合成基准测试大厅", hours="周一至周五 9:00—17:00", consult_phone=f"0592-57{i % 100000:05d}",
        complaint_phone="0592-12345", status=ItemStatus.PUBLISHED, handling_forms="1,2,3")


@transaction.atomic
def generate_synthetic(n: int) -> int:
    """Create the synthetic items SYN-00001 … SYN-n that are not there yet, with 3–5 materials each."""
    pool = list(CanonicalMaterial.objects.order_by("code"))
    if not pool:
        return 0
    category = synthetic_category()
    departments = synthetic_departments()
    existing = set(ServiceItem.objects.filter(code__startswith="SYN-").values_list("code", flat=True))
    items = [_item(i, departments[i % len(departments)], category)
             for i in range(1, n + 1) if f"SYN-{i:05d}" not in existing]
    ServiceItem.objects.bulk_create(items, batch_size=500)
    links = [ItemMaterial(item=item, material=pool[(idx * 7 + j * 13) % len(pool)], originals=1, copies=j % 2,
                          order=(j + 1) * 10)
             for idx, item in enumerate(items) for j in range(3 + idx % 3)]
    ItemMaterial.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)
    return len(items)
