"""Demo bundles (一件事): Fu'an HR bureau's 10 人社 bundles and Huli district's 一件事集成套餐 (我要开旅馆…).

Built on the catalog demo's items, matched by name. Items the catalog lacks (e.g. 药店行业综合许可证, 烟草专卖
零售许可) are created here with get_or_create. Idempotent: running twice changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

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
    WindowCategory,
)

FA_PLACE = "福安市行政服务中心一楼 人社综合窗口（阳泉路1号）"
FA_HOURS = "周一至周五 上午8:00—12:00，下午14:30—17:30（法定节假日除外）"
HL_PLACE = "湖里区行政服务中心（厦门市湖里区湖里大道）"
HL_HOURS = "周一至周五 9:00—17:00（午间不休），周六 9:00—12:00"

# Departments and items the catalog demo may lack: code → (name, short name, address, phone)
EXTRA_DEPARTMENTS = {
    "HL-YCJ": ("厦门市烟草专卖局湖里分局", "湖里烟草专卖分局", "湖里区行政服务中心3楼", "0592-5708319"),
}

# name → (code, department code, category, item type, audience, legal, promised, visits, depth, result, materials)
EXTRA_ITEMS: dict[str, tuple] = {
    "药店行业综合许可证核发（一业一证）": (
        "350206-BD001", "HL-SCJ", "business", "01", "enterprise", 20, 10, 1, 4, "药店行业综合许可证",
        "app_form legal_rep_id premises_proof quality_docs quality_manager pharmacist_cert"),
    "烟草专卖零售许可证核发": (
        "350206-BD002", "HL-YCJ", "business", "01", "both", 20, 10, 1, 4, "烟草专卖零售许可证",
        "app_form id_card premises_proof"),
    "酒类商品零售经营备案": (
        "350206-BD003", "HL-SWUJ", "business", "10", "both", 5, 0, 0, 5, "酒类商品零售经营备案登记表",
        "app_form premises_proof"),
    "高危险性体育项目（游泳）经营许可": (
        "350206-BD004", "HL-WLJ", "business", "01", "enterprise", 30, 15, 1, 4, "高危险性体育项目经营许可证",
        "app_form business_licence floor_plan water_test safety_rules lifeguard_cert"),
    "预防接种证办理": (
        "350206-BD005", "HL-WJJ", "social", "20", "person", 5, 0, 1, 4, "预防接种证", "birth_cert"),
    "生育登记服务": (
        "350206-BD006", "HL-WJJ", "social", "20", "person", 1, 0, 0, 5, "生育登记信息", "id_card marriage_cert?"),
    "灵活就业人员参保登记": (
        "350981-BD001", "FA-SBZX", "hr", "20", "person", 5, 0, 0, 5, "参保登记信息", "id_card hukou?"),
    "引进人才认定": (
        "350981-BD002", "FA-RCZX", "hr", "07", "person", 15, 7, 1, 3, "引进人才认定结果",
        "id_card education_cert labour_contract qualification_cert?"),
    "引进人才落户": (
        "350981-BD003", "FA-RCZX", "hr", "20", "person", 10, 5, 1, 3, "准予迁入证明（人才落户）",
        "id_card hukou education_cert hukou_move"),
}

# Canonical materials the catalog may lack: code → name
EXTRA_MATERIALS = {
    "special_job_proof": "特殊工种（高温、井下等）工作经历证明",
    "lifeguard_cert": "社会体育指导人员和救生员职业资格证明",
    "alcohol_commitment": "酒类经营者承诺书",
    "prepaid_fund_plan": "预收资金存管方案",
    "soe_transfer_list": "国有企业退休人员档案移交清册",
    "party_letter": "党组织关系介绍信",
    "talent_proof": "人才层次认定申请材料（获奖、专利或职称证明）",
    "estate_heir_proof": "继承人身份及继承权公证（或承诺）",
    "injury_death_proof": "因工死亡认定决定书",
    "flexible_income": "灵活就业情况说明",
    "outdoor_seat_plan": "外摆区域设置方案",
    "swim_pool_plan": "游泳池水质及救生设施说明",
    "course_plan": "培训课程及收费标准",
    "birth_plan_form": "生育登记表",
    "cancel_card_form": "社会保障卡注销申请表",
    "hire_notice": "聘用人员公开招聘公示材料",
}

# Form fields: key → (label, kind, required, choices, help)
FIELDS: dict[str, tuple[str, str, bool, str, str]] = {
    "applicant_name": ("申请人姓名", "text", True, "", ""),
    "id_number": ("居民身份证号码", "id_number", True, "", "18位，末位可为X"),
    "mobile": ("手机号码", "mobile", True, "", "用于接收办理进度短信"),
    "address": ("联系地址", "textarea", False, "", ""),
    "enterprise_name": ("单位名称", "text", True, "", "与营业执照一致；新设企业填写申报名称"),
    "credit_code": ("统一社会信用代码", "credit_code", False, "", "新设企业可不填"),
    "legal_rep": ("法定代表人（负责人）", "text", True, "", ""),
    "contact_mobile": ("联系人手机", "mobile", True, "", ""),
    "business_address": ("经营场所地址", "textarea", True, "", ""),
    "area": ("经营面积（平方米）", "number", True, "", ""),
    "employees": ("从业人员数", "number", False, "", ""),
    "hire_date": ("招用日期", "date", True, "", ""),
    "employee_count": ("本次招用人数", "number", True, "", ""),
    "termination_date": ("解除（终止）日期", "date", True, "", ""),
    "termination_reason": ("解除（终止）原因", "choice", True, "合同期满终止\n协商一致解除\n用人单位解除\n劳动者本人提出", ""),
    "school": ("毕业院校", "text", True, "", ""),
    "major": ("所学专业", "text", True, "", ""),
    "graduation_date": ("毕业时间", "date", True, "", ""),
    "education": ("学历", "choice", True, "博士研究生\n硕士研究生\n大学本科\n大学专科", ""),
    "retire_date": ("申请退休日期", "date", True, "", ""),
    "contribution_years": ("累计缴费年限", "number", True, "", ""),
    "bank_name": ("开户银行", "text", False, "", "默认发放至社会保障卡金融账户"),
    "card_delivery": ("社保卡领取方式", "choice", True, "窗口领取\n邮寄到家", ""),
    "deceased_name": ("逝者姓名", "text", True, "", ""),
    "deceased_id": ("逝者身份证号码", "id_number", True, "", ""),
    "death_date": ("死亡日期", "date", True, "", ""),
    "relationship": ("与逝者关系", "choice", True, "配偶\n子女\n父母\n其他亲属", ""),
    "room_count": ("客房数", "number", True, "", ""),
    "bed_count": ("床位数", "number", True, "", ""),
    "food_types": ("经营项目", "choice", True, "热食类食品制售\n冷食类食品制售\n生食类食品制售\n自制饮品制售\n预包装食品销售", ""),
    "sign_size": ("招牌尺寸（长×高，米）", "text", True, "", ""),
    "sign_location": ("招牌设置位置", "text", True, "", ""),
    "pharmacist_name": ("执业药师姓名", "text", True, "", ""),
    "drug_scope": ("药品经营范围", "choice", True, "中药饮片\n中成药\n化学药制剂\n生物制品（除疫苗）", ""),
    "terminal_count": ("上网终端台数", "number", True, "", "不少于30台"),
    "course_type": ("培训类别", "choice", True, "艺术类\n体育类\n科技类\n语言类", ""),
    "baby_name": ("新生儿姓名", "text", True, "", ""),
    "birth_date": ("出生日期", "date", True, "", ""),
    "birth_cert_no": ("出生医学证明编号", "text", True, "", ""),
    "mother_name": ("母亲姓名", "text", True, "", ""),
    "mother_id": ("母亲身份证号码", "id_number", True, "", ""),
    "registered_capital": ("注册资本（万元）", "number", True, "", ""),
    "business_scope": ("经营范围", "textarea", True, "", ""),
    "seal_types": ("刻制印章", "choice", True, "公章\n财务专用章\n发票专用章\n合同专用章", ""),
    "unit_name": ("聘用单位", "text", True, "", ""),
    "post_name": ("聘用岗位", "text", True, "", ""),
    "talent_level": ("人才类别", "choice", True, "高层次人才\n紧缺急需人才\n高校毕业生", ""),
}

PERSON_FIELDS = ["applicant_name", "id_number", "mobile"]
ENTERPRISE_FIELDS = ["enterprise_name", "credit_code", "legal_rep", "contact_mobile"]
# item name → its own fields (beyond the applicant fields chosen by the item's audience)
ITEM_FIELDS = {
    "企业招用员工登记": ["hire_date", "employee_count"],
    "就业登记": ["hire_date"],
    "解除终止劳动合同备案": ["termination_date", "termination_reason"],
    "失业登记": ["termination_date", "address"],
    "失业保险金申领": ["bank_name"],
    "高校毕业生就业报到": ["school", "major", "graduation_date", "education"],
    "职工正常退休（职）申请": ["retire_date", "contribution_years"],
    "企业职工基本养老保险待遇核定": ["bank_name"],
    "社会保障卡申领": ["card_delivery", "address"],
    "社会保障卡申领（湖里）": ["card_delivery", "address"],
    "丧葬补助金和抚恤金申领": ["deceased_name", "deceased_id", "death_date", "relationship", "bank_name"],
    "企业职工基本养老保险遗属待遇申领": ["deceased_name", "deceased_id", "relationship"],
    "事业单位聘用人员备案": ["unit_name", "post_name", "hire_date"],
    "引进人才认定": ["talent_level", "education"],
    "企业设立登记（营业执照）": ["registered_capital", "business_scope", "business_address"],
    "个体工商户设立登记": ["business_scope", "business_address"],
    "公章刻制备案": ["seal_types"],
    "旅馆业特种行业许可证核发": ["room_count", "bed_count", "business_address"],
    "公共场所卫生许可": ["area", "employees", "business_address"],
    "公众聚集场所投入使用、营业前消防安全检查": ["area", "business_address"],
    "食品经营许可": ["food_types", "area", "business_address"],
    "户外招牌设置审核": ["sign_size", "sign_location"],
    "药品零售企业许可": ["pharmacist_name", "drug_scope", "area"],
    "药店行业综合许可证核发（一业一证）": ["pharmacist_name", "business_address"],
    "互联网上网服务营业场所经营单位设立审批": ["terminal_count", "area", "business_address"],
    "校外培训机构设立审批": ["course_type", "area", "business_address"],
    "出生登记": ["baby_name", "birth_date", "birth_cert_no", "mother_name", "mother_id"],
    "生育保险待遇核定": ["mother_name", "mother_id", "birth_date", "bank_name"],
    "预防接种证办理": ["baby_name", "birth_date"],
    "引进人才落户": ["address"],
}

def ask(key: str, text: str, options: list[tuple], *, kind: str = "single", required: bool = True,
      after: tuple[str, str] | None = None, help: str = "") -> dict:
    return {"key": key, "text": text, "options": options, "kind": kind, "required": required, "after": after,
            "help": help}


def opt(key: str, label: str, items: tuple[str, ...] = (), materials: tuple[tuple, ...] = (),
      fields: tuple[str, ...] = ()) -> tuple:
    return (key, label, items, materials, fields)


def yes_no(items: tuple[str, ...] = (), materials: tuple[tuple, ...] = (), fields: tuple[str, ...] = (),
           no_items: tuple[str, ...] = ()) -> list[tuple]:
    return [opt("yes", "是", items, materials, fields), opt("no", "否", no_items)]


# --- Fu'an HR bureau (人社服务快办行动): 10 bundles -------------------------------------------------------------
FA_BUNDLES: list[dict[str, Any]] = [
    {
        "code": "fa-hire-staff", "name": "企业招用员工一件事", "audience": "enterprise", "lead": "FA-JYZX",
        "limit": 1, "visits": 0, "aliases": "招工,招人,招聘员工,新员工入职,用工登记,员工参保",
        "description": "企业招用员工后，用工备案、就业登记、参保增员、社保卡申领、人事档案存放一次申请、一次办结。",
        "process": "线上或综合窗口提交一张表单和一套材料\n人社综合柜员一次受理\n就业、社保、人事人才并联办理\n统一反馈办理结果",
        "items": [("企业招用员工登记", True), ("就业登记", True), ("职工参保登记（增减员）", True),
                  ("社会保险参保登记（单位）", False), ("社会保障卡申领", False),
                  ("城镇职工基本养老保险关系转移接续", False), ("职工基本医疗保险关系转移接续", False),
                  ("流动人员人事档案接收", False), ("企业实行不定时工作制和综合计算工时工作制审批", False)],
        "questions": [
            ask("first_insured", "单位是否首次办理社会保险登记？", yes_no(("社会保险参保登记（单位）",))),
            ask("no_card", "新员工是否尚未办理社会保障卡？", yes_no(("社会保障卡申领",))),
            ask("transfer", "新员工在外地参加过职工养老或医疗保险吗？",
              yes_no(("城镇职工基本养老保险关系转移接续", "职工基本医疗保险关系转移接续"))),
            ask("archive", "是否需要为员工存放人事档案？", yes_no(("流动人员人事档案接收",))),
            ask("special_hours", "岗位是否实行不定时或综合计算工时工作制？", yes_no(("企业实行不定时工作制和综合计算工时工作制审批",))),
        ],
    },
    {
        "code": "fa-graduate", "name": "高校毕业生就业一件事", "audience": "person", "lead": "FA-RCZX",
        "limit": 3, "visits": 1, "aliases": "大学生就业,毕业生报到,报到证,档案落户,毕业生补贴",
        "description": "高校毕业生到福安就业创业：报到、就业登记、档案接收、党组织关系接转、求职创业补贴一次办。",
        "process": "提交报到材料\n人事人才服务中心办理报到和档案接收\n劳动就业中心办理就业登记及补贴\n统一告知结果",
        "items": [("高校毕业生就业报到", True), ("流动人员人事档案接收", True), ("就业登记", False),
                  ("《就业创业证》申领", False), ("存档人员党组织关系接转", False),
                  ("高校毕业生求职创业补贴申领", False), ("创业担保贷款申请", False), ("社会保障卡申领", False),
                  ("职业培训补贴申领", False)],
        "questions": [
            ask("way", "您的就业方式", [opt("employed", "到单位就业", ("就业登记",)),
                                     opt("startup", "自主创业", ("《就业创业证》申领",), fields=("business_scope",)),
                                     opt("flexible", "灵活就业", ("就业登记", "《就业创业证》申领"))]),
            ask("loan", "是否申请创业担保贷款？", yes_no(("创业担保贷款申请",)), after=("way", "startup")),
            ask("party", "是否为中共党员（含预备党员）？", yes_no(("存档人员党组织关系接转",),
                                                         (("party_letter", "1", 1, 0, "由学校党组织开具"),))),
            ask("hardship", "是否属于困难家庭毕业生（低保、残疾、脱贫家庭等）？", yes_no(("高校毕业生求职创业补贴申领",))),
            ask("no_card", "是否尚未办理社会保障卡？", yes_no(("社会保障卡申领",))),
            ask("training", "是否参加职业技能培训并申领培训补贴？", yes_no(("职业培训补贴申领",)), required=False),
        ],
    },
    {
        "code": "fa-retire", "name": "职工退休一件事", "audience": "person", "lead": "FA-SBZX",
        "limit": 10, "visits": 1, "aliases": "退休,办退休,退休手续,养老金,领养老金,退休审批",
        "description": "职工达到法定退休年龄：退休审批、养老金核定、权益记录打印、转移接续、社保卡金融功能一次办；"
                       "国有企业职工同时办理退休人员档案移交社会化管理。",
        "process": "单位或本人提交一套材料\n社保中心退休审批并核定养老金\n国有企业退休人员档案移交人事人才服务中心\n次月起按月发放养老金",
        "items": [("职工正常退休（职）申请", True), ("企业职工基本养老保险待遇核定", True),
                  ("职工养老保险个人权益记录查询打印", True), ("城镇职工基本养老保险关系转移接续", False),
                  ("职工基本医疗保险关系转移接续", False), ("社会保障卡补换", False),
                  ("国有企业退休人员档案接收", False), ("存档人员党组织关系接转", False),
                  ("城乡居民基本养老保险注销登记", False)],
        "questions": [
            ask("retire_type", "退休类型", [opt("normal", "到龄正常退休"),
                                        opt("special_job", "特殊工种提前退休", materials=(
                                            ("special_job_proof", "1", 1, 1, "需单位出具并附原始档案记载"),))]),
            ask("is_soe", "是否国有企业职工？", yes_no(("国有企业退休人员档案接收",),
                                                   (("soe_transfer_list", "1", 1, 0, "由原单位填写"),))),
            ask("soe_party", "是否需要同时转接党组织关系？", yes_no(("存档人员党组织关系接转",)), after=("is_soe", "yes")),
            ask("transfer", "是否有外地（省外）参保缴费经历？",
              yes_no(("城镇职工基本养老保险关系转移接续", "职工基本医疗保险关系转移接续"))),
            ask("resident", "是否参加过城乡居民基本养老保险（需衔接并注销）？", yes_no(("城乡居民基本养老保险注销登记",))),
            ask("card", "您的社会保障卡状态", [opt("ok", "正常使用（金融功能已激活）"),
                                           opt("replace", "遗失、损坏或未激活金融功能", ("社会保障卡补换",))]),
        ],
    },
    {
        "code": "fa-ss-card", "name": "申领社会保障卡一件事", "audience": "person", "lead": "FA-SBZX",
        "limit": None, "visits": 1, "aliases": "社保卡,办社保卡,补社保卡,社保卡丢了,医保卡",
        "description": "首次申领、补领、换领社会保障卡，挂失与参保登记同步办理；补换卡即时制卡、立等可取。",
        "process": "选择申领情形\n窗口核验身份、采集照片\n即时制卡或邮寄",
        "items": [("社会保障卡申领", False), ("社会保障卡补换", False), ("社会保障卡挂失与解挂", False),
                  ("城乡居民基本养老保险参保登记", False), ("职工养老保险个人权益记录查询打印", False)],
        "questions": [
            ask("situation", "申领情形", [opt("first", "首次申领", ("社会保障卡申领",)),
                                       opt("lost", "遗失补领", ("社会保障卡挂失与解挂", "社会保障卡补换")),
                                       opt("damaged", "损坏或到期换领", ("社会保障卡补换",))]),
            ask("insured", "是否已参加社会保险？", [opt("yes", "已参保"),
                                                opt("no", "未参保（城乡居民）", ("城乡居民基本养老保险参保登记",))]),
            ask("print_record", "是否同时打印参保缴费证明？", yes_no(("职工养老保险个人权益记录查询打印",)), required=False),
        ],
    },
    {
        "code": "fa-terminate", "name": "企业与员工解除终止劳动合同一件事", "audience": "enterprise", "lead": "FA-RSJ",
        "limit": 3, "visits": 0, "aliases": "解除劳动合同,离职,辞退,员工离职,减员,终止劳动合同",
        "description": "企业与员工解除或终止劳动合同：备案、社保减员、失业登记、档案转递一次申请。",
        "process": "单位提交解除（终止）备案\n同步办理社保减员\n员工需要的同步办理失业登记及失业保险金\n统一告知",
        "items": [("解除终止劳动合同备案", True), ("职工参保登记（增减员）", True), ("失业登记", False),
                  ("失业保险金申领", False), ("《就业创业证》申领", False), ("流动人员人事档案转递", False),
                  ("城镇职工基本养老保险关系转移接续", False)],
        "questions": [
            ask("unemployed", "员工是否需要办理失业登记？", yes_no(("失业登记", "《就业创业证》申领"))),
            ask("benefit", "员工是否申领失业保险金？", yes_no(("失业保险金申领",)), after=("unemployed", "yes"),
              help="非本人意愿中断就业且失业保险缴费满1年"),
            ask("archive", "员工人事档案是否需要转出？", yes_no(("流动人员人事档案转递",))),
            ask("leave_city", "员工是否转往外地就业？", yes_no(("城镇职工基本养老保险关系转移接续",))),
        ],
    },
    {
        "code": "fa-unemployment", "name": "失业一件事", "audience": "person", "lead": "FA-JYZX",
        "limit": 10, "visits": 0, "aliases": "失业,没工作,失业金,领失业金,失业登记,下岗",
        "description": "失业人员办理失业登记、《就业创业证》、失业保险金，并可同时申请就业困难认定、培训和创业补贴。",
        "process": "网上或窗口提交\n失业登记即时办结\n失业保险金10个工作日内核定\n按月发放",
        "items": [("失业登记", True), ("《就业创业证》申领", True), ("失业保险金申领", False),
                  ("就业困难人员认定", False), ("灵活就业人员社会保险补贴申领", False), ("职业培训补贴申领", False),
                  ("失业人员一次性创业补贴申领", False), ("创业担保贷款申请", False), ("流动人员人事档案接收", False)],
        "questions": [
            ask("benefit", "是否申领失业保险金？", yes_no(("失业保险金申领",)),
              help="失业前单位和本人缴纳失业保险费满1年、非本人意愿中断就业"),
            ask("hardship", "是否属于就业困难人员（大龄、残疾、低保家庭等）？", yes_no(("就业困难人员认定",))),
            ask("flexible", "目前是否以灵活就业方式就业？", yes_no(("灵活就业人员社会保险补贴申领",)),
              after=("hardship", "yes")),
            ask("plans", "接下来的打算（可多选）", [opt("training", "参加职业技能培训", ("职业培训补贴申领",)),
                                               opt("startup", "自主创业", ("失业人员一次性创业补贴申领", "创业担保贷款申请")),
                                               opt("job", "找工作")], kind="multi", required=False),
            ask("archive", "原单位人事档案是否需要转入存放？", yes_no(("流动人员人事档案接收",))),
        ],
    },
    {
        "code": "fa-public-hire", "name": "事业单位聘用工作人员一件事", "audience": "enterprise", "lead": "FA-RCZX",
        "limit": 5, "visits": 1, "aliases": "事业单位聘用,事业编入职,聘用备案,事业单位招聘",
        "description": "事业单位公开招聘后：聘用备案、就业登记、机关事业养老保险参保、档案和党组织关系接转一次办。",
        "process": "单位提交聘用备案\n人事人才服务中心备案并接收档案\n机关保中心办理参保\n统一反馈",
        "items": [("事业单位聘用人员备案", True), ("就业登记", True), ("机关事业单位养老保险参保登记", True),
                  ("机关事业单位养老保险关系转移接续", False), ("流动人员人事档案转递", False),
                  ("存档人员党组织关系接转", False), ("社会保障卡申领", False),
                  ("专业技术职务任职资格评审申报", False)],
        "questions": [
            ask("from_public", "受聘人员此前是否在机关事业单位参保？", yes_no(("机关事业单位养老保险关系转移接续",))),
            ask("archive_here", "受聘人员档案是否存放在人才服务中心需转递？", yes_no(("流动人员人事档案转递",))),
            ask("party", "受聘人员是否为中共党员？", yes_no(("存档人员党组织关系接转",), (("party_letter", "1", 1, 0, ""),))),
            ask("no_card", "受聘人员是否尚未办理社会保障卡？", yes_no(("社会保障卡申领",))),
            ask("title", "专业技术岗位是否需同时申报职称评审？", yes_no(("专业技术职务任职资格评审申报",)), required=False),
        ],
        "extra": (("hire_notice", "1", 1, 0, "含招聘公告及拟聘人员公示"),),
    },
    {
        "code": "fa-flexible", "name": "灵活就业人员参保一件事", "audience": "person", "lead": "FA-SBZX",
        "limit": 7, "visits": 0, "aliases": "灵活就业,个人交社保,自由职业社保,个体户社保",
        "description": "以个人身份参加职工养老和医疗保险，符合条件的同时申领灵活就业社保补贴。",
        "process": "提交参保申请\n社保中心即时参保\n符合条件的认定就业困难并核发补贴",
        "items": [("灵活就业人员参保登记", True), ("就业登记", True), ("就业困难人员认定", False),
                  ("灵活就业人员社会保险补贴申领", False), ("城镇职工基本养老保险关系转移接续", False),
                  ("职工基本医疗保险关系转移接续", False), ("流动人员人事档案接收", False),
                  ("城乡居民基本养老保险注销登记", False)],
        "questions": [
            ask("hardship", "是否为就业困难人员或离校2年内未就业高校毕业生？",
              yes_no(("就业困难人员认定", "灵活就业人员社会保险补贴申领"),
                     (("flexible_income", "1", 1, 0, "写明从事的灵活就业形式及收入"),))),
            ask("transfer", "是否有外地参保经历需转入？",
              yes_no(("城镇职工基本养老保险关系转移接续", "职工基本医疗保险关系转移接续"))),
            ask("archive", "是否需要存放人事档案？", yes_no(("流动人员人事档案接收",))),
            ask("resident", "是否正在参加城乡居民基本养老保险（转为职工参保需注销）？",
                yes_no(("城乡居民基本养老保险注销登记",))),
        ],
    },
    {
        "code": "fa-after-death", "name": "职工死亡待遇申领一件事（身后一件事）", "audience": "person", "lead": "FA-SBZX",
        "limit": 10, "visits": 1, "aliases": "身后事,丧葬费,抚恤金,死亡待遇,遗属,社保注销,家人去世",
        "description": "参保人员去世后，家属一次申请丧葬补助金、抚恤金、遗属待遇、个人账户继承和社保卡注销。",
        "process": "家属提交一套材料\n社保中心核定待遇\n同步停发养老金、注销社保卡\n待遇发放至家属账户",
        "items": [("丧葬补助金和抚恤金申领", True), ("社会保障卡挂失与解挂", True),
                  ("企业职工基本养老保险遗属待遇申领", False), ("城乡居民基本养老保险注销登记", False),
                  ("工伤保险待遇核定", False), ("机关事业单位退休人员待遇核定", False)],
        "questions": [
            ask("insurance", "逝者参加的养老保险", [
                opt("employee", "企业职工基本养老保险", ("企业职工基本养老保险遗属待遇申领",)),
                opt("resident", "城乡居民基本养老保险", ("城乡居民基本养老保险注销登记",)),
                opt("public", "机关事业单位养老保险", ("机关事业单位退休人员待遇核定",))]),
            ask("work_injury", "是否因工死亡？", yes_no(("工伤保险待遇核定",),
                                                  (("injury_death_proof", "1", 1, 1, ""),))),
            ask("dependants", "是否有需要供养的直系亲属（遗属）？", yes_no(
                (), (("estate_heir_proof", "1", 1, 0, "供养亲属身份及生活来源证明"),)),
              after=("insurance", "employee")),
        ],
        "extra": (("cancel_card_form", "1", 1, 0, ""),),
    },
    {
        "code": "fa-talent", "name": "人才引进落户一件事", "audience": "person", "lead": "FA-RCZX",
        "limit": 7, "visits": 1, "aliases": "人才落户,引进人才,人才认定,落户福安,人才补贴",
        "description": "引进人才到福安工作：人才认定、落户、档案接收、社保转移、职称评审一次办。",
        "process": "提交人才认定材料\n人事人才服务中心认定并出具落户证明\n档案、社保关系同步接转",
        "items": [("引进人才认定", True), ("引进人才落户", True), ("流动人员人事档案接收", True), ("就业登记", True),
                  ("存档人员党组织关系接转", False), ("城镇职工基本养老保险关系转移接续", False),
                  ("职工基本医疗保险关系转移接续", False), ("社会保障卡申领", False),
                  ("专业技术职务任职资格评审申报", False)],
        "questions": [
            ask("level", "人才类别", [opt("high", "高层次人才", materials=(("talent_proof", "1", 1, 1, ""),)),
                                   opt("scarce", "紧缺急需人才"), opt("graduate", "全日制本科及以上高校毕业生")]),
            ask("party", "是否为中共党员？", yes_no(("存档人员党组织关系接转",), (("party_letter", "1", 1, 0, ""),))),
            ask("transfer", "是否需要转入外地社保关系？",
              yes_no(("城镇职工基本养老保险关系转移接续", "职工基本医疗保险关系转移接续"))),
            ask("title", "是否同时申报专业技术职务任职资格？", yes_no(("专业技术职务任职资格评审申报",)),
              after=("level", "high")),
            ask("no_card", "是否尚未办理社会保障卡？", yes_no(("社会保障卡申领",))),
        ],
    },
]

# --- Huli district (一件事集成套餐) ----------------------------------------------------------------------------
LICENCE_Q = ask("licence", "是否已办理营业执照？", [
    opt("company", "未办理，设立公司", ("企业设立登记（营业执照）", "公章刻制备案", "税务登记信息确认")),
    opt("individual", "未办理，设立个体工商户", ("个体工商户设立登记", "税务登记信息确认")),
    opt("done", "已办理营业执照")])
SIGN_Q = ask("sign", "是否设置户外招牌（店招）？", yes_no(("户外招牌设置审核",)))
PREPAID_Q = ask("prepaid", "是否发售会员卡、储值卡等预付卡？", yes_no(("单用途商业预付卡备案",),
                                                            (("prepaid_fund_plan", "1", 1, 0, ""),)))
SHOP_ITEMS = [("企业设立登记（营业执照）", False), ("个体工商户设立登记", False), ("公章刻制备案", False),
              ("税务登记信息确认", False)]

HL_BUNDLES: list[dict[str, Any]] = [
    {
        "code": "hl-hotel", "name": "我要开旅馆", "audience": "enterprise", "lead": "HL-GAFJ", "limit": 10, "visits": 1,
        "aliases": "开旅馆,开民宿,开客栈,旅馆许可,特种行业许可证",
        "description": "全市率先推出的“一件事”集成套餐：营业执照、特种行业许可、公共场所卫生许可、消防安全检查一窗受理、并联审批。",
        "process": "经营管理综合窗口一次受理\n公安、卫健、消防并联审批，联合踏勘一次\n统一出件",
        "items": [*SHOP_ITEMS, ("旅馆业特种行业许可证核发", True), ("公共场所卫生许可", True),
                  ("公众聚集场所投入使用、营业前消防安全检查", True), ("户外招牌设置审核", False),
                  ("食品经营许可", False), ("食品经营许可（仅销售预包装食品）备案", False)],
        "questions": [LICENCE_Q, SIGN_Q,
                      ask("food", "是否提供餐饮或销售食品？", [
                          opt("meals", "提供早餐等餐饮服务", ("食品经营许可",)),
                          opt("packaged", "仅销售预包装食品", ("食品经营许可（仅销售预包装食品）备案",)),
                          opt("none", "不涉及")])],
    },
    {
        "code": "hl-inn", "name": "我要开宾馆", "audience": "enterprise", "lead": "HL-GAFJ", "limit": 10, "visits": 1,
        "aliases": "开宾馆,开酒店,酒店许可,宾馆许可",
        "description": "宾馆（酒店）开业：在旅馆套餐基础上，按是否设餐厅、KTV、游泳池选择配套许可。",
        "process": "经营管理综合窗口一次受理\n公安、卫健、消防、文旅并联审批\n统一出件",
        "items": [("企业设立登记（营业执照）", False), ("公章刻制备案", False), ("税务登记信息确认", False),
                  ("旅馆业特种行业许可证核发", True), ("公共场所卫生许可", True),
                  ("公众聚集场所投入使用、营业前消防安全检查", True), ("食品经营许可", False),
                  ("城镇污水排入排水管网许可", False), ("娱乐场所经营许可", False),
                  ("高危险性体育项目（游泳）经营许可", False), ("户外招牌设置审核", False)],
        "questions": [
            ask("licence", "是否已办理营业执照？", [
                opt("company", "未办理", ("企业设立登记（营业执照）", "公章刻制备案", "税务登记信息确认")),
                opt("done", "已办理")]),
            ask("facilities", "宾馆配套设施（可多选）", [
                opt("restaurant", "餐厅", ("食品经营许可", "城镇污水排入排水管网许可")),
                opt("ktv", "KTV等娱乐场所", ("娱乐场所经营许可",)),
                opt("pool", "游泳池", ("高危险性体育项目（游泳）经营许可",), (("swim_pool_plan", "1", 1, 0, ""),))],
              kind="multi", required=False),
            SIGN_Q,
        ],
    },
    {
        "code": "hl-restaurant", "name": "我要开餐饮店", "audience": "enterprise", "lead": "HL-SCJ", "limit": 5,
        "visits": 1, "aliases": "开饭店,开餐馆,开小吃店,开奶茶店,开咖啡店,开小饭馆,餐饮许可,食品经营许可证",
        "description": "开办餐饮店：营业执照、食品经营许可、户外招牌、消防安全检查、排水许可按情形一次办理。",
        "process": "综合窗口一次受理\n市场监管、城管、消防、建设并联审批\n统一出件",
        "items": [*SHOP_ITEMS, ("食品经营许可", True), ("户外招牌设置审核", False),
                  ("公众聚集场所投入使用、营业前消防安全检查", False), ("城镇污水排入排水管网许可", False),
                  ("酒类商品零售经营备案", False), ("单用途商业预付卡备案", False)],
        "questions": [
            LICENCE_Q, SIGN_Q,
            ask("area", "经营面积", [opt("small", "150平方米以下"),
                                  opt("medium", "150—300平方米", ("城镇污水排入排水管网许可",)),
                                  opt("large", "300平方米以上", ("城镇污水排入排水管网许可",
                                                          "公众聚集场所投入使用、营业前消防安全检查"))],
              help="营业面积300平方米以上的餐饮场所需办理开业前消防安全检查"),
            ask("alcohol", "是否销售酒类？", yes_no(("酒类商品零售经营备案",), (("alcohol_commitment", "1", 1, 0, ""),))),
            ask("outdoor", "是否在店外设置外摆区？", yes_no((), (("outdoor_seat_plan", "1", 1, 0, "须经所在街道同意"),)),
              required=False),
            PREPAID_Q,
        ],
    },
    {
        "code": "hl-pharmacy", "name": "我要开药店", "audience": "enterprise", "lead": "HL-SCJ", "limit": 10, "visits": 1,
        "aliases": "开药店,药房,药品零售,一业一证,行业综合许可证,医疗器械",
        "description": "“一业一证”改革：药品经营、医疗器械、食品（保健食品）销售等多项许可整合为一张药店行业综合许可证，"
                       "湖里区办理了全省首张药店行业综合许可证。",
        "process": "综合窗口一次受理、一张表单\n市场监管部门一次现场核查\n核发药店行业综合许可证（一业一证）",
        "items": [("企业设立登记（营业执照）", False), ("公章刻制备案", False), ("税务登记信息确认", False),
                  ("药店行业综合许可证核发（一业一证）", True), ("药品零售企业许可", True),
                  ("第二类医疗器械经营备案", False), ("第三类医疗器械经营许可", False),
                  ("食品经营许可（仅销售预包装食品）备案", False), ("户外招牌设置审核", False)],
        "questions": [
            ask("licence", "是否已办理营业执照？", [
                opt("company", "未办理", ("企业设立登记（营业执照）", "公章刻制备案", "税务登记信息确认")),
                opt("done", "已办理")]),
            ask("devices", "是否经营医疗器械？", [opt("none", "不经营"),
                                             opt("class2", "经营第二类医疗器械（如血压计、体温计）", ("第二类医疗器械经营备案",)),
                                             opt("class3", "经营第三类医疗器械（如隐形眼镜）",
                                               ("第二类医疗器械经营备案", "第三类医疗器械经营许可"))]),
            ask("health_food", "是否销售保健食品或其他预包装食品？", yes_no(("食品经营许可（仅销售预包装食品）备案",))),
            SIGN_Q,
        ],
    },
    {
        "code": "hl-convenience", "name": "我要开便利店", "audience": "enterprise", "lead": "HL-SCJ", "limit": 10,
        "visits": 1, "aliases": "开便利店,开超市,开小卖部,开杂货店",
        "description": "开便利店：营业执照、食品经营、烟草零售、酒类备案、出版物零售按经营项目一次办。",
        "process": "综合窗口一次受理\n各部门并联审批\n统一出件",
        "items": [*SHOP_ITEMS, ("食品经营许可（仅销售预包装食品）备案", True), ("食品经营许可", False),
                  ("烟草专卖零售许可证核发", False), ("酒类商品零售经营备案", False), ("出版物零售单位设立审批", False),
                  ("户外招牌设置审核", False)],
        "questions": [
            LICENCE_Q,
            ask("goods", "经营项目（可多选）", [
                opt("fresh", "现制现售（关东煮、现煮咖啡等）", ("食品经营许可",)),
                opt("tobacco", "卷烟、雪茄烟", ("烟草专卖零售许可证核发",)),
                opt("alcohol", "酒类", ("酒类商品零售经营备案",), (("alcohol_commitment", "1", 1, 0, ""),)),
                opt("press", "报刊图书", ("出版物零售单位设立审批",))], kind="multi", required=False),
            SIGN_Q,
        ],
    },
    {
        "code": "hl-salon", "name": "我要开美容美发店", "audience": "enterprise", "lead": "HL-WJJ", "limit": 5,
        "visits": 1, "aliases": "开理发店,开美发店,开美容院,开美甲店,美容美发卫生许可",
        "description": "开美容美发店：营业执照、公共场所卫生许可、招牌、预付卡备案一次办理。",
        "process": "综合窗口一次受理\n卫健部门现场核查\n统一出件",
        "items": [*SHOP_ITEMS, ("公共场所卫生许可", True), ("户外招牌设置审核", False), ("单用途商业预付卡备案", False),
                  ("公众聚集场所投入使用、营业前消防安全检查", False)],
        "questions": [LICENCE_Q, SIGN_Q, PREPAID_Q,
                      ask("area", "营业面积是否超过300平方米？", yes_no(("公众聚集场所投入使用、营业前消防安全检查",)))],
    },
    {
        "code": "hl-gym", "name": "我要开健身房", "audience": "enterprise", "lead": "HL-WLJ", "limit": 15, "visits": 1,
        "aliases": "开健身房,开健身中心,开游泳馆,开瑜伽馆,健身俱乐部",
        "description": "开健身房：营业执照、消防安全检查、游泳等高危险性体育项目许可、公共场所卫生许可、预付卡备案一次办。",
        "process": "综合窗口一次受理\n文旅、消防、卫健并联审批\n统一出件",
        "items": [*SHOP_ITEMS, ("公众聚集场所投入使用、营业前消防安全检查", True), ("公共场所卫生许可", False),
                  ("高危险性体育项目（游泳）经营许可", False), ("单用途商业预付卡备案", False), ("户外招牌设置审核", False)],
        "questions": [
            LICENCE_Q,
            ask("pool", "是否设游泳池？", yes_no(("高危险性体育项目（游泳）经营许可", "公共场所卫生许可"),
                                              (("swim_pool_plan", "1", 1, 0, ""),))),
            ask("shower", "是否设置沐浴间？", yes_no(("公共场所卫生许可",)), after=("pool", "no")),
            PREPAID_Q, SIGN_Q,
        ],
    },
    {
        "code": "hl-training", "name": "我要开培训机构", "audience": "enterprise", "lead": "HL-JYJ", "limit": 20,
        "visits": 1, "aliases": "开培训班,开培训学校,艺术培训,兴趣班,办学许可证",
        "description": "开办非学科类校外培训机构：办学许可、法人登记、消防安全检查、预付费监管一次办理。",
        "process": "综合窗口一次受理\n教育、民政或市场监管、消防并联审批\n联合现场核查一次\n统一出件",
        "items": [("校外培训机构设立审批", True), ("公众聚集场所投入使用、营业前消防安全检查", True),
                  ("企业设立登记（营业执照）", False), ("民办非企业单位成立登记", False), ("公章刻制备案", False),
                  ("单用途商业预付卡备案", False), ("户外招牌设置审核", False)],
        "questions": [
            ask("nature", "机构性质", [opt("profit", "营利性（登记为公司）", ("企业设立登记（营业执照）", "公章刻制备案")),
                                    opt("nonprofit", "非营利性（登记为民办非企业单位）", ("民办非企业单位成立登记", "公章刻制备案"))]),
            ask("prepaid", "是否预收培训费用？", yes_no(("单用途商业预付卡备案",), (("prepaid_fund_plan", "1", 1, 0,
                                                                               "预收费用须纳入资金监管"),))),
            SIGN_Q,
        ],
        "extra": (("course_plan", "1", 1, 0, ""),),
    },
    {
        "code": "hl-netbar", "name": "我要开网吧", "audience": "enterprise", "lead": "HL-WLJ", "limit": 10, "visits": 1,
        "aliases": "开网吧,开网咖,上网服务营业场所,电竞馆",
        "description": "开办互联网上网服务营业场所：营业执照、网络文化经营许可、消防安全检查一次办理。",
        "process": "综合窗口一次受理\n文旅、消防联合现场核查\n统一出件",
        "items": [("企业设立登记（营业执照）", False), ("公章刻制备案", False), ("税务登记信息确认", False),
                  ("互联网上网服务营业场所经营单位设立审批", True), ("公众聚集场所投入使用、营业前消防安全检查", True),
                  ("食品经营许可（仅销售预包装食品）备案", False), ("户外招牌设置审核", False)],
        "questions": [
            ask("licence", "是否已办理营业执照？", [
                opt("company", "未办理", ("企业设立登记（营业执照）", "公章刻制备案", "税务登记信息确认")),
                opt("done", "已办理")]),
            ask("snacks", "是否销售饮料、零食？", yes_no(("食品经营许可（仅销售预包装食品）备案",))),
            SIGN_Q,
        ],
    },
    {
        "code": "hl-tobacco-liquor", "name": "我要开烟酒店", "audience": "enterprise", "lead": "HL-YCJ", "limit": 10,
        "visits": 1, "aliases": "开烟酒店,开烟酒行,卖烟,卖酒,烟草专卖零售许可证",
        "description": "开烟酒店：营业执照、烟草专卖零售许可、酒类零售备案、预包装食品备案一次办理。",
        "process": "综合窗口一次受理\n烟草、商务、市场监管并联审批\n统一出件",
        "items": [*SHOP_ITEMS, ("烟草专卖零售许可证核发", True), ("酒类商品零售经营备案", True),
                  ("食品经营许可（仅销售预包装食品）备案", True), ("户外招牌设置审核", False)],
        "questions": [LICENCE_Q, SIGN_Q],
        "extra": (("alcohol_commitment", "1", 1, 0, ""),),
    },
    {
        "code": "hl-newborn", "name": "新生儿出生一件事", "audience": "person", "lead": "HL-GAFJ", "limit": 5, "visits": 1,
        "aliases": "新生儿,宝宝出生,上户口,报户口,出生登记,办医保,生育津贴",
        "description": "宝宝出生后：出生登记（上户口）、医保参保、社保卡、预防接种证、生育登记、生育津贴一次办理。",
        "process": "父母一方到综合窗口或线上提交\n公安、医保、人社、卫健并联办理\n社保卡邮寄到家",
        "items": [("出生登记", True), ("基本医疗保险参保登记", True), ("社会保障卡申领（湖里）", True),
                  ("预防接种证办理", True), ("生育登记服务", False), ("生育保险待遇核定", False)],
        "questions": [
            ask("registered", "是否已办理生育登记？", yes_no(no_items=("生育登记服务",))),
            ask("mother_insured", "母亲是否参加职工基本医疗保险（生育保险）？", yes_no(("生育保险待遇核定",))),
            ask("parents_married", "父母是否已办理结婚登记？", yes_no(),
              help="未办理结婚登记的，出生登记按非婚生育办理，需补充亲子关系证明"),
        ],
    },
    {
        "code": "hl-open-company", "name": "企业开办一件事", "audience": "enterprise", "lead": "HL-SCJ", "limit": 1,
        "visits": 0, "aliases": "开公司,注册公司,企业开办,办执照,刻章,领发票",
        "description": "企业开办全程网办：营业执照、公章刻制、税务登记、发票申领、员工参保一次提交，一日办结。",
        "process": "一网提交一张表单\n市场监管、公安、税务、人社、医保并联办理\n执照、印章免费寄递",
        "items": [("企业设立登记（营业执照）", True), ("公章刻制备案", True), ("税务登记信息确认", True),
                  ("发票领用", False), ("增值税一般纳税人登记", False), ("就业登记（湖里）", False),
                  ("基本医疗保险参保登记", False)],
        "questions": [
            ask("invoice", "是否需要申领发票？", yes_no(("发票领用",))),
            ask("general_taxpayer", "是否登记为增值税一般纳税人？", yes_no(("增值税一般纳税人登记",)),
              after=("invoice", "yes")),
            ask("staff", "是否招用员工？", yes_no(("就业登记（湖里）", "基本医疗保险参保登记"))),
        ],
    },
]


def _out(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


_MATERIALS: dict[str, CanonicalMaterial] = {}


def _material(code: str) -> CanonicalMaterial:
    if code in _MATERIALS:
        return _MATERIALS[code]
    material = CanonicalMaterial.objects.filter(code=code).first()
    if material is None:
        name = EXTRA_MATERIALS.get(code, code)
        material, _ = CanonicalMaterial.objects.get_or_create(name=name, defaults={"code": code})
    _MATERIALS[code] = material
    return material


def _department(code: str) -> Department:
    dept = Department.objects.filter(code=code).first()
    if dept is None:
        name, short, address, phone = EXTRA_DEPARTMENTS.get(code, (code, code, "", ""))
        dept, _ = Department.objects.get_or_create(code=code, defaults={
            "name": name, "short_name": short, "address": address, "phone": phone,
            "region": "350981" if code.startswith("FA-") else "350206", "sort_order": 900})
    return dept


def _category(code: str) -> WindowCategory | None:
    return WindowCategory.objects.filter(code=code).first()


def _ensure_item(name: str, created: list[str]) -> ServiceItem:
    item = ServiceItem.objects.filter(name=name).order_by("id").first()
    if item is not None:
        return item
    if name not in EXTRA_ITEMS:
        raise LookupError(f"demo bundles: catalog item missing and no fallback: {name}")
    code, dept, category, item_type, audience, legal, promised, visits, depth, result, materials = EXTRA_ITEMS[name]
    region = "350981" if dept.startswith("FA-") else "350206"
    item, made = ServiceItem.objects.get_or_create(code=code, defaults={
        "name": name, "department": _department(dept), "window_category": _category(category),
        "item_type": item_type, "audience": audience, "legal_limit": legal, "promised_limit": promised,
        "handling_type": "1" if promised == 0 else "2", "max_visits": visits, "online_depth": depth,
        "result_name": result, "status": ItemStatus.PUBLISHED, "basic_code": "",
        "place": FA_PLACE if region == "350981" else HL_PLACE,
        "hours": FA_HOURS if region == "350981" else HL_HOURS,
        "visits_reason": "需现场核验" if visits else "", "handling_forms": "1,2,3",
    })
    if made:
        created.append(name)
    for order, spec in enumerate(materials.split(), start=1):
        necessity = "2" if spec.endswith("?") else "3" if spec.endswith("~") else "1"
        mcode = spec.rstrip("?~")
        source = "40" if mcode == "business_licence" else "10"
        ItemMaterial.objects.get_or_create(item=item, material=_material(mcode), defaults={
            "necessity": necessity, "source": source, "originals": 0 if source == "40" else 1,
            "copies": 1 if mcode in ("id_card", "premises_proof") else 0, "order": order * 10})
    return item


def _sync(model: Any, scope: dict[str, Any], key: str, rows: dict[Any, dict[str, Any]], *,
          prune: bool = True) -> dict[Any, Any]:
    """Make the rows of `model` within `scope` exactly `rows` (key → values): create, update what differs,
    delete the rest. One query when nothing changed."""
    existing = {getattr(obj, key): obj for obj in model.objects.filter(**scope)}
    result = {}
    for k, values in rows.items():
        obj = existing.get(k)
        if obj is None:
            obj = model.objects.create(**scope, **{key: k}, **values)
        elif any(getattr(obj, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(obj, f, v)
            obj.save(update_fields=list(values))
        result[k] = obj
    if prune:
        stale = [obj.pk for k, obj in existing.items() if k not in rows]
        if stale:
            model.objects.filter(pk__in=stale).delete()
    return result


def _field_values(key: str, order: int) -> dict[str, Any]:
    label, kind, required, choices, help_text = FIELDS[key]
    return {"label": label, "kind": kind, "required": required, "choices": choices, "help": help_text,
            "order": order * 10}


def _ensure_fields(item: ServiceItem, done: set[int]) -> None:
    if item.id in done:
        return
    done.add(item.id)
    keys = list(ENTERPRISE_FIELDS if item.audience == "enterprise" else PERSON_FIELDS)
    keys += [k for k in ITEM_FIELDS.get(item.name, []) if k not in keys]
    _sync(FormField, {"item": item}, "key", {key: _field_values(key, n) for n, key in enumerate(keys, start=1)})


def _load_bundle(spec: dict[str, Any], order: int, created: list[str], done: set[int]) -> int:
    fa = spec["code"].startswith("fa-")
    lead = _department(spec["lead"])
    values = {
        "name": spec["name"], "audience": spec["audience"], "description": spec["description"],
        "window_category": _category("hr" if fa else ("social" if spec["audience"] == "person" else "business")),
        "lead_department": lead, "visits": spec["visits"],
        "place": FA_PLACE if fa else f"{HL_PLACE} {'社会民生' if spec['audience'] == 'person' else '经营管理'}综合窗口",
        "hours": FA_HOURS if fa else HL_HOURS, "consult_phone": lead.phone or ("0593-12345" if fa else "0592-12345"),
        "status": ItemStatus.PUBLISHED, "aliases": spec["aliases"], "process_note": spec["process"],
        "materials_note": "多个事项共用的材料只需提交一份；营业执照等可通过数据共享获取的材料免于提交。",
        "sort_order": order * 10,
    }
    bundle = Bundle.objects.filter(code=spec["code"]).first()
    if bundle is None:
        bundle = Bundle.objects.create(code=spec["code"], **values)
    elif any(getattr(bundle, f) != v for f, v in values.items()):
        for f, v in values.items():
            setattr(bundle, f, v)
        bundle.save()
    items: dict[str, ServiceItem] = {}
    for name, _always in spec["items"]:
        items[name] = _ensure_item(name, created)
        _ensure_fields(items[name], done)
    _sync(BundleItem, {"bundle": bundle}, "item_id",
          {items[name].id: {"always": always, "order": n * 10} for n, (name, always) in enumerate(spec["items"], 1)})

    parents = {q["key"]: None for q in spec["questions"]}
    questions = _sync(Question, {"bundle": bundle}, "key", {
        q["key"]: {"text": q["text"], "kind": q["kind"], "required": q["required"], "order": n * 10, "help": q["help"]}
        for n, q in enumerate(spec["questions"], start=1)})
    option_by_key: dict[tuple[str, str], Option] = {}
    extra = spec.get("extra") or ()
    for qn, q in enumerate(spec["questions"]):
        question = questions[q["key"]]
        options = _sync(Option, {"question": question}, "key", {
            okey: {"label": label, "order": n * 10} for n, (okey, label, *_rest) in enumerate(q["options"], start=1)})
        for okey, _label, option_items, materials, fields in q["options"]:
            option = options[okey]
            option_by_key[(q["key"], okey)] = option
            wanted = {items[name].id for name in option_items}
            if set(option.items.values_list("id", flat=True)) != wanted:
                option.items.set(list(wanted))
            # bundle-wide extra materials hang on every option of the first question (apply whatever the answer)
            rows = [*materials, *(extra if qn == 0 else ())]
            _sync(OptionMaterial, {"option": option}, "material_id", {
                _material(mcode).id: {"necessity": necessity, "originals": originals, "copies": copies, "notes": note}
                for mcode, necessity, originals, copies, note in rows})
            _sync(FormField, {"option": option}, "key",
                  {key: _field_values(key, n) for n, key in enumerate(fields, start=1)})
    for q in spec["questions"]:
        parents[q["key"]] = option_by_key[q["after"]].id if q["after"] else None
        if questions[q["key"]].shown_when_id != parents[q["key"]]:
            Question.objects.filter(pk=questions[q["key"]].pk).update(shown_when_id=parents[q["key"]])
    return len(items)


def load(*, scale: int = 0, stdout: Any = None) -> None:
    created: list[str] = []
    done: set[int] = set()
    uses = {"fa": 0, "hl": 0}
    _MATERIALS.clear()  # ids differ between databases (tests)
    with transaction.atomic():
        for order, spec in enumerate([*FA_BUNDLES, *HL_BUNDLES], start=1):
            uses[spec["code"][:2]] += _load_bundle(spec, order, created, done)
    _out(stdout, f"   bundles: {len(FA_BUNDLES)} Fu'an bundles ({uses['fa']} item uses), "
                 f"{len(HL_BUNDLES)} Huli bundles ({uses['hl']} item uses)\n")
    if created:
        _out(stdout, f"   bundles: created items missing from the catalog: {'、'.join(created)}\n")
