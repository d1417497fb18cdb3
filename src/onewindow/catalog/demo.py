"""Catalog demo: window categories, Fu'an HR bureau and Huli district departments, their items and materials.

Idempotent: everything is upserted by code. `scale > 0` also generates about `scale` synthetic items (codes SYN-…)
over Huli's 18 departments with bulk_create, for benchmarks.
"""

import datetime as dt
from typing import Any

from django.db import transaction

from onewindow.catalog import demo_data as data
from onewindow.catalog.models import (
    Audience,
    CanonicalMaterial,
    Department,
    HandlingType,
    ItemHistory,
    ItemMaterial,
    ItemStatus,
    ItemType,
    LimitUnit,
    MaterialNecessity,
    ServiceItem,
    WindowCategory,
)

REFORM_DATE = dt.date(2020, 7, 1)  # 《福安市人社局关于开展"人社服务快办行动"实施方案》 7月1日印发
BEFORE_REFORM = dt.date(2020, 1, 1)

LEGAL_BASIS = {
    "FA-RSJ": "《中华人民共和国就业促进法》《中华人民共和国社会保险法》《就业服务与就业管理规定》（人力资源社会保障部令）",
    "HL-SCJ": "《中华人民共和国市场主体登记管理条例》《中华人民共和国食品安全法》《药品经营和使用质量监督管理办法》",
    "HL-WJJ": "《公共场所卫生管理条例》《医疗机构管理条例》",
    "HL-WLJ": "《娱乐场所管理条例》《营业性演出管理条例》《互联网上网服务营业场所管理条例》",
    "HL-GAFJ": "《旅馆业治安管理办法》《中华人民共和国居民身份证法》《中华人民共和国户口登记条例》",
    "HL-XFJY": "《中华人民共和国消防法》第十五条",
    "HL-STHJ": "《中华人民共和国环境影响评价法》《建设项目环境保护管理条例》",
    "HL-ZJJ": "《中华人民共和国建筑法》《建筑工程施工许可管理办法》《建设工程消防设计审查验收管理暂行规定》",
    "HL-CGJ": "《城市市容和环境卫生管理条例》《城市道路管理条例》《城市绿化条例》",
    "HL-SWJ": "《中华人民共和国税收征收管理法》《中华人民共和国发票管理办法》",
    "HL-MZJ": "《婚姻登记条例》《社会救助暂行办法》《社会团体登记管理条例》",
    "HL-JYJ": "《中华人民共和国民办教育促进法》《教师资格条例》",
    "HL-RSJ": "《中华人民共和国就业促进法》《劳务派遣行政许可实施办法》",
    "HL-YBJ": "《中华人民共和国社会保险法》《基本医疗保险跨省异地就医直接结算经办规程》",
    "HL-JTJ": "《中华人民共和国道路运输条例》",
    "HL-NYJ": "《农药管理条例》《兽药管理条例》《中华人民共和国动物防疫法》",
    "HL-CL": "《中华人民共和国残疾人保障法》《中华人民共和国残疾人证管理办法》",
    "HL-SWUJ": "《单用途商业预付卡管理办法（试行）》《再生资源回收管理办法》",
    "HL-YJJ": "《危险化学品安全管理条例》《烟花爆竹安全管理条例》《生产安全事故应急预案管理办法》",
}

PROCESS_INSTANT = "申请：申请人通过窗口或网上提交材料\n受理：综合窗口核验材料，当场受理\n办结：当场办结，出具办理结果（30分钟内）"
PROCESS_LICENCE = ("申请：申请人通过窗口或网上提交材料\n受理：综合窗口核验材料，材料齐全的当场受理，不齐全的一次性告知\n"
                   "审查：承办部门对材料进行审查，必要时现场核查\n决定：作出准予或不予许可决定\n送达：窗口领取、邮寄或电子证照送达")
PROCESS_OTHER = ("申请：申请人通过窗口或网上提交材料\n受理：综合窗口核验材料并受理\n审核：承办机构审核\n"
                 "办结：出具办理结果\n送达：窗口领取或邮寄送达")

FAQ_COMMON = ("问：可以委托他人代为办理吗？\n答：可以。受托人须携带授权委托书及委托人、受托人身份证件。\n"
              "问：材料不齐全怎么办？\n答：窗口将一次性告知需补正的全部材料；符合容缺条件的，可书面承诺后先行受理。")
FAQ_INSTANT = "问：需要等多久？\n答：本事项为即办件，材料齐全的当场办结，一般不超过30分钟。\n"
FAQ_ONLINE = "问：可以网上办理吗？\n答：可以。登录闽政通（福建省网上办事大厅）或“i厦门”搜索事项名称即可在线申请。\n"


def _out(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def item_code(region: str, item_type: str, num: int) -> str:
    return f"{region}-{item_type}{num:05d}000"


def _parse_materials(spec: str) -> list[tuple[str, str]]:
    result = []
    for token in spec.split():
        necessity = MaterialNecessity.REQUIRED
        if token.endswith("?"):
            token, necessity = token[:-1], MaterialNecessity.OPTIONAL
        elif token.endswith("~"):
            token, necessity = token[:-1], MaterialNecessity.DEFERRABLE
        result.append((token, necessity))
    return result


@transaction.atomic
def load(*, scale: int = 0, stdout: Any = None) -> None:
    from onewindow.catalog.services import grant_catalog_admin_permissions

    categories = {}
    for order, (code, name, prefix, description) in enumerate(data.CATEGORIES, start=1):
        categories[code], _ = WindowCategory.objects.update_or_create(
            code=code, defaults={"name": name, "default_ticket_prefix": prefix, "description": description,
                                 "sort_order": order * 10})
    departments: dict[str, Department] = {}
    for order, (code, name, short, parent, credit, address, phone) in enumerate(data.DEPARTMENTS, start=1):
        region = data.FA_REGION if code.startswith("FA-") else data.HL_REGION
        departments[code], _ = Department.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short, "parent": departments.get(parent),
                                 "credit_code": credit, "region": region, "address": address, "phone": phone,
                                 "sort_order": order * 10})
    materials: dict[str, CanonicalMaterial] = {}
    existing = {m.code: m for m in CanonicalMaterial.objects.all()}
    for code, (name, issuer, *_rest) in data.MATERIALS.items():
        material = existing.get(code)
        if material is None:
            material = CanonicalMaterial.objects.create(code=code, name=name, issuer=issuer)
        elif (material.name, material.issuer) != (name, issuer):
            material.name, material.issuer = name, issuer
            material.save(update_fields=["name", "issuer"])
        materials[code] = material

    rows = [(data.FA_REGION, row) for row in data.FA_ITEMS] + [(data.HL_REGION, row) for row in data.HL_ITEMS]
    _load_items(rows, categories, departments, materials)
    _out(stdout, f"   catalog: {len(departments)} departments, {len(rows)} items, {len(materials)} canonical materials\n")
    if scale > 0:
        made = generate_synthetic(scale, stdout=stdout)
        _out(stdout, f"   catalog: {made} synthetic items created (SYN-…)\n")
    grant_catalog_admin_permissions()


def _item_values(region: str, row: tuple, categories: dict, departments: dict) -> tuple[str, dict]:
    (num, name, dept_code, unit_code, category, item_type, audience, legal, promised, visits, depth, result,
     _material_spec, extra) = row
    code = item_code(region, item_type, num)
    dept = departments[dept_code]
    unit = departments.get(unit_code) if unit_code and unit_code != dept_code else None
    instant = promised == 0
    is_fa = region == data.FA_REGION
    post = extra.get("post", False) or (visits == 0 and depth < 5)
    forms = ["1", "2"] + (["3"] if depth >= 4 else []) + (["4"] if post else [])
    if is_fa:
        place = data.FA_PLACE
    else:
        floor = dept.address.replace("湖里区行政服务中心", "")
        place = f"湖里区行政服务中心 {floor} {categories[category].name}综合窗口"
    fee = extra.get("fee", "")
    if instant:
        steps, faq = PROCESS_INSTANT, FAQ_INSTANT + FAQ_COMMON
    elif item_type == ItemType.LICENSING:
        steps, faq = PROCESS_LICENCE, FAQ_COMMON
    else:
        steps, faq = PROCESS_OTHER, FAQ_COMMON
    if depth >= 4:
        faq = FAQ_ONLINE + faq
    audience_label = Audience(audience).label
    return code, {
        "name": name,
        "basic_code": f"{item_type}{num:05d}000",
        "item_type": item_type,
        "exercise_level": "4",
        "department": dept,
        "handling_department": unit,
        "window_category": categories[category],
        "legal_limit": legal,
        "legal_limit_unit": extra.get("legal_unit", LimitUnit.WORKDAY),
        "promised_limit": promised,
        "promised_limit_unit": extra.get("promised_unit", LimitUnit.WORKDAY),
        "handling_type": HandlingType.INSTANT if instant else HandlingType.PROMISED,
        "acceptance_conditions": extra.get("conditions", f"符合{name}相关法律法规及政策规定条件的{audience_label}。"),
        "process_steps": steps,
        "result_name": result,
        "has_fee": bool(fee),
        "fee_basis": fee,
        "audience": audience,
        "handling_forms": ",".join(forms),
        "online_depth": depth,
        "max_visits": visits,
        "visits_reason": extra.get("visits_reason", "需到窗口现场核验原件" if visits else ""),
        "supports_appointment": True,
        "supports_post": post,
        "supports_online_payment": bool(fee),
        "place": place,
        "hours": data.FA_HOURS if is_fa else data.HL_HOURS,
        "consult_phone": (unit or dept).phone,
        "complaint_phone": data.FA_COMPLAINT if is_fa else data.HL_COMPLAINT,
        "legal_basis": LEGAL_BASIS.get(dept_code, LEGAL_BASIS["FA-RSJ"] if is_fa else ""),
        "aliases": extra.get("aliases", ""),
        "faq": faq,
        "status": ItemStatus.PUBLISHED,
    }


def _load_items(rows: list[tuple[str, tuple]], categories: dict, departments: dict, materials: dict) -> None:
    """Upsert the demo items, their materials and history in a handful of queries (bulk operations)."""
    specs = []
    for region, row in rows:
        code, values = _item_values(region, row, categories, departments)
        sped_up = data.FA_SPED_UP.get(row[0]) if region == data.FA_REGION else None
        specs.append((code, values, _parse_materials(row[12]), sped_up))
    existing = {i.code: i for i in ServiceItem.objects.filter(code__in=[c for c, *_ in specs])
                .select_related("department", "handling_department", "window_category")}
    to_create, to_update = [], []
    for code, values, _mats, sped_up in specs:
        item = existing.get(code)
        if item is None:
            to_create.append(ServiceItem(code=code, version=2 if sped_up else 1, **values))
        elif any(getattr(item, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(item, f, v)
            to_update.append(item)
    ServiceItem.objects.bulk_create(to_create)
    if to_update:
        ServiceItem.objects.bulk_update(to_update, list(specs[0][1]))
    items = {i.code: i for i in ServiceItem.objects.filter(code__in=[c for c, *_ in specs])}

    current: dict[int, dict[str, ItemMaterial]] = {}
    for im in ItemMaterial.objects.filter(item__in=items.values()).select_related("material"):
        current.setdefault(im.item_id, {})[im.material.code] = im
    material_fields = ["source", "necessity", "originals", "copies", "form", "paper_size", "has_blank_form",
                       "has_sample", "order", "notes"]
    new_links, changed_links, stale = [], [], []
    for code, _values, wanted, _sped in specs:
        item = items[code]
        have = current.get(item.pk, {})
        stale += [im.pk for mcode, im in have.items() if mcode not in {c for c, _ in wanted}]
        for order, (mcode, necessity) in enumerate(wanted, start=1):
            _name, _issuer, source, originals, copies, form = data.MATERIALS[mcode]
            values = {"source": source, "necessity": necessity, "originals": originals, "copies": copies,
                      "form": form, "paper_size": "A4" if form != "electronic" else "",
                      "has_blank_form": mcode == "app_form", "has_sample": mcode in ("app_form", "floor_plan", "retire_form"),
                      "order": order * 10, "notes": _material_note(mcode)}
            im = have.get(mcode)
            if im is None:
                new_links.append(ItemMaterial(item=item, material=materials[mcode], **values))
            elif any(getattr(im, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(im, k, v)
                changed_links.append(im)
    if stale:
        ItemMaterial.objects.filter(pk__in=stale).delete()
    ItemMaterial.objects.bulk_create(new_links)
    if changed_links:
        ItemMaterial.objects.bulk_update(changed_links, material_fields)

    have_versions = set(ItemHistory.objects.filter(item__in=items.values()).values_list("item_id", "version"))
    history = []
    for code, values, wanted, sped_up in specs:
        item = items[code]
        current_row = (values["legal_limit"], values["promised_limit"], values["handling_type"], values["max_visits"],
                       len(wanted), values["online_depth"])
        if sped_up:
            old_promised, old_visits, old_materials, old_depth = sped_up
            versions = [(1, BEFORE_REFORM, (values["legal_limit"], old_promised, HandlingType.PROMISED, old_visits,
                                            old_materials, old_depth), "改革前（人社服务快办行动前）"),
                        (2, REFORM_DATE, current_row, "人社服务快办行动：提速办")]
        else:
            versions = [(1, BEFORE_REFORM, current_row, "初始版本")]
        for version, since, (legal, promised, handling, visits, mats, depth), note in versions:
            if (item.pk, version) not in have_versions:
                history.append(ItemHistory(item=item, version=version, effective_from=since, legal_limit=legal,
                                           promised_limit=promised, handling_type=handling, max_visits=visits,
                                           material_count=mats, online_depth=depth, note=note))
    ItemHistory.objects.bulk_create(history)


def _material_note(code: str) -> str:
    return {
        "id_card": "核验原件，留存复印件；已在政务数据共享平台核验的可免交复印件。",
        "business_licence": "通过电子证照库共享获取，无需提交。",
        "app_form": "可在窗口领取或网上下载，按样表填写并签字（盖章）。",
        "floor_plan": "标明各功能区面积、布局及出入口。",
        "health_cert": "容缺后补：可先受理，10个工作日内补交。",
        "termination_proof": "可通过社保数据共享核验的可免交。",
        "photo": "白底，近6个月内拍摄。",
    }.get(code, "")


def generate_synthetic(n: int, *, stdout: Any = None) -> int:
    """Create up to `n` synthetic published items (SYN-00001 …) over Huli's 18 departments. Returns how many."""
    depts = list(Department.objects.filter(code__startswith="HL-").order_by("code"))
    if not depts:
        return 0
    categories = list(WindowCategory.objects.exclude(code="hr").order_by("code"))
    pool = list(CanonicalMaterial.objects.order_by("code"))
    existing = set(ServiceItem.objects.filter(code__startswith="SYN-").values_list("code", flat=True))
    verbs = ["许可", "备案", "登记", "审批", "核准", "认定", "变更", "延续", "注销", "补领"]
    subjects = ["餐饮服务", "旅馆经营", "药品零售", "道路运输", "建筑施工", "户外广告", "培训机构", "养老服务", "社会救助",
                "就业服务", "医疗机构", "文化娱乐", "农资经营", "危化品经营", "排水接入", "树木迁移", "特种设备", "公共场所"]
    types = [t for t in ItemType.values if t != ItemType.ADMINISTRATIVE_POWER]
    items = []
    for i in range(1, n + 1):
        code = f"SYN-{i:05d}"
        if code in existing:
            continue
        dept = depts[i % len(depts)]
        instant = i % 4 == 0
        legal = (5, 10, 15, 20, 30)[i % 5]
        items.append(ServiceItem(
            code=code, basic_code=f"99{i:05d}000", name=f"{subjects[i % len(subjects)]}{verbs[i % len(verbs)]}（合成{i}）",
            item_type=types[i % len(types)], department=dept, window_category=categories[i % len(categories)],
            legal_limit=legal, promised_limit=0 if instant else max(1, legal // 2),
            handling_type=HandlingType.INSTANT if instant else HandlingType.PROMISED,
            audience=(Audience.PERSON, Audience.ENTERPRISE, Audience.BOTH)[i % 3], online_depth=3 + i % 3,
            max_visits=0 if i % 3 == 2 else 1, visits_reason="" if i % 3 == 2 else "需现场核验原件",
            acceptance_conditions="符合相关法律法规规定条件。", process_steps=PROCESS_OTHER, result_name="办理结果",
            place="湖里区行政服务中心", hours=data.HL_HOURS, consult_phone=f"0592-57{i % 100000:05d}",
            complaint_phone=data.HL_COMPLAINT, status=ItemStatus.PUBLISHED, handling_forms="1,2,3"))
    batch = 500
    created = 0
    for start in range(0, len(items), batch):
        chunk = items[start:start + batch]
        ServiceItem.objects.bulk_create(chunk)
        created += len(chunk)
    if items:
        saved = list(ServiceItem.objects.filter(code__in=[it.code for it in items]).values_list("id", flat=True))
        links = []
        for idx, item_id in enumerate(saved):
            for j in range(3 + idx % 3):
                material = pool[(idx * 7 + j * 13) % len(pool)]
                links.append(ItemMaterial(item_id=item_id, material=material, originals=1, copies=j % 2,
                                          order=(j + 1) * 10))
        ItemMaterial.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)
    return created
