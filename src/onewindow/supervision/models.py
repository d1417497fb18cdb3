"""Supervision (严监管): inspections, automated monitors and their findings, rectification notices (整改通知单),
monthly department scores and the ranking.

Every state change of an inspection, finding or notice writes one append-only event row; findings are unique
per (monitor, target) while open, so a monitor run never duplicates them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.core.events import AppendOnlyEvent


class PointGroup(models.TextChoices):
    FACILITIES = "facilities", _("设施设备")
    ATTIRE = "attire", _("着装与工作牌")
    FEES = "fees", _("收费公示")
    DISCIPLINE = "discipline", _("服务纪律")
    CLEANLINESS = "cleanliness", _("环境卫生")
    GUIDES = "guides", _("办事指南准确性")
    NORMS = "norms", _("五制、四公开、三亮明")


class ChecklistTemplate(models.Model):
    code = models.SlugField(_("模板代码"), max_length=40, unique=True)
    name = models.CharField(_("模板名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("检查表模板")
        verbose_name_plural = _("检查表模板")

    def __str__(self) -> str:
        return self.name


class ChecklistPoint(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="points",
                                 verbose_name=_("模板"))
    group = models.CharField(_("检查类别"), max_length=16, choices=PointGroup.choices)
    code = models.SlugField(_("检查点代码"), max_length=40)
    text = models.CharField(_("检查内容"), max_length=300)
    guidance = models.CharField(_("检查方法/标准"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["template", "order", "id"]
        verbose_name = _("检查点")
        verbose_name_plural = _("检查点")
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="sv_point_unique_code")]

    def __str__(self) -> str:
        return self.text


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("检查中")
    SUBMITTED = "submitted", _("已提交")


class Inspection(models.Model):
    number = models.CharField(_("检查编号"), max_length=30, unique=True)
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="inspections",
                                 verbose_name=_("检查表"))
    hall = models.ForeignKey("hall.Hall", on_delete=models.PROTECT, related_name="+", verbose_name=_("大厅"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("检查人"))
    status = models.CharField(_("状态"), max_length=10, choices=InspectionStatus.choices,
                              default=InspectionStatus.DRAFT)
    note = models.TextField(_("总体意见"), blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("现场检查")
        verbose_name_plural = _("现场检查")

    def __str__(self) -> str:
        return self.number


class InspectionResult(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    point = models.ForeignKey(ChecklistPoint, on_delete=models.PROTECT, related_name="+", verbose_name=_("检查点"))
    passed = models.BooleanField(_("合格"), null=True)
    note = models.TextField(_("说明"), blank=True)
    photo = models.FileField(_("照片"), upload_to="supervision/%Y/%m/", max_length=200, blank=True)
    photo_type = models.CharField(max_length=40, blank=True)
    photo_size = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("记录时间"))

    class Meta:
        ordering = ["inspection", "point__order", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "point"], name="sv_result_unique_point")]


class InspectionEvent(AppendOnlyEvent):
    """started (→ draft), recorded (a point marked; no move: `data` holds the point and the verdict),
    submitted (draft → submitted)."""

    subject_field = "inspection"
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="events")


class FindingState(models.TextChoices):
    OPEN = "open", _("未解决")
    RESOLVED = "resolved", _("已解决")


class Finding(models.Model):
    """One breach seen by a monitor (or a failed inspection point), linked to its record by type and id."""

    monitor = models.CharField(_("监测规则"), max_length=40, db_index=True)
    kind = models.CharField(_("类别"), max_length=20)  # catalog / case / feedback / hall / inspection
    severity = models.CharField(_("严重程度"), max_length=8, default="warn")  # warn / high
    target_type = models.CharField(_("对象类型"), max_length=40)
    target_id = models.CharField(_("对象编号"), max_length=40)
    target_label = models.CharField(_("对象"), max_length=300)
    message = models.CharField(_("问题"), max_length=500)
    department = models.ForeignKey("catalog.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("责任部门"))
    hall = models.ForeignKey("hall.Hall", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("大厅"))
    inspection_result = models.ForeignKey(InspectionResult, null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="findings")
    state = models.CharField(_("状态"), max_length=10, choices=FindingState.choices, default=FindingState.OPEN)
    first_seen = models.DateTimeField(_("首次发现"))
    last_seen = models.DateTimeField(_("最近发现"))
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)

    class Meta:
        ordering = ["-last_seen", "-id"]
        verbose_name = _("监测发现")
        verbose_name_plural = _("监测发现")
        constraints = [
            models.UniqueConstraint(fields=["monitor", "target_type", "target_id"], condition=Q(state="open"),
                                    name="sv_finding_one_open_per_target"),
        ]
        indexes = [models.Index(fields=["state", "monitor"]), models.Index(fields=["department", "state"])]

    def __str__(self) -> str:
        return f"{self.monitor}:{self.target_label}"


class FindingEvent(AppendOnlyEvent):
    """opened (→ open; `correlation` = the inspection that found it) and resolved (open → resolved: by a monitor
    that no longer sees the breach, by a supervisor, or by accepting the notice raised from it)."""

    subject_field = "finding"
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")


class MonitorRun(models.Model):
    started_at = models.DateTimeField(_("开始"))
    finished_at = models.DateTimeField(_("结束"), null=True, blank=True)
    trigger = models.CharField(_("触发方式"), max_length=12)  # nightly / manual / command
    opened = models.PositiveIntegerField(_("新发现"), default=0)
    resolved = models.PositiveIntegerField(_("已解决"), default=0)
    still_open = models.PositiveIntegerField(_("仍存在"), default=0)
    per_monitor = models.JSONField(default=dict, blank=True)
    # What the run watched, per county-level region code: {"350206": {"items": 513, "halls": 64}} (published
    # items by their department's district, active halls by theirs). Recorded by each run as it ran, so a year's
    # coverage reads back from its runs, whatever the catalog holds today.
    targets = models.JSONField(_("监测对象"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("监测运行")
        verbose_name_plural = _("监测运行")


class NoticeSource(models.TextChoices):
    FINDING = "finding", _("监测发现")
    RATING = "rating", _("差评")
    SUGGESTION = "suggestion", _("意见建议")
    MANUAL = "manual", _("督查人员直接发起")


class NoticeStatus(models.TextChoices):
    ISSUED = "issued", _("已下发·待整改")
    RESPONDED = "responded", _("已反馈·待验收")
    RETURNED = "returned", _("已退回·重新整改")
    ACCEPTED = "accepted", _("已验收办结")


OPEN_NOTICE_STATUSES = (NoticeStatus.ISSUED, NoticeStatus.RETURNED)


class Notice(models.Model):
    number = models.CharField(_("通知单编号"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    source = models.CharField(_("来源"), max_length=12, choices=NoticeSource.choices)
    source_id = models.CharField(_("来源编号"), max_length=40, blank=True)
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices")
    department = models.ForeignKey("catalog.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("整改单位（部门）"))
    hall = models.ForeignKey("hall.Hall", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("整改单位（大厅）"))
    title = models.CharField(_("标题"), max_length=200)
    problem = models.TextField(_("存在问题"))
    evidence = models.TextField(_("问题依据/证据"), blank=True)
    requirement = models.TextField(_("整改要求"), blank=True)
    workdays = models.PositiveSmallIntegerField(_("整改期限（工作日）"))
    issued_on = models.DateField(_("下发日期"))
    due_on = models.DateField(_("整改期限"))
    due_provisional = models.BooleanField(_("期限暂定"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.ISSUED)
    response = models.TextField(_("整改情况"), blank=True)
    response_evidence = models.TextField(_("整改佐证"), blank=True)
    responded_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    verdict_note = models.TextField(_("验收意见"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    on_time = models.BooleanField(_("按期整改"), null=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("下发人"))
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "-seq"]
        verbose_name = _("整改通知单")
        verbose_name_plural = _("整改通知单")
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="sv_notice_unique_seq"),
            models.CheckConstraint(condition=Q(department__isnull=False) | Q(hall__isnull=False),
                                   name="sv_notice_has_addressee"),
            models.CheckConstraint(condition=Q(workdays__gte=1), name="sv_notice_workdays_positive"),
            models.CheckConstraint(condition=~Q(status="accepted") | Q(closed_at__isnull=False),
                                   name="sv_notice_accepted_is_closed"),
        ]
        indexes = [models.Index(fields=["department", "status"]), models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.number

    @property
    def addressee(self) -> str:
        """The unit the notice is addressed to: its department, else its hall."""
        if self.department is not None:
            return self.department.name
        return self.hall.name if self.hall is not None else ""


class NoticeEvent(AppendOnlyEvent):
    """issued (→ issued), responded, returned, accepted; `reason` holds the response or the verdict."""

    subject_field = "notice"
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="events")


class ScoreWeights(models.Model):
    """Weights of the monthly department score; the active row is used (an admin edits it in /admin/)."""

    name = models.CharField(_("方案名称"), max_length=60, default="默认权重")
    active = models.BooleanField(_("当前使用"), default=True)
    on_time = models.PositiveSmallIntegerField(_("按时办结率权重"), default=30)
    satisfaction = models.PositiveSmallIntegerField(_("好评率权重"), default=25)
    rectification = models.PositiveSmallIntegerField(_("按期整改率权重"), default=20)
    notices = models.PositiveSmallIntegerField(_("收到整改通知权重"), default=15)
    instant = models.PositiveSmallIntegerField(_("即办件占比权重"), default=10)
    inspection = models.PositiveSmallIntegerField(_("现场检查合格率权重（街道排名）"), default=30,
                                                  help_text=_("只用于街道排名：街道便民服务中心及其下社区便民服务站"))
    notice_penalty = models.PositiveSmallIntegerField(_("每份整改通知扣分"), default=10,
                                                      help_text=_("“收到整改通知”一项满分100，每收到一份扣此分数"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评分权重")
        verbose_name_plural = _("评分权重")
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="sv_weights_one_active"),
            models.CheckConstraint(condition=Q(on_time__gt=0) | Q(satisfaction__gt=0) | Q(rectification__gt=0)
                                   | Q(notices__gt=0) | Q(instant__gt=0), name="sv_weights_not_all_zero"),
        ]

    def __str__(self) -> str:
        return self.name


class DepartmentScore(models.Model):
    month = models.DateField(_("月份"))  # first day of the month
    department = models.ForeignKey("catalog.Department", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("部门"))
    total = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("排名"))
    parts = models.JSONField(_("分项"), default=dict)
    weights = models.JSONField(_("权重"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        ordering = ["month", "rank"]
        verbose_name = _("部门月度得分")
        verbose_name_plural = _("部门月度得分")
        constraints = [models.UniqueConstraint(fields=["month", "department"], name="sv_score_unique_month_dept")]


class StreetScore(models.Model):
    """A street's monthly score (街道综合评分): the street's 便民服务中心 and the 社区便民服务站 under it, ranked
    among the streets of its district (`rank` is the rank within the district). Stored like DepartmentScore, so
    a published month is frozen for both rankings."""

    month = models.DateField(_("月份"))  # first day of the month
    street = models.ForeignKey("core.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("街道"))
    total = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("区内排名"))
    parts = models.JSONField(_("分项"), default=dict)
    weights = models.JSONField(_("权重"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        ordering = ["month", "rank"]
        verbose_name = _("街道月度得分")
        verbose_name_plural = _("街道月度得分")
        constraints = [models.UniqueConstraint(fields=["month", "street"], name="sv_street_score_unique_month")]


class RankingPublication(models.Model):
    month = models.DateField(_("月份"), unique=True)
    published = models.BooleanField(_("已向社会公布"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        verbose_name = _("排名公布")
        verbose_name_plural = _("排名公布")
