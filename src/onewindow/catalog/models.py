"""The service catalog (事项库): departments, window categories, service items and their materials.

Field meanings follow GB/T 39046-2020 table 4 and the national exchange tables; codes are stored as
opaque strings because their layout differs by province.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.events import AppendOnlyEvent


class Department(models.Model):
    code = models.CharField(_("部门编码"), max_length=32, unique=True)
    name = models.CharField(_("部门名称"), max_length=200)
    name_en = models.CharField(_("部门名称（英文）"), max_length=200, blank=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    short_name_en = models.CharField(_("简称（英文）"), max_length=100, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("上级部门"))
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    region = models.ForeignKey("core.Region", to_field="code", db_column="region", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="departments", verbose_name=_("行政区划"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name


class WindowCategory(models.Model):
    """A kind of comprehensive window (综合窗口类别), e.g. 社会民生, 经营管理, 工程建设, 人社综合."""

    code = models.CharField(_("类别编码"), max_length=32, unique=True)
    name = models.CharField(_("类别名称"), max_length=50)
    name_en = models.CharField(_("类别名称（英文）"), max_length=100, blank=True)
    default_ticket_prefix = models.CharField(_("默认取号字母"), max_length=2, blank=True)
    description = models.TextField(_("说明"), blank=True)
    description_en = models.TextField(_("说明（英文）"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("窗口类别")
        verbose_name_plural = _("窗口类别")

    def __str__(self) -> str:
        return self.name


class CanonicalMaterial(models.Model):
    """One real-world document. Item materials point here so a document needed by several items is asked once."""

    code = models.CharField(_("材料编码"), max_length=40, unique=True)
    name = models.CharField(_("材料名称"), max_length=200, unique=True)
    name_en = models.CharField(_("材料名称（英文）"), max_length=300, blank=True)
    aliases_en = models.CharField(_("英文别名"), max_length=400, blank=True, help_text=_("逗号分隔，供智能导办检索"))
    description = models.TextField(_("说明"), blank=True)
    issuer = models.CharField(_("出具单位"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("标准材料")
        verbose_name_plural = _("标准材料")

    def __str__(self) -> str:
        return self.name


class ItemType(models.TextChoices):
    """GB/T 39046-2020 附录A.1 事项类型."""

    ADMINISTRATIVE_POWER = "00", _("行政权力事项")
    LICENSING = "01", _("行政许可")
    PENALTY = "02", _("行政处罚")
    ENFORCEMENT = "03", _("行政强制")
    LEVY = "04", _("行政征收")
    PAYMENT = "05", _("行政给付")
    INSPECTION = "06", _("行政检查")
    CONFIRMATION = "07", _("行政确认")
    REWARD = "08", _("行政奖励")
    ADJUDICATION = "09", _("行政裁决")
    OTHER = "10", _("其他行政权力")
    PUBLIC_SERVICE = "20", _("公共服务")


class ExerciseLevel(models.TextChoices):
    """附录A.2 行使层级."""

    NATIONAL = "1", _("国家级")
    PROVINCE = "2", _("省级")
    CITY = "3", _("市级")
    COUNTY = "4", _("县级")
    TOWN = "5", _("镇（乡、街道）级")
    VILLAGE = "6", _("村（社区）级")


class HandlingType(models.TextChoices):
    """附录A.6 办件类型."""

    INSTANT = "1", _("即办件")
    PROMISED = "2", _("承诺件")


class LimitUnit(models.TextChoices):
    WORKDAY = "wd", _("工作日")
    NATURAL_DAY = "nd", _("自然日")


class Audience(models.TextChoices):
    PERSON = "person", _("个人")
    ENTERPRISE = "enterprise", _("法人")
    BOTH = "both", _("个人和法人")


class OnlineDepth(models.IntegerChoices):
    """网上办理深度 (highest level reached); 5 with 0 visits is 全程网办."""

    CONSULT = 1, _("互联网咨询")
    RECEIVE = 2, _("互联网收件")
    PRE_REVIEW = 3, _("互联网预审")
    ACCEPT = 4, _("互联网受理")
    HANDLE = 5, _("互联网办理（全程网办）")


class SpeedUp(models.TextChoices):
    """提速办: an item chosen for a faster promise (备选) and one that reached the ministry's compressed limit."""

    NONE = "", _("否")
    CANDIDATE = "candidate", _("备选")
    ACHIEVED = "achieved", _("已达标")


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class ServiceItem(models.Model):
    name = models.CharField(_("事项名称"), max_length=200)
    name_en = models.CharField(_("事项名称（英文）"), max_length=300, blank=True)
    basic_code = models.CharField(_("基本编码"), max_length=12, blank=True)
    code = models.CharField(_("实施编码"), max_length=36, unique=True)
    item_type = models.CharField(_("事项类型"), max_length=2, choices=ItemType.choices, default=ItemType.PUBLIC_SERVICE)
    exercise_level = models.CharField(_("行使层级"), max_length=1, choices=ExerciseLevel.choices, default=ExerciseLevel.COUNTY)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="items", verbose_name=_("实施主体"))
    handling_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL,
                                            related_name="handled_items", verbose_name=_("承办机构"),
                                            help_text=_("实际承办的内设或下属机构；为空时即实施主体"))
    window_category = models.ForeignKey(WindowCategory, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="items", verbose_name=_("受理窗口类别"))
    legal_limit = models.PositiveIntegerField(_("法定办结时限"), default=20)
    legal_limit_unit = models.CharField(_("法定时限单位"), max_length=2, choices=LimitUnit.choices, default=LimitUnit.WORKDAY)
    promised_limit = models.PositiveIntegerField(_("承诺办结时限"), default=10, help_text=_("即办件填 0"))
    promised_limit_unit = models.CharField(_("承诺时限单位"), max_length=2, choices=LimitUnit.choices, default=LimitUnit.WORKDAY)
    handling_type = models.CharField(_("办件类型"), max_length=1, choices=HandlingType.choices, default=HandlingType.PROMISED)
    acceptance_conditions = models.TextField(_("受理条件"), blank=True)
    process_steps = models.TextField(_("办理流程"), blank=True, help_text=_("每行一个环节"))
    result_name = models.CharField(_("审批结果名称"), max_length=200, blank=True)
    result_name_en = models.CharField(_("审批结果名称（英文）"), max_length=300, blank=True)
    has_fee = models.BooleanField(_("是否收费"), default=False)
    fee_basis = models.TextField(_("收费依据及标准"), blank=True)
    audience = models.CharField(_("服务对象"), max_length=12, choices=Audience.choices, default=Audience.PERSON)
    handling_forms = models.CharField(_("办理形式"), max_length=40, blank=True, default="1",
                                      help_text=_("附录A.5 代码，逗号分隔：1窗口办理 2网上办理 3移动端 4快递申请"))
    online_depth = models.PositiveSmallIntegerField(_("网上办理深度"), choices=OnlineDepth.choices, default=OnlineDepth.PRE_REVIEW)
    max_visits = models.PositiveSmallIntegerField(_("到办事现场次数"), default=1)
    visits_reason = models.CharField(_("必须现场办理原因"), max_length=200, blank=True)
    supports_appointment = models.BooleanField(_("支持预约办理"), default=True)
    supports_post = models.BooleanField(_("支持物流快递"), default=False)
    supports_online_payment = models.BooleanField(_("支持网上支付"), default=False)
    place = models.CharField(_("办理地点"), max_length=200, blank=True)
    hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    consult_phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("监督投诉电话"), max_length=40, blank=True)
    legal_basis = models.TextField(_("设定依据"), blank=True)
    description = models.TextField(_("事项说明"), blank=True)
    aliases = models.CharField(_("别名/俗称"), max_length=400, blank=True, help_text=_("逗号分隔，供智能导办检索"))
    aliases_en = models.CharField(_("英文别名"), max_length=600, blank=True, help_text=_("逗号分隔，供智能导办检索"))
    speedup = models.CharField(_("提速办"), max_length=10, choices=SpeedUp.choices, default=SpeedUp.NONE, blank=True)
    speedup_before_limit = models.PositiveIntegerField(_("提速前承诺时限"), null=True, blank=True,
                                                       help_text=_("列入提速办前的承诺办结时限（工作日）"))
    speedup_standard_limit = models.PositiveIntegerField(_("部定压缩标准"), null=True, blank=True,
                                                         help_text=_("部委规定的压缩后时限（工作日，0 为即办）"))
    faq = models.TextField(_("常见问题"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.DRAFT, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["department__sort_order", "code"]
        verbose_name = _("政务服务事项")
        verbose_name_plural = _("政务服务事项")
        indexes = [models.Index(fields=["status", "department"]), models.Index(fields=["status", "window_category"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(online_depth__gte=1, online_depth__lte=5), name="item_online_depth_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def case_department_id(self) -> int:
        """Where a case of this item goes (柜员跑腿 to the back office): the handling unit (a bureau's business
        centre) when there is one, else the implementing department; the bureau above supervises."""
        return self.handling_department_id or self.department_id

    @property
    def meets_speedup_standard(self) -> bool | None:
        """提速办: whether the promised limit is at or below the ministry's compressed standard (部定压缩标准);
        None when the item has no standard recorded."""
        if self.speedup_standard_limit is None:
            return None
        return self.promised_limit <= self.speedup_standard_limit

    @property
    def speedup_ratio(self) -> float | None:
        """The promised limit as a share of the limit before 提速办 (0.5: cut to half); None without a before."""
        if not self.speedup_before_limit:
            return None
        return self.promised_limit / self.speedup_before_limit

    @property
    def is_instant(self) -> bool:
        return self.handling_type == HandlingType.INSTANT

    @property
    def fully_online(self) -> bool:
        return self.online_depth == OnlineDepth.HANDLE and self.max_visits == 0


class ItemHistory(models.Model):
    """A snapshot of an item's limits and visits per version, so reform metrics can compare before and after."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="history", verbose_name=_("事项"))
    version = models.PositiveIntegerField(_("版本"))
    effective_from = models.DateField(_("生效日期"))
    legal_limit = models.PositiveIntegerField(_("法定办结时限"))
    promised_limit = models.PositiveIntegerField(_("承诺办结时限"))
    handling_type = models.CharField(_("办件类型"), max_length=1, choices=HandlingType.choices)
    max_visits = models.PositiveSmallIntegerField(_("到办事现场次数"))
    material_count = models.PositiveSmallIntegerField(_("材料数"), default=0)
    online_depth = models.PositiveSmallIntegerField(_("网上办理深度"), choices=OnlineDepth.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    changed_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("修改人"))
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True)

    class Meta:
        ordering = ["item", "version"]
        verbose_name = _("事项历史版本")
        verbose_name_plural = _("事项历史版本")
        constraints = [models.UniqueConstraint(fields=["item", "version"], name="item_history_unique_version")]

    def __str__(self) -> str:
        return f"{self.item} · v{self.version}"


class ItemEvent(AppendOnlyEvent):
    """An item's moves between draft, published and retired (publish / retire), one row each."""

    subject_field = "item"
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="events", verbose_name=_("事项"))

    class Meta(AppendOnlyEvent.Meta):
        verbose_name = _("事项状态变更")
        verbose_name_plural = _("事项状态变更")
        indexes = [models.Index(fields=["item", "at"], name="catalog_item_event_item_at")]


class MaterialSource(models.TextChoices):
    APPLICANT = "10", _("申请人自备")
    GOVERNMENT = "20", _("政府部门核发")
    INTERMEDIARY = "30", _("中介机构出具")
    SHARED = "40", _("数据共享免提交")


class MaterialNecessity(models.TextChoices):
    REQUIRED = "1", _("必要")
    OPTIONAL = "2", _("非必要")
    DEFERRABLE = "3", _("容缺后补")


class MaterialForm(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子")
    BOTH = "both", _("纸质+电子")


class ItemMaterial(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials", verbose_name=_("事项"))
    material = models.ForeignKey(CanonicalMaterial, on_delete=models.PROTECT, related_name="uses", verbose_name=_("标准材料"))
    source = models.CharField(_("来源渠道"), max_length=2, choices=MaterialSource.choices, default=MaterialSource.APPLICANT)
    necessity = models.CharField(_("必要性"), max_length=1, choices=MaterialNecessity.choices, default=MaterialNecessity.REQUIRED)
    originals = models.PositiveSmallIntegerField(_("原件份数"), default=1)
    copies = models.PositiveSmallIntegerField(_("复印件份数"), default=0)
    form = models.CharField(_("材料形式"), max_length=10, choices=MaterialForm.choices, default=MaterialForm.BOTH)
    paper_size = models.CharField(_("纸质规格"), max_length=10, blank=True, default="A4")
    has_blank_form = models.BooleanField(_("有空白表格"), default=False)
    has_sample = models.BooleanField(_("有示例样表"), default=False)
    notes = models.TextField(_("填报须知/备注"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["item", "order", "id"]
        verbose_name = _("事项材料")
        verbose_name_plural = _("事项材料")
        constraints = [
            models.UniqueConstraint(fields=["item", "material"], name="item_material_unique"),
            models.CheckConstraint(condition=models.Q(originals__gt=0) | models.Q(copies__gt=0) | models.Q(source="40"),
                                   name="item_material_needs_a_copy_or_original"),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.material}"

