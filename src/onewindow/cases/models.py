"""Applications (申请) and per-item cases (办件), their events, submitted materials and the notification outbox.

An application's status is never stored: it is derived from its cases (`derive_application_status`).
Case status changes only through `core.events.transition()` (called by `cases.services.lifecycle`): a
compare-and-swap on (status, version), each writing one CaseEvent.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.events import AppendOnlyEvent


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("个人")
    ENTERPRISE = "enterprise", _("企业/法人")


class Applicant(models.Model):
    kind = models.CharField(_("申请人类型"), max_length=10, choices=ApplicantKind.choices, default=ApplicantKind.PERSON)
    name = models.CharField(_("姓名/名称"), max_length=200)
    id_number = models.CharField(_("居民身份证号码"), max_length=18, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系人电话"), max_length=20, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="applicant_records", verbose_name=_("用户账号"))
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("申请人")
        verbose_name_plural = _("申请人")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="person") & ~models.Q(id_number=""))
                | (models.Q(kind="enterprise") & ~models.Q(credit_code="")),
                name="applicant_has_identity",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def notify_phone(self) -> str:
        return self.phone if self.kind == ApplicantKind.PERSON else (self.contact_phone or self.phone)


class ApplicationKind(models.TextChoices):
    BUNDLE = "bundle", _("一件事")
    ITEM = "item", _("单个事项")


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    WINDOW = "window", _("窗口受理")


class Application(models.Model):
    number = models.CharField(_("申请编号"), max_length=20, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=ApplicationKind.choices)
    code = models.CharField(_("一件事/事项编码"), max_length=40)
    name = models.CharField(_("名称"), max_length=200)
    answers = models.JSONField(_("情形选择"), default=dict, blank=True)
    form_data = models.JSONField(_("表单数据"), default=dict, blank=True)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="applications", verbose_name=_("申请人"))
    phone_last4 = models.CharField(_("手机尾号"), max_length=4, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="submitted_applications", verbose_name=_("提交人"))
    ticket_id = models.BigIntegerField(_("排队号"), null=True, blank=True)
    idempotency_scope = models.CharField(max_length=80, blank=True)
    idempotency_key = models.CharField(max_length=120, blank=True)
    # SHA-256 of what the keyed request asked for (core.idempotency): the same key with another body is a 409
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, default="")
    deferral_promise = models.BooleanField(_("容缺书面承诺"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"), db_index=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("申请")
        verbose_name_plural = _("申请")
        constraints = [
            models.UniqueConstraint(fields=["idempotency_scope", "idempotency_key"], condition=~models.Q(idempotency_key=""),
                                    name="application_idempotency_unique"),
        ]
        indexes = [models.Index(fields=["submitted_by", "-submitted_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def status(self) -> str:
        """Derived from the cases (uses the prefetched `cases` when present)."""
        return derive_application_status(c.status for c in self.cases.all())

    def get_status_display(self) -> str:
        return str(APPLICATION_STATUS_LABELS.get(self.status, self.status))


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("已接件")
    ACCEPTED = "accepted", _("已受理")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    SUPPLEMENT = "supplement", _("补正中")
    UNDER_REVIEW = "under_review", _("审查中")
    SPECIAL_PROCEDURE = "special_procedure", _("特别程序")
    APPROVED = "approved", _("准予/通过")
    DENIED = "denied", _("不予批准")
    COMPLETED = "completed", _("已办结")
    DELIVERED = "delivered", _("已送达")
    WITHDRAWN = "withdrawn", _("已撤回")
    TERMINATED = "terminated", _("已终止")


#: what each case event's action is called (the case history, and refusals: "…不能受理")
ACTION_LABELS = {
    "receive": "接件", "accept": "受理", "accept_deferral": "容缺受理", "not_accept": "不予受理",
    "supplement": "一次性告知补正", "supplement_complete": "补正完成", "start_review": "开始审查",
    "special_start": "进入特别程序", "special_end": "特别程序结束", "approve": "准予", "deny": "不予批准",
    "complete": "办结", "deliver": "送达", "assign": "分派", "withdraw": "撤回", "terminate": "终止", "makeup_complete": "容缺材料补齐",
    "deadline_recomputed": "重算期限",
}

#: states in which a case still waits for somebody in a department
OPEN_STATUSES = (CaseStatus.RECEIVED, CaseStatus.SUPPLEMENT, CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW,
                 CaseStatus.SPECIAL_PROCEDURE, CaseStatus.APPROVED)
#: states after which nothing more is done for the applicant (统一出件 when every case is in one of these)
DONE_STATUSES = (CaseStatus.COMPLETED, CaseStatus.DELIVERED, CaseStatus.NOT_ACCEPTED, CaseStatus.DENIED,
                 CaseStatus.WITHDRAWN, CaseStatus.TERMINATED)

APPLICATION_STATUS_LABELS = {
    "received": _("已提交，待受理"),
    "supplement": _("待补正材料"),
    "in_progress": _("办理中"),
    "completed": _("已办结（统一出件）"),
    "delivered": _("已办结并送达"),
    "withdrawn": _("已撤回"),
    "closed": _("已结束"),
    "empty": _("无办件"),
}


def derive_application_status(statuses: Iterable[str]) -> str:
    s = list(statuses)
    if not s:
        return "empty"
    if all(x == CaseStatus.WITHDRAWN for x in s):
        return "withdrawn"
    if all(x in DONE_STATUSES for x in s):
        if all(x in (CaseStatus.DELIVERED, CaseStatus.WITHDRAWN, CaseStatus.NOT_ACCEPTED, CaseStatus.DENIED,
                     CaseStatus.TERMINATED) for x in s) and any(x == CaseStatus.DELIVERED for x in s):
            return "delivered"
        if any(x in (CaseStatus.COMPLETED, CaseStatus.DELIVERED) for x in s):
            return "completed"
        return "closed"
    if any(x == CaseStatus.SUPPLEMENT for x in s):
        return "supplement"
    if all(x in (CaseStatus.RECEIVED, CaseStatus.WITHDRAWN) for x in s):
        return "received"
    return "in_progress"


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", _("窗口领取")
    POST = "post", _("邮寄送达")
    LOCKER = "locker", _("24小时智能柜")
    ELECTRONIC = "electronic", _("电子证照")


class Case(models.Model):
    number = models.CharField(_("办件编号"), max_length=24, unique=True)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="cases", verbose_name=_("申请"))
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, related_name="cases", verbose_name=_("事项"))
    item_code = models.CharField(_("事项编码"), max_length=36)
    item_name = models.CharField(_("事项名称"), max_length=200)
    department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, related_name="cases",
                                   verbose_name=_("办理部门"))
    handling_type = models.CharField(_("办件类型"), max_length=1, default="2")
    promised_limit = models.PositiveIntegerField(_("承诺时限（工作日）"), default=0)
    status = models.CharField(_("状态"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    received_at = models.DateTimeField(_("接件时间"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    due_date = models.DateField(_("承诺办结日期"), null=True, blank=True)
    due_provisional = models.BooleanField(_("日期待定（日历未公布）"), default=False)
    paused_workdays = models.PositiveIntegerField(_("暂停工作日数"), default=0)
    pause_started_on = models.DateField(_("特别程序开始"), null=True, blank=True)
    makeup_due = models.DateField(_("容缺补齐期限"), null=True, blank=True)
    deferred_materials = models.JSONField(_("容缺材料"), default=list, blank=True)
    result_number = models.CharField(_("结果证照编号"), max_length=60, blank=True)
    delivery_method = models.CharField(_("送达方式"), max_length=12, choices=DeliveryMethod.choices, blank=True)
    delivery_ref = models.CharField(_("快递单号/取件码"), max_length=60, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="decided_cases", verbose_name=_("决定人"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_cases", verbose_name=_("承办人"),
                                 help_text=_("部门负责人分派的审查人员"))
    decided_by_system = models.BooleanField(_("系统自动审批（秒批）"), default=False)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("更新时间"))
    materials: models.ManyToManyField[SubmittedMaterial, CaseMaterial] = models.ManyToManyField(
        "SubmittedMaterial", through="CaseMaterial", related_name="cases", blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        indexes = [
            # the worklist: a department's open cases by urgency (due date), then by age
            models.Index(fields=["department", "due_date", "id"], name="case_open_by_due",
                         condition=models.Q(status__in=["received", "supplement", "accepted", "under_review",
                                                        "special_procedure", "approved"])),
            models.Index(fields=["department", "status", "due_date", "id"], name="case_dept_status_due"),
            models.Index(fields=["department", "item_code", "due_date", "id"], name="case_open_item_due",
                         condition=models.Q(status__in=["received", "supplement", "accepted", "under_review",
                                                        "special_procedure", "approved"])),
            models.Index(fields=["status", "makeup_due"], name="case_status_makeup"),
            models.Index(fields=["due_provisional"], name="case_provisional",
                         condition=models.Q(due_provisional=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(status="delivered") | ~models.Q(delivery_method=""),
                                   name="case_delivered_has_method"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item_name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseEvent(AppendOnlyEvent):
    """Append-only history of a case: one row per state change (and per notable act that changes no state,
    such as a recomputed deadline). Written by `core.events.transition()` / `record_event()`; `correlation` is the
    application's number, so one application's events across its cases read together."""

    subject_field = "case"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("办件"))

    class Meta(AppendOnlyEvent.Meta):
        verbose_name = _("办件事件")
        verbose_name_plural = _("办件事件")
        indexes = [models.Index(fields=["case", "at"]), models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.from_status}→{self.to_status}"


class SubmittedMaterial(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="submitted_materials",
                                    verbose_name=_("申请"))
    material = models.ForeignKey("catalog.CanonicalMaterial", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("标准材料"))
    file = models.FileField(_("文件"), upload_to="cases/%Y/%m/", max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    content_type = models.CharField(_("类型"), max_length=40, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    checked = models.BooleanField(_("窗口已核验原件"), default=False)
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("已提交材料")
        verbose_name_plural = _("已提交材料")

    def __str__(self) -> str:
        return self.original_name or str(self.material_id)


class CaseMaterial(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    submitted = models.ForeignKey(SubmittedMaterial, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "submitted"], name="case_material_unique")]


class SupplementRequest(models.Model):
    """One-time notice of everything missing (一次性补正告知): one list for the cases it covers."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="supplements",
                                    verbose_name=_("申请"))
    cases = models.ManyToManyField(Case, related_name="supplements", verbose_name=_("办件"))
    missing = models.JSONField(_("需补正内容"), default=list)
    note = models.TextField(_("说明"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_at = models.DateTimeField(_("告知时间"))
    completed_at = models.DateTimeField(_("补正完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("补正告知")
        verbose_name_plural = _("补正告知")


class AutoApprovalRule(models.Model):
    """秒批: when an accepted case of this item satisfies the rule, the system approves and completes it.

    `rule` is {"all": [condition, …]} where a condition is one of
    {"answer": key, "in": [values]}, {"field": key, "equals": value}, {"field": key, "in": [values]},
    {"field": key, "min": n} / {"field": key, "max": n}, {"material": canonical material code} (present).
    """

    item_code = models.CharField(_("事项实施编码"), max_length=36, unique=True)
    enabled = models.BooleanField(_("启用"), default=True)
    rule = models.JSONField(_("规则"), default=dict)
    result_prefix = models.CharField(_("结果编号前缀"), max_length=20, blank=True, default="MP")
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("秒批规则")
        verbose_name_plural = _("秒批规则")

    def __str__(self) -> str:
        return self.item_code


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class OutboxMessage(models.Model):
    recipient_phone = models.CharField(_("接收号码"), max_length=20)
    text = models.TextField(_("短信内容"))
    kind = models.CharField(_("类型"), max_length=20)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知发件箱")
        verbose_name_plural = _("通知发件箱")
        indexes = [models.Index(fields=["status", "created_at"])]
