"""Colloquial words citizens use → the words the catalog uses (智能导办 domain knowledge).

Each row: (what people say, what the catalog calls it[, weight]). A phrase found anywhere in a query adds
the catalog words to the search (weight 0.9 unless given; generic rows such as "丢了" weigh less), and the
result says which phrase led there. Keep phrases specific: a
phrase that is too short ("开") would fire on everything.
"""

SYNONYMS: list[tuple[tuple[str, ...], tuple[str, ...]] | tuple[tuple[str, ...], tuple[str, ...], float]] = [
    # 餐饮 / 食品
    (("开饭店", "开餐馆", "开饭馆", "小饭馆", "小吃店", "饭馆", "餐馆", "饭店", "小吃", "快餐店", "快餐", "面馆",
      "大排档", "奶茶店", "奶茶", "咖啡店", "咖啡馆", "烧烤店", "火锅店", "卖吃的", "开食堂", "早餐店", "甜品店",
      "外卖店", "餐厅", "酒楼"), ("餐饮", "餐饮店", "食品经营")),
    (("卖零食", "便利店", "超市", "小卖部", "食杂店", "杂货店"), ("便利店", "预包装食品")),
    # 旅馆 / 住宿
    (("开旅馆", "民宿", "客栈", "招待所", "青旅", "住宿", "旅店"), ("旅馆", "开旅馆", "特种行业")),
    (("开宾馆", "开酒店", "宾馆", "酒店"), ("宾馆", "开宾馆", "特种行业")),
    # 药店 / 医疗
    (("开药店", "药房", "卖药", "药铺", "大药房", "药品零售"), ("药店", "药品经营", "药品零售")),
    (("开诊所", "门诊部", "私人诊所"), ("诊所", "医疗机构")),
    (("外地看病", "异地看病", "外省看病", "异地就诊"), ("异地就医",)),
    (("报销药费", "看病报销", "医药费"), ("医疗费用", "报销")),
    (("医疗保险",), ("医保",)),
    # 社保卡
    (("社保卡", "医保卡", "市民卡", "社会保障卡"), ("社会保障卡",)),
    (("卡丢了", "卡掉了", "卡不见了", "丢卡", "卡坏了"), ("补换", "挂失")),
    # 劳动关系
    (("辞职", "被辞退", "辞退", "离职", "炒鱿鱼", "被开除", "开除", "裁员", "被裁", "解雇",
      "合同到期", "解约", "退工", "离岗", "员工走了", "员工不干了"), ("解除终止劳动合同", "解除劳动合同", "终止劳动合同")),
    (("招人", "招工", "招聘", "雇人", "招员工", "请员工", "新员工", "用工", "雇员工"), ("企业招用员工", "招用", "用工备案")),
    (("没工作", "失业了", "丢了工作", "找不到工作", "下岗", "没活干", "待业"), ("失业", "失业登记", "失业保险金")),
    (("失业补助", "失业救济"), ("失业保险金",)),
    (("失业证", "就业证", "创业证"), ("就业创业证",)),
    (("干活受伤", "上班受伤", "工作受伤", "受伤了"), ("工伤", "工伤认定")),
    # 退休 / 养老
    (("退休手续", "办退休", "退休", "到龄退休", "到年龄了", "退休审批"), ("职工退休", "退休")),
    (("退休金", "养老钱", "领养老金", "养老金"), ("养老保险", "待遇", "养老金")),
    (("去世", "过世", "死亡", "走了", "丧事", "丧葬", "老人没了"), ("身后事", "丧葬补助金", "抚恤金", "遗属待遇", "死亡")),
    (("社保转移", "转社保", "社保转出", "换城市社保", "社保怎么转", "社保转到", "社保迁"), ("养老保险关系转移接续",)),
    (("执照丢了", "执照掉了", "执照遗失", "执照不见了"), ("营业执照遗失补领",)),
    (("丢了", "丢失", "掉了", "不见了", "遗失"), ("遗失", "补领", "补办", "补换", "挂失"), 0.3),
    (("社保证明", "缴费证明", "社保记录", "参保证明"), ("个人权益记录", "参保")),
    # 毕业生 / 人才
    (("应届生", "大学生", "刚毕业", "毕业了", "大学毕业", "应届毕业"), ("高校毕业生", "就业报到")),
    # 取钱的说法：取公积金 = 提取
    (("取公积金", "公积金取", "公积金能取", "公积金可以取", "提公积金", "公积金提出来", "公积金取出来", "取出来"),
     ("提取",)),
    (("存档案", "放档案", "档案放哪", "调档案", "转档案"), ("人事档案",)),
    (("评职称", "职称"), ("专业技术职务任职资格",)),
    (("事业编", "事业单位入职", "进事业单位"), ("事业单位聘用",)),
    # 企业开办
    (("开公司", "注册公司", "办执照", "开个公司", "成立公司", "办营业执照", "营业执照"), ("企业设立登记", "营业执照")),
    (("开小店", "个体户", "开个店", "摆摊"), ("个体工商户",)),
    (("刻章", "刻公章", "做公章", "公司印章"), ("公章刻制",)),
    (("开发票", "领发票", "买发票"), ("发票领用",)),
    (("招牌", "店招", "门头", "广告牌"), ("户外招牌",)),
    (("美容院", "理发店", "美发店", "发廊", "美甲店", "足浴", "洗浴", "剪头发"), ("美容美发店", "公共场所卫生许可")),
    (("游泳馆", "健身房", "健身中心", "瑜伽馆", "健身"), ("健身房", "公共场所卫生许可")),
    (("注册一个公司", "注册个公司", "成立个公司"), ("企业开办", "企业设立登记")),
    (("歌厅", "KTV", "ktv", "卡拉OK", "酒吧"), ("娱乐场所",)),
    (("网吧", "网咖"), ("互联网上网服务营业场所", "网吧")),
    (("卖烟", "烟草证", "烟草专卖", "烟酒店", "卖酒"), ("烟酒店", "酒类商品零售")),
    (("开书店", "卖书"), ("出版物零售",)),
    (("装修", "盖房子", "建房子", "开工"), ("施工许可", "建设工程")),
    (("马路", "路面", "街道"), ("城市道路",)),
    (("消防证", "消防手续"), ("消防安全检查", "消防")),
    # 户籍 / 婚姻 / 民政
    (("上户口", "报户口", "新生儿", "生孩子", "生小孩", "宝宝出生"), ("出生登记", "出生")),
    (("办身份证", "换身份证", "身份证过期"), ("居民身份证",)),
    (("身份证丢了", "身份证掉了", "身份证不见了", "身份证丢失"), ("居民身份证", "身份证补领"), 1.0),
    (("到期", "过期", "续期", "延期", "续办"), ("延续", "换领", "换发"), 0.6),
    (("领证", "结婚", "领结婚证"), ("结婚登记",)),
    (("离婚",), ("离婚登记",)),
    (("迁户口", "落户", "户口迁移"), ("户口迁移",)),
    (("迁到", "迁入", "迁进", "迁来", "户口迁过来", "户口落到"), ("户口迁入", "落户")),
    (("结婚证", "离婚证"), ("婚姻登记证",)),
    (("养狗", "狗证", "犬证", "宠物狗", "狗狗", "狗要"), ("养犬登记",)),
    (("租出去", "租给别人", "出租房子", "房子出租", "当房东"), ("出租", "房屋出租")),
    (("解押", "还清", "房贷还完", "撤押", "还完贷款"), ("抵押权注销",)),
    (("低保", "生活困难", "吃不上饭"), ("最低生活保障",)),
    (("残疾证", "残疾"), ("残疾人证",)),
    (("养老院",), ("养老机构",)),
    (("生育津贴", "生孩子报销", "产假工资"), ("生育保险",)),
    (("贷款创业", "创业贷款", "创业借钱", "创业要贷款"), ("创业担保贷款",)),
]

# Words jieba should keep whole (besides every phrase above and every item and bundle alias).
DOMAIN_WORDS = (
    "一件事", "社会保障卡", "社保卡", "营业执照", "餐饮店", "食品经营许可", "公共场所卫生许可", "特种行业许可证",
    "劳动合同", "解除终止劳动合同", "职工退休", "失业保险金", "就业创业证", "人事档案", "高校毕业生", "灵活就业",
    "医保", "社保", "养老保险", "工伤认定", "异地就医", "居民身份证", "户口簿", "个体工商户", "消防安全检查",
    "施工许可", "环评", "不动产", "公积金", "药品经营许可", "药店", "旅馆", "小饭馆", "开饭店",
)

# Words that carry no meaning for finding a service.
_STOPWORD_TEXT = """
我 我们 你 你们 他 她 它 想 想要 要 我要 我想 需要 怎么 怎么办 怎样 如何 哪里 在哪 在哪里 去哪 去哪里 什么 啥 吗 呢 吧 啊 呀 了 的 地 得 着 过
个 一个 一下 下 能 能不能 可以 可不可以 该 应该 是 有 没有 和 与 及 或 还 也 就 都 又 请问 请 问 你好 您好 谢谢 麻烦 帮 帮我 给 把 被
办 办理 办个 去办 要办 手续 流程 哪些 多久 多少 几天 这个 那个 一些 这 那 从 在 到 对 为 于 让 自己 家 里 上 中 后 前 时候 现在 刚 刚刚
以及 等 等等 及其 其 相关 有关 进行 申请 申办 申领 事 事情 东西 ， 。 ？ ！ 、 ： ； （ ） “ ” 《 》 , . ? ! : ; ( ) " ' - _ / \\ ~ …
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# --- English ---------------------------------------------------------------------------------------------------
# English names and aliases of items, bundles, departments and materials are indexed as they are; these rows add
# what foreign residents say for things the catalog names differently. Each row: (English phrases, catalog words
# in Chinese[, weight]); a phrase matches when its words appear in the query in order (stems, stopwords ignored).
EN_SYNONYMS: list[tuple[tuple[str, ...], tuple[str, ...]] | tuple[tuple[str, ...], tuple[str, ...], float]] = [
    (("restaurant", "eatery", "diner", "canteen", "food shop", "noodle shop", "open a cafe"), ("餐饮", "餐饮店")),
    (("lost my job", "lost job", "lose my job", "jobless", "unemployed", "unemployment", "laid off", "out of work",
      "no job", "redundant", "made redundant"), ("失业", "失业登记", "失业保险金")),
    (("fired", "quit my job", "resign", "resignation", "dismissed", "leave my job", "left my job"),
     ("解除终止劳动合同", "失业")),
    (("social security card", "social insurance card", "ss card", "medical insurance card", "citizen card"),
     ("社会保障卡",)),
    (("lost", "missing", "stolen", "replace", "replacement", "damaged"), ("补领", "补换", "挂失", "遗失"), 0.3),
    (("id card", "identity card", "resident id", "national id"), ("居民身份证",)),
    (("household registration", "hukou", "residence booklet"), ("户口", "户籍")),
    (("passport",), ("普通护照", "护照")),
    (("travel permit", "exit permit", "hong kong macau permit", "hong kong macao permit", "taiwan permit",
      "home return permit"), ("出入境", "通行证")),
    (("housing fund", "provident fund", "housing provident fund", "gjj"), ("住房公积金", "公积金")),
    (("withdraw", "withdrawal", "take out", "cash out"), ("提取",)),
    (("second hand home", "second hand flat", "second hand house", "resale", "sell my home", "sell my flat",
      "buy a flat", "buy a home", "buy a house", "property transfer", "transfer a house"), ("二手房", "转移登记")),
    (("property registration", "real estate registration", "title deed", "property certificate"),
     ("不动产登记", "不动产权证书")),
    (("pension", "retire", "retirement", "old age insurance"), ("退休", "养老保险")),
    (("baby", "newborn", "birth", "give birth"), ("出生", "新生儿")),
    (("marry", "married", "marriage", "wedding"), ("结婚登记", "结婚")),
    (("divorce",), ("离婚登记",)),
    (("death", "died", "passed away", "funeral"), ("身后事", "死亡", "丧葬补助金")),
    (("business licence", "register a company", "start a company", "open a company", "set up a company"),
     ("企业开办", "企业设立登记", "营业执照")),
    (("hotel", "guesthouse", "hostel", "inn"), ("旅馆", "宾馆", "特种行业")),
    (("pharmacy", "drugstore", "chemist"), ("药店", "药品经营")),
    (("tax", "taxes", "tax office"), ("税务",), 0.5),
    (("tax registration", "register for tax"), ("税务登记",)),
    (("invoice", "fapiao"), ("发票",)),
    (("medical insurance", "health insurance", "medicare"), ("医疗保险", "医保")),
    (("social insurance", "social security"), ("社会保险", "社保"), 0.6),
    (("paid off", "pay off", "repaid", "release mortgage", "discharge mortgage", "mortgage release"),
     ("抵押权注销",)),
    (("work injury", "injured at work", "hurt at work"), ("工伤", "工伤认定")),
    (("disability", "disabled"), ("残疾人",)),
    (("school", "enrol", "enrolment", "primary school"), ("入学", "上学")),
    (("driving licence", "driver licence", "driver's licence"), ("驾驶证",)),
    (("residence permit",), ("居住证",)),
    (("public institution", "public sector job", "public service unit"), ("事业单位",)),
    (("hire", "hiring", "recruit", "employ staff"), ("招用", "招聘")),
    (("hair salon", "barber", "beauty salon", "nail salon"), ("美容美发店",)),
    (("gym", "fitness"), ("健身房",)),
]

# Words that carry no meaning for finding a service, in English.
EN_STOPWORDS = frozenset(["a", "an", "the", "i", "me", "my", "mine", "we", "our", "you", "your", "he", "she", "it", "its", "they", "them", "their", "to", "of", "in", "on", "at", "for", "from", "by", "with", "and", "or", "but", "is", "am", "are", "was", "were", "be", "been", "being", "do", "does", "did", "done", "have", "has", "had", "can", "could", "would", "should", "will", "shall", "may", "might", "must", "how", "what", "where", "when", "which", "who", "why", "please", "help", "want", "wanna", "need", "needs", "like", "would", "get", "got", "getting", "apply", "applying", "application", "this", "that", "these", "those", "there", "here", "some", "any", "about", "into", "up", "out", "just", "also", "so", "if", "not", "no", "yes", "hi", "hello", "thanks", "thank", "sir", "madam", "im", "ok", "okay", "go", "going", "know", "tell", "find", "looking", "look"]) - {"no", "out", "up"}

# Spellings that mean the same word (stems are compared after this).
EN_VARIANTS = {"license": "licence", "licenses": "licence", "licensed": "licence", "center": "centre",
               "centers": "centre", "organization": "organisation", "enroll": "enrol", "enrollment": "enrolment",
               "apartment": "flat", "apartments": "flat", "labor": "labour", "program": "programme",
               "cafes": "cafe", "secondhand": "second", "children": "child", "kids": "child", "kid": "child"}
