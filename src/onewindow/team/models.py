"""The window team: monthly assessments of each clerk, the errors inspection found, the exams with their
question bank and attempts, the monthly 政务服务之星 and the commendations (锦旗, 表扬信) received."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.events import AppendOnlyEvent


class AssessmentWeights(models.Model):
    """The weights of the monthly assessment (one row, edited in the admin); the formula is shown on the page."""

    volume = models.PositiveSmallIntegerField(_("办件量权重"), default=30)
    rating = models.PositiveSmallIntegerField(_("好评率权重"), default=40)
    errors = models.PositiveSmallIntegerField(_("差错权重"), default=20)
    punctuality = models.PositiveSmallIntegerField(_("准时签到权重"), default=10)
    error_step = models.PositiveSmallIntegerField(_("每项差错扣分（百分点）"), default=20)
    min_served = models.PositiveIntegerField(_("计分最少服务人次"), default=20,
                                             help_text=_("当月服务人次少于此数的人员显示为无数据，不计分"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("考核权重")
        verbose_name_plural = _("考核权重")

    def __str__(self) -> str:
        return str(_("考核权重"))


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("待发布")
    PUBLISHED = "published", _("已发布")


class Assessment(models.Model):
    """One clerk's month, computed from the records (tickets, ratings, errors, sign-ins) by one service."""

    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_assessments",
                              verbose_name=_("受理人员"))
    month = models.DateField(_("月份"), help_text=_("当月第一天"))
    hall = models.ForeignKey("hall.Hall", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("大厅"))
    counter_kind = models.CharField(_("窗口类型"), max_length=16, blank=True)
    counter = models.ForeignKey("hall.Counter", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("主要窗口"))
    served = models.PositiveIntegerField(_("服务人次"), default=0)
    cases_handled = models.PositiveIntegerField(_("窗口受理办件数"), default=0,
                                                help_text=_("当月由本人接件、受理、容缺受理、不予受理或一次性告知的办件"))
    ratings_active = models.PositiveIntegerField(_("主动评价数"), default=0)
    good_rate = models.FloatField(_("好评率"), null=True, blank=True)
    errors = models.PositiveIntegerField(_("差错数"), default=0)
    days_signed = models.PositiveIntegerField(_("签到天数"), default=0)
    days_on_time = models.PositiveIntegerField(_("准时签到天数"), default=0)
    volume_part = models.FloatField(_("办件量得分率"), null=True, blank=True)
    rating_part = models.FloatField(_("好评得分率"), null=True, blank=True)
    error_part = models.FloatField(_("差错得分率"), null=True, blank=True)
    punctuality_part = models.FloatField(_("准时得分率"), null=True, blank=True)
    score = models.FloatField(_("综合得分"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("同类排名"), null=True, blank=True)
    peers = models.PositiveIntegerField(_("同类人数"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=AssessmentStatus.choices,
                              default=AssessmentStatus.DRAFT)
    computed_at = models.DateTimeField(_("计算时间"))
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["-month", "hall", "counter_kind", "rank", "id"]
        verbose_name = _("月度考核")
        verbose_name_plural = _("月度考核")
        constraints = [models.UniqueConstraint(fields=["clerk", "month"], name="team_assessment_one_per_month")]

    def __str__(self) -> str:
        return f"{self.clerk} {self.month:%Y-%m}"


class AssessmentEvent(AppendOnlyEvent):
    subject_field: ClassVar[str] = "assessment"
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="events")


class InspectionError(models.Model):
    """An error inspection found in a clerk's work (optionally the supervision finding it came from)."""

    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_errors",
                              verbose_name=_("受理人员"))
    found_on = models.DateField(_("发现日期"))
    description = models.CharField(_("差错内容"), max_length=300)
    finding = models.ForeignKey("supervision.Finding", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("督查发现"))
    key = models.CharField(_("幂等键"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("检查差错")
        verbose_name_plural = _("检查差错")
        constraints = [models.UniqueConstraint(fields=["key"], condition=~models.Q(key=""),
                                               name="team_error_unique_key")]

    def __str__(self) -> str:
        return self.description


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")


class Question(models.Model):
    code = models.CharField(_("题号"), max_length=40, unique=True)
    category = models.CharField(_("类别"), max_length=40)
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    text = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=list)
    answer = models.JSONField(_("正确答案"), default=list, help_text=_("正确选项的序号（从0起）"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("题库试题")
        verbose_name_plural = _("题库试题")

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"


class Exam(models.Model):
    code = models.CharField(_("考试编号"), max_length=40, unique=True)
    title = models.CharField(_("考试名称"), max_length=120)
    month = models.DateField(_("月份"))
    pass_line = models.PositiveSmallIntegerField(_("及格线（分）"), default=60)
    allow_retake = models.BooleanField(_("允许补考"), default=False)
    questions = models.ManyToManyField(Question, related_name="exams", verbose_name=_("试题"))
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        ordering = ["-month", "code"]
        verbose_name = _("业务考试")
        verbose_name_plural = _("业务考试")

    def __str__(self) -> str:
        return self.title


class AttemptStatus(models.TextChoices):
    STARTED = "started", _("答题中")
    SUBMITTED = "submitted", _("已交卷")


class Attempt(models.Model):
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("考试"))
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_attempts",
                              verbose_name=_("考生"))
    number = models.PositiveSmallIntegerField(_("第几次"), default=1)
    status = models.CharField(_("状态"), max_length=10, choices=AttemptStatus.choices, default=AttemptStatus.STARTED)
    answers = models.JSONField(_("作答"), default=dict, blank=True)
    score = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    passed = models.BooleanField(_("及格"), null=True)
    started_at = models.DateTimeField(_("开考时间"))
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["exam", "clerk", "number"]
        verbose_name = _("考试作答")
        verbose_name_plural = _("考试作答")
        constraints = [models.UniqueConstraint(fields=["exam", "clerk", "number"], name="team_attempt_unique")]

    def __str__(self) -> str:
        return f"{self.exam} {self.clerk} #{self.number}"


class AttemptEvent(AppendOnlyEvent):
    subject_field: ClassVar[str] = "attempt"
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="events")


class StarStatus(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    PUBLISHED = "published", _("已公布")


class Star(models.Model):
    """The month's 政务服务之星 of a hall, proposed by the service from the assessments, published by a supervisor."""

    hall = models.ForeignKey("hall.Hall", on_delete=models.PROTECT, related_name="+", verbose_name=_("大厅"))
    month = models.DateField(_("月份"))
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_stars",
                              verbose_name=_("受理人员"))
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("月度考核"))
    counter = models.ForeignKey("hall.Counter", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("窗口"))
    score = models.FloatField(_("综合得分"))
    status = models.CharField(_("状态"), max_length=10, choices=StarStatus.choices, default=StarStatus.PROPOSED)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["-month", "hall"]
        verbose_name = _("政务服务之星")
        verbose_name_plural = _("政务服务之星")
        constraints = [models.UniqueConstraint(fields=["hall", "month"], name="team_star_one_per_hall_month")]

    def __str__(self) -> str:
        return f"{self.hall} {self.month:%Y-%m}"


class StarEvent(AppendOnlyEvent):
    subject_field: ClassVar[str] = "star"
    star = models.ForeignKey(Star, on_delete=models.CASCADE, related_name="events")


class CommendationKind(models.TextChoices):
    BANNER = "banner", _("锦旗")
    LETTER = "letter", _("表扬信")


class Commendation(models.Model):
    kind = models.CharField(_("类型"), max_length=10, choices=CommendationKind.choices)
    received_on = models.DateField(_("收到日期"))
    hall = models.ForeignKey("hall.Hall", on_delete=models.PROTECT, related_name="+", verbose_name=_("大厅"))
    counter = models.ForeignKey("hall.Counter", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("窗口"))
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="team_commendations", verbose_name=_("受表扬人员"))
    giver = models.CharField(_("赠送人"), max_length=100, blank=True)
    text = models.TextField(_("内容"), blank=True)
    key = models.CharField(_("幂等键"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("锦旗与表扬信")
        verbose_name_plural = _("锦旗与表扬信")
        constraints = [models.UniqueConstraint(fields=["key"], condition=~models.Q(key=""),
                                               name="team_commendation_unique_key")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_on}"
