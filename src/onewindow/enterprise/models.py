"""Enterprise services: the policy fulfilment window (政策兑现), growth classes (企业成长课堂) and the industry
comprehensive licence (一业一证).

Enterprise names, credit codes and what was paid to them are public business data; the people behind them
(contacts, sign-up names) are not and never appear on public pages.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.events import AppendOnlyEvent


class Industry(models.TextChoices):
    """Industries a policy may name (国民经济行业分类 sections, narrowed to what the district's policies use)."""

    MANUFACTURING = "manufacturing", _("制造业")
    SOFTWARE = "software", _("软件和信息技术服务业")
    WHOLESALE_RETAIL = "wholesale_retail", _("批发和零售业")
    PHARMACY = "pharmacy", _("药品零售业")
    LOGISTICS = "logistics", _("交通运输和仓储物流业")
    HOSPITALITY = "hospitality", _("住宿和餐饮业")
    FINANCE = "finance", _("金融业")
    BUSINESS_SERVICES = "business_services", _("租赁和商务服务业")
    RESEARCH = "research", _("科学研究和技术服务业")
    CULTURE = "culture", _("文化、体育和娱乐业")
    OTHER = "other", _("其他行业")


class Enterprise(models.Model):
    """An enterprise's profile: what the platform knows when it checks a policy's conditions."""

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("企业名称"), max_length=200)
    name_en = models.CharField(_("企业名称（英文）"), max_length=200, blank=True)
    registered_capital = models.DecimalField(_("注册资本（万元）"), max_digits=14, decimal_places=2,
                                             default=Decimal("0"))
    industry = models.CharField(_("行业"), max_length=20, choices=Industry.choices, default=Industry.OTHER)
    founded_on = models.DateField(_("成立日期"))
    declared_employees = models.PositiveIntegerField(_("申报从业人数"), default=0)
    # the enterprise's own account (an applicant signs in as a citizen/enterprise user)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="enterprises", verbose_name=_("企业账号"))
    created_at = models.DateTimeField(_("建档时间"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")

    def __str__(self) -> str:
        return self.name


class HiringRecord(models.Model):
    """用工备案: hires and departures filed for an enterprise. When an enterprise has any, its employee count is
    derived from them rather than taken from its declaration."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="hiring_records",
                                   verbose_name=_("企业"))
    filed_on = models.DateField(_("备案日期"))
    hired = models.PositiveIntegerField(_("招用人数"), default=0)
    left = models.PositiveIntegerField(_("解除/终止人数"), default=0)
    reference = models.CharField(_("备案编号"), max_length=40, blank=True)

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("用工备案")
        verbose_name_plural = _("用工备案")


# --------------------------------------------------------------------------- 政策兑现


class Policy(models.Model):
    """A policy whose benefit enterprises can claim at the window: who issues it, on what basis, for whom."""

    code = models.CharField(_("政策编码"), max_length=32, unique=True)
    title = models.CharField(_("政策名称"), max_length=200)
    title_en = models.CharField(_("政策名称（英文）"), max_length=200, blank=True)
    department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, related_name="policies",
                                   verbose_name=_("兑现部门"))
    basis = models.TextField(_("政策依据"))
    summary = models.TextField(_("兑现内容"), blank=True)
    # checkable conditions over the enterprise's facts, see enterprise/rules.py
    rules = models.JSONField(_("申报条件"), default=list, blank=True)
    amount_fixed = models.DecimalField(_("定额（元）"), max_digits=14, decimal_places=2, default=Decimal("0"))
    amount_per_employee = models.DecimalField(_("按人数（元/人）"), max_digits=14, decimal_places=2,
                                              default=Decimal("0"))
    amount_cap = models.DecimalField(_("上限（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    opens_on = models.DateField(_("申报开始"))
    closes_on = models.DateField(_("申报截止"))
    review_workdays = models.PositiveIntegerField(_("审核时限（工作日）"), default=10)
    materials = models.JSONField(_("申报材料"), default=list, blank=True)
    published = models.BooleanField(_("已发布"), default=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        ordering = ["-opens_on", "code"]
        verbose_name = _("兑现政策")
        verbose_name_plural = _("兑现政策")

    def __str__(self) -> str:
        return self.title


class PolicyApplication(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("审核通过")
        REJECTED = "rejected", _("不予兑现")
        PAID = "paid", _("已兑付")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上申报")
        WINDOW = "window", _("窗口代办")

    number = models.CharField(_("申报编号"), max_length=24, unique=True)
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="applications",
                               verbose_name=_("政策"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="policy_applications",
                                   verbose_name=_("企业"))
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    # the facts and rule results at submission: what the reviewer sees is what the enterprise was checked on
    eligibility = models.JSONField(_("条件核验"), default=dict, blank=True)
    amount_computed = models.DecimalField(_("测算金额（元）"), max_digits=14, decimal_places=2)
    amount_approved = models.DecimalField(_("核定金额（元）"), max_digits=14, decimal_places=2, null=True,
                                          blank=True)
    submitted_at = models.DateTimeField(_("申报时间"))
    due_on = models.DateField(_("审核期限"))
    due_provisional = models.BooleanField(_("期限待定（日历未公布）"), default=False)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)
    paid_amount = models.DecimalField(_("兑付金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    paid_on = models.DateField(_("兑付日期"), null=True, blank=True)
    payment_reference = models.CharField(_("兑付凭证号"), max_length=60, blank=True)
    idempotency_scope = models.CharField(max_length=80, blank=True)
    idempotency_key = models.CharField(max_length=120, blank=True)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("政策兑现申报")
        verbose_name_plural = _("政策兑现申报")
        constraints = [
            # one live claim per enterprise and policy: a rejected or withdrawn one may be filed again
            models.UniqueConstraint(fields=["policy", "enterprise"], name="policy_application_one_live",
                                    condition=models.Q(status__in=["submitted", "approved", "paid"])),
            models.UniqueConstraint(fields=["idempotency_scope", "idempotency_key"],
                                    name="policy_application_idempotency",
                                    condition=~models.Q(idempotency_key="")),
        ]
        indexes = [models.Index(fields=["policy", "status"], name="policy_app_policy_status")]

    def __str__(self) -> str:
        return self.number


class PolicyApplicationEvent(AppendOnlyEvent):
    subject_field = "application"
    application = models.ForeignKey(PolicyApplication, on_delete=models.CASCADE, related_name="events")


# --------------------------------------------------------------------------- 企业成长课堂


class Topic(models.TextChoices):
    TAX = "tax", _("税务")
    HIRING = "hiring", _("用工")
    TALENT = "talent", _("人才落户")
    FINANCE = "finance", _("融资")
    POLICY = "policy", _("惠企政策")
    OTHER = "other", _("其他")


class ClassSession(models.Model):
    """A free class of 企业成长课堂 for start-up and growing firms."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("报名中")
        CANCELLED = "cancelled", _("已取消")

    topic = models.CharField(_("主题"), max_length=10, choices=Topic.choices)
    title = models.CharField(_("课程"), max_length=200)
    title_en = models.CharField(_("课程（英文）"), max_length=200, blank=True)
    speaker_department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT,
                                           related_name="growth_classes", verbose_name=_("主讲部门"))
    place = models.CharField(_("地点"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("成长课堂")
        verbose_name_plural = _("成长课堂")

    def __str__(self) -> str:
        return self.title


class ClassRegistration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("已报名")
        WAITING = "waiting", _("候补")
        ATTENDED = "attended", _("已签到")
        CANCELLED = "cancelled", _("已取消")

    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="registrations",
                                verbose_name=_("课程"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="class_registrations",
                                   verbose_name=_("企业"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    registered_at = models.DateTimeField(_("报名时间"))
    # a random part of the QR token: a new one each time a seat is given, so an old token cannot be reused
    nonce = models.CharField(max_length=32)
    attended_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["registered_at", "id"]
        verbose_name = _("课堂报名")
        verbose_name_plural = _("课堂报名")
        constraints = [
            models.UniqueConstraint(fields=["session", "enterprise"], name="class_registration_one_live",
                                    condition=~models.Q(status="cancelled")),
        ]


class ClassRegistrationEvent(AppendOnlyEvent):
    subject_field = "registration"
    registration = models.ForeignKey(ClassRegistration, on_delete=models.CASCADE, related_name="events")


class ClassFeedback(models.Model):
    """After the class, from an enterprise that attended: once."""

    registration = models.OneToOneField(ClassRegistration, on_delete=models.CASCADE, related_name="feedback",
                                        verbose_name=_("报名"))
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.TextField(_("意见"), blank=True)
    given_at = models.DateTimeField(_("评价时间"))

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("课堂评价")
        verbose_name_plural = _("课堂评价")
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5),
                                              name="class_feedback_score_1_5")]


# --------------------------------------------------------------------------- 一业一证


class IndustryLicence(models.Model):
    """行业综合许可证: one licence and one QR code standing for several permits of one industry."""

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已注销")

    number = models.CharField(_("许可证编号"), max_length=40, unique=True)
    title = models.CharField(_("许可证名称"), max_length=200)
    title_en = models.CharField(_("许可证名称（英文）"), max_length=200, blank=True)
    industry = models.CharField(_("行业"), max_length=20, choices=Industry.choices)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="licences",
                                   verbose_name=_("企业"))
    department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT,
                                   related_name="industry_licences", verbose_name=_("发证部门"))
    issued_on = models.DateField(_("发证日期"))
    first_in_province = models.BooleanField(_("全省首张"), default=False)
    # what the QR code carries: random, never the id, so licences cannot be walked
    token = models.CharField(max_length=64, unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.VALID)
    revoke_reason = models.TextField(_("注销原因"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("行业综合许可证")
        verbose_name_plural = _("行业综合许可证")

    def __str__(self) -> str:
        return self.number


class LicencePermit(models.Model):
    """One of the permits an industry licence stands for."""

    licence = models.ForeignKey(IndustryLicence, on_delete=models.CASCADE, related_name="permits",
                                verbose_name=_("综合许可证"))
    name = models.CharField(_("许可名称"), max_length=200)
    name_en = models.CharField(_("许可名称（英文）"), max_length=200, blank=True)
    number = models.CharField(_("许可编号"), max_length=60)
    department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("许可部门"))
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("分项许可")
        verbose_name_plural = _("分项许可")

    def __str__(self) -> str:
        return f"{self.name} {self.number}"


class LicenceEvent(AppendOnlyEvent):
    subject_field = "licence"
    licence = models.ForeignKey(IndustryLicence, on_delete=models.CASCADE, related_name="events")
