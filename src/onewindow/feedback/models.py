"""好差评 ratings, bad-review rectification, and the citizen's voice (suggestions, complaints, 办不成事).

One enum for the five levels (`Level`); the national/provincial interface and GB/T 39046 number them in
opposite directions, so each export maps explicitly (see `provincial_satisfaction`, `gbt39046_satisfaction`).
Ratings are never edited: a rating row *is* the event of rating. `RatingEvent`, `RectificationEvent` and
`SuggestionEvent` are the append-only logs (core.events.AppendOnlyEvent): a rectification's and a suggestion's
`state` changes only through core.events.transition(), which writes their event row.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.events import AppendOnlyEvent


class Level(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("非常满意")
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    VERY_DISSATISFIED = "very_dissatisfied", _("非常不满意")


LEVEL_STARS: dict[str, int] = {
    Level.VERY_SATISFIED: 5, Level.SATISFIED: 4, Level.BASIC: 3, Level.DISSATISFIED: 2, Level.VERY_DISSATISFIED: 1,
}
# Score per level for the published 平均分 (10-point scale as used in Guangdong: 10/8/6/3/0)
LEVEL_SCORE: dict[str, int] = {
    Level.VERY_SATISFIED: 10, Level.SATISFIED: 8, Level.BASIC: 6, Level.DISSATISFIED: 3, Level.VERY_DISSATISFIED: 0,
}
BAD_LEVELS = frozenset({Level.DISSATISFIED, Level.VERY_DISSATISFIED})
GOOD_LEVELS = frozenset({Level.VERY_SATISFIED, Level.SATISFIED})


def provincial_satisfaction(level: str) -> int:
    """National/provincial 好差评 interface: 1 = 非常不满意 … 5 = 非常满意."""
    return LEVEL_STARS[level]


def gbt39046_satisfaction(level: str) -> int:
    """GB/T 39046-2020 附录A.8 满意度代码: 1 = 非常满意 … 5 = 非常不满意 (the other way round)."""
    return 6 - LEVEL_STARS[level]


class Channel(models.TextChoices):
    """National interface field `pf` (GB/T 39046 表9 lists the same names)."""

    PC = "1", _("PC端")
    MOBILE = "2", _("移动端")
    QR = "3", _("二维码")
    HALL_PAD = "4", _("政务大厅平板电脑（窗口评价器）")
    HALL_TERMINAL = "5", _("政务大厅其他终端")
    PHONE = "6", _("电话")
    SMS = "7", _("短信")


class TargetKind(models.TextChoices):
    CASE = "case", _("办件")
    APPLICATION = "application", _("申请")
    TICKET = "ticket", _("窗口服务（取号）")


class UserProp(models.TextChoices):
    PERSON = "1", _("个人")
    LEGAL = "2", _("法人")


class Rating(models.Model):
    """One rating of one service. sequence 1 = first rating (or the default rating), 2 = follow-up (追评)."""

    target_kind = models.CharField(_("评价对象类型"), max_length=12, choices=TargetKind.choices)
    target_id = models.BigIntegerField(_("评价对象编号"))
    sequence = models.PositiveSmallIntegerField(_("评价次数"), default=1)
    target_number = models.CharField(_("办件/票号"), max_length=60, blank=True)
    level = models.CharField(_("评价等级"), max_length=20, choices=Level.choices)
    channel = models.CharField(_("评价渠道"), max_length=1, choices=Channel.choices, blank=True,
                               help_text=_("系统默认评价无渠道"))
    reasons = models.JSONField(_("评价内容代码"), default=list, blank=True)
    text = models.TextField(_("文字评价"), blank=True)
    anonymous = models.BooleanField(_("匿名评价"), default=True)
    is_default = models.BooleanField(_("系统默认评价"), default=False)
    # the rater: only kept for named ratings; never shown to staff for anonymous ones (nothing is stored)
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="ratings_given", verbose_name=_("评价人账号"))
    rater_name = models.CharField(_("评价人"), max_length=50, blank=True)
    rater_phone = models.CharField(_("评价人电话"), max_length=20, blank=True)
    user_prop = models.CharField(_("评价人类型"), max_length=1, choices=UserProp.choices, default=UserProp.PERSON)
    # who and what served (resolved from the target at rating time)
    department = models.ForeignKey("catalog.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="ratings", verbose_name=_("部门"))
    item = models.ForeignKey("catalog.ServiceItem", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="ratings", verbose_name=_("事项"))
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="ratings_received", verbose_name=_("窗口人员"))
    hall = models.ForeignKey("hall.Hall", null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings",
                             verbose_name=_("大厅"))
    counter = models.ForeignKey("hall.Counter", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="ratings", verbose_name=_("窗口"))
    hall_name = models.CharField(_("大厅名称"), max_length=100, blank=True)
    counter_name = models.CharField(_("窗口名称"), max_length=100, blank=True)
    item_name = models.CharField(_("事项名称"), max_length=200, blank=True)
    served_at = models.DateTimeField(_("服务完成时间"), null=True, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), db_index=True)
    # a hash of the rating link's nonce (links.link_id): tells a replayed submission from a follow-up
    link_id = models.CharField(_("评价链接标识"), max_length=32, blank=True)

    class Meta:
        ordering = ["-rated_at", "-id"]
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        constraints = [
            models.UniqueConstraint(fields=["target_kind", "target_id", "sequence"], name="rating_one_per_sequence"),
            models.CheckConstraint(condition=models.Q(sequence__in=[1, 2]), name="rating_sequence_1_or_2"),
            models.CheckConstraint(condition=models.Q(level__in=[c.value for c in Level]), name="rating_level_valid"),
            models.CheckConstraint(condition=models.Q(anonymous=False) | (models.Q(rater__isnull=True)
                                                                           & models.Q(rater_name="")
                                                                           & models.Q(rater_phone="")),
                                   name="rating_anonymous_keeps_no_rater"),
            models.CheckConstraint(condition=models.Q(is_default=True) | ~models.Q(channel=""),
                                   name="rating_real_has_channel"),
        ]
        indexes = [models.Index(fields=["target_kind", "target_id"]), models.Index(fields=["department", "rated_at"])]

    def __str__(self) -> str:
        return f"{self.target_number or self.target_id} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS

    @property
    def stars(self) -> int:
        return LEVEL_STARS[self.level]


class RatingEvent(AppendOnlyEvent):
    """A rating given, a follow-up, a default rating applied (`action`); `data` keeps level, channel and reasons.
    A rating has no state of its own, so these rows carry no from/to status."""

    class Action(models.TextChoices):
        RATED = "rated", _("首次评价")
        FOLLOWED_UP = "followed_up", _("追评")
        DEFAULTED = "defaulted", _("系统默认评价")

    subject_field = "rating"
    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="events")


class RectState(models.TextChoices):
    PENDING = "pending", _("待核实")
    APPEALED = "appealed", _("申诉复核中")
    VALID = "valid", _("有效差评·待处置")
    FIXING = "fixing", _("限期整改中")
    RECTIFIED = "rectified", _("已整改/已说明·待回访")
    CALLED_BACK = "called_back", _("已回访")
    CLOSED = "closed", _("已办结")
    INVALID = "invalid", _("无效差评")


OPEN_RECT_STATES = (RectState.PENDING, RectState.APPEALED, RectState.VALID, RectState.FIXING)


class Disposition(models.TextChoices):
    FIX_NOW = "fix_now", _("立行立改")
    FIX_DEADLINE = "fix_deadline", _("限期整改")
    EXPLAIN = "explain", _("解释说明")


class CallbackMethod(models.TextChoices):
    PHONE = "phone", _("电话回访")
    SMS = "sms", _("短信回访")
    VISIT = "visit", _("上门/现场回访")
    ANONYMOUS = "anonymous", _("匿名评价·结果公示")


class Rectification(models.Model):
    """差评整改: opened by a bad review, assigned to the responsible department."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    department = models.ForeignKey("catalog.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="rectifications", verbose_name=_("责任部门"))
    state = models.CharField(_("状态"), max_length=20, choices=RectState.choices, default=RectState.PENDING)
    disposition = models.CharField(_("处置方式"), max_length=20, choices=Disposition.choices, blank=True)
    due_on = models.DateField(_("办理期限"))
    due_provisional = models.BooleanField(_("期限为暂定"), default=False)
    appeal_reason = models.TextField(_("申诉理由"), blank=True)
    review_note = models.TextField(_("复核意见"), blank=True)
    measures = models.TextField(_("整改措施/说明"), blank=True)
    callback_method = models.CharField(_("回访方式"), max_length=12, choices=CallbackMethod.choices, blank=True)
    callback_outcome = models.TextField(_("回访结果"), blank=True)
    opened_at = models.DateTimeField(_("开始时间"))
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        indexes = [models.Index(fields=["department", "state"]), models.Index(fields=["state", "due_on"])]

    def __str__(self) -> str:
        return f"{self.rating} → {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_RECT_STATES

    @property
    def number(self) -> str:
        """How messages name the record (core.events.transition): by the rated service's number."""
        return str(_("差评整改（%(n)s）") % {"n": self.rating.target_number or self.rating.target_id})


class RectificationEvent(AppendOnlyEvent):
    """Every step of a rectification: opened, verified, appealed, reviewed, disposed, fixed, called back, closed."""

    subject_field = "rectification"
    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="events")


# ---------------------------------------------------------------- citizen voice


class SuggestionCategory(models.Model):
    """A kind of suggestion/complaint; also an Open311 service (service_code = code)."""

    code = models.CharField(_("类别编码"), max_length=40, unique=True)
    name = models.CharField(_("类别名称"), max_length=100)
    group = models.CharField(_("分组"), max_length=60, blank=True)
    description = models.TextField(_("说明"), blank=True)
    keywords = models.CharField(_("关键词"), max_length=300, blank=True, help_text=_("逗号分隔"))
    department = models.ForeignKey("catalog.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("默认责任单位"))
    due_workdays = models.PositiveSmallIntegerField(_("答复时限（工作日）"), default=15)
    is_cant_do = models.BooleanField(_("办不成事反映"), default=False)
    active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        constraints = [models.CheckConstraint(condition=models.Q(due_workdays__gte=1), name="category_due_positive")]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Route a suggestion of `category` whose text contains `keyword` (blank: any) to `department`.
    Lowest priority number wins; without a matching rule the category's default unit takes it."""

    category = models.ForeignKey(SuggestionCategory, on_delete=models.CASCADE, related_name="rules",
                                 verbose_name=_("类别"))
    keyword = models.CharField(_("关键词"), max_length=50, blank=True)
    department = models.ForeignKey("catalog.Department", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("责任单位"))
    priority = models.PositiveSmallIntegerField(_("优先级"), default=100)

    class Meta:
        ordering = ["category", "priority", "id"]
        verbose_name = _("分派规则")
        verbose_name_plural = _("分派规则")

    def __str__(self) -> str:
        return f"{self.category} / {self.keyword or '*'} → {self.department}"


class VoiceChannel(models.TextChoices):
    HALL_DESK = "hall_desk", _("大厅咨询投诉台")
    CANT_DO = "cant_do", _("办不成事反映窗口")
    WEB = "web", _("网上留言")
    PHONE = "phone", _("电话记录")
    SURVEY = "survey", _("回访调查")
    OPEN311 = "open311", _("Open311 接口")
    # 听民声 (onewindow.listening): what forums, experience officers and leaders' reception days bring in
    FORUM = "forum", _("群众座谈")
    EXPERIENCE = "experience", _("体验官")
    RECEPTION = "reception", _("局领导接访")


class SuggestionKind(models.TextChoices):
    SUGGESTION = "suggestion", _("建议")
    COMPLAINT = "complaint", _("投诉")
    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    PRAISE = "praise", _("表扬")


class SuggestionState(models.TextChoices):
    UNASSIGNED = "unassigned", _("待分派")
    ASSIGNED = "assigned", _("办理中")
    RECTIFYING = "rectifying", _("限期整改中")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")


OPEN_SUGGESTION_STATES = (SuggestionState.UNASSIGNED, SuggestionState.ASSIGNED, SuggestionState.RECTIFYING)


class Suggestion(models.Model):
    number = models.CharField(_("编号"), max_length=30, unique=True)
    category = models.ForeignKey(SuggestionCategory, on_delete=models.PROTECT, related_name="suggestions",
                                 verbose_name=_("类别"))
    kind = models.CharField(_("诉求类型"), max_length=12, choices=SuggestionKind.choices,
                            default=SuggestionKind.SUGGESTION)
    channel = models.CharField(_("来源渠道"), max_length=12, choices=VoiceChannel.choices)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    description = models.TextField(_("内容"))
    citizen_name = models.CharField(_("反映人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    email = models.CharField(_("电子邮箱"), max_length=120, blank=True)
    address = models.CharField(_("地点"), max_length=200, blank=True)
    address_id = models.CharField(_("地点编号"), max_length=60, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    media_url = models.URLField(_("图片链接"), max_length=500, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    department = models.ForeignKey("catalog.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="suggestions", verbose_name=_("责任单位"))
    state = models.CharField(_("状态"), max_length=12, choices=SuggestionState.choices)
    disposition = models.CharField(_("处置方式"), max_length=20, choices=Disposition.choices, blank=True)
    plan_due_on = models.DateField(_("整改计划完成日期"), null=True, blank=True)
    due_on = models.DateField(_("答复期限"))
    due_provisional = models.BooleanField(default=False)
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    answered_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))
    # published on Open311: requests filed through Open311 are public; any other only when staff publish it
    public = models.BooleanField(_("公开"), default=False)
    # core.idempotency: a key is scoped to its submitter and bound to the body it came with
    idempotency_scope = models.CharField(max_length=80, blank=True)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("登记人"))

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("意见建议")
        verbose_name_plural = _("意见建议")
        indexes = [models.Index(fields=["department", "state"]), models.Index(fields=["state", "due_on"]),
                   models.Index(fields=["public", "received_at"], name="suggestion_public_received")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state__in=["answered", "closed"]) | models.Q(answered_at__isnull=False),
                name="suggestion_no_close_without_reply"),
            models.UniqueConstraint(fields=["idempotency_scope", "idempotency_key"],
                                    condition=models.Q(idempotency_key__isnull=False),
                                    name="suggestion_idempotency_unique"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_SUGGESTION_STATES


class SuggestionReply(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(_("答复内容"))
    disposition = models.CharField(_("处置方式"), max_length=20, choices=Disposition.choices, blank=True)
    department = models.ForeignKey("catalog.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    at = models.DateTimeField(_("时间"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")

    class Meta:
        ordering = ["at", "id"]


class SuggestionEvent(AppendOnlyEvent):
    """Every step of a suggestion: received, routed, reassigned, answered, rectified, closed, (un)published."""

    subject_field = "suggestion"
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events")
