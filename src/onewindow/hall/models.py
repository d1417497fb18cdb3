"""The service hall (一窗通办大厅): halls, window categories per hall, counters, clerk sessions,
tickets with their append-only events, appointment slots and appointments.

Tickets, clerk sessions and appointments keep their state in a column and their history in an event table on
`core.events.AppendOnlyEvent`; the services change the state only through `core.events.transition()`.
Statistics (waiting = called − issued, service = finished − called, utilisation) are computed from
TicketEvent and ClerkStateEvent rows, never from the mutable status columns.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.core.events import AppendOnlyEvent

WEEKDAY_LABELS = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]


class HallLevel(models.TextChoices):
    """Where a hall sits in the district's hierarchy (区、街、社区三级)."""

    DISTRICT = "district", _("区县级政务服务中心")
    STREET = "street", _("街道便民服务中心")
    COMMUNITY = "community", _("社区便民服务站")


class Hall(models.Model):
    code = models.SlugField(_("大厅代码"), max_length=40, unique=True, help_text=_("用于网址，如 huli"))
    name = models.CharField(_("大厅名称"), max_length=100)
    name_en = models.CharField(_("大厅名称（英文）"), max_length=200, blank=True)
    region = models.ForeignKey("core.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="halls",
                               verbose_name=_("行政区划"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("上级大厅"))
    level = models.CharField(_("层级"), max_length=10, choices=HallLevel.choices, default=HallLevel.DISTRICT)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    timezone = models.CharField(_("时区"), max_length=40, default="Asia/Shanghai")
    no_lunch_break = models.BooleanField(_("午间不休"), default=False)
    lunch_start = models.TimeField(_("午休开始"), null=True, blank=True)
    lunch_end = models.TimeField(_("午休结束"), null=True, blank=True)
    reform_date = models.DateField(_("综合窗口改革日期"), null=True, blank=True,
                                   help_text=_("此前为部门窗口；用于改革前后对比"))
    active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("服务大厅")
        verbose_name_plural = _("服务大厅")

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """Opening hours for one weekday (0 = Monday). A weekday without a row is closed."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("大厅"))
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=list(enumerate(WEEKDAY_LABELS)))
    opens = models.TimeField(_("开始"))
    closes = models.TimeField(_("结束"))

    class Meta:
        ordering = ["hall", "weekday"]
        verbose_name = _("开放时间")
        verbose_name_plural = _("开放时间")
        constraints = [
            models.UniqueConstraint(fields=["hall", "weekday"], name="hall_hours_unique_weekday"),
            models.CheckConstraint(condition=Q(opens__lt=models.F("closes")), name="hall_hours_opens_before_closes"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="hall_hours_weekday_range"),
        ]


class HallCategory(models.Model):
    """A window category served in a hall, with its ticket prefix (B → B023)."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="categories", verbose_name=_("大厅"))
    category = models.ForeignKey("catalog.WindowCategory", on_delete=models.PROTECT, related_name="hall_categories",
                                 verbose_name=_("窗口类别"))
    prefix = models.CharField(_("取号字母"), max_length=2)
    default_service_minutes = models.PositiveSmallIntegerField(_("默认办理时长（分钟）"), default=8)
    active = models.BooleanField(_("启用"), default=True, help_text=_("改革前的部门窗口停用后保留以便统计"))
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["hall", "sort_order", "prefix"]
        verbose_name = _("大厅窗口类别")
        verbose_name_plural = _("大厅窗口类别")
        constraints = [
            models.UniqueConstraint(fields=["hall", "category"], name="hall_category_unique"),
            models.UniqueConstraint(fields=["hall", "prefix"], name="hall_category_unique_prefix"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.category.name}"


class CounterKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合窗口")
    DEPARTMENT = "department", _("部门窗口")
    SPECIAL = "special", _("专门窗口")


class Counter(models.Model):
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="counters", verbose_name=_("大厅"))
    number = models.PositiveSmallIntegerField(_("窗口号"))
    name = models.CharField(_("窗口名称"), max_length=60, blank=True)
    kind = models.CharField(_("窗口类型"), max_length=16, choices=CounterKind.choices, default=CounterKind.COMPREHENSIVE)
    categories = models.ManyToManyField(HallCategory, related_name="counters", verbose_name=_("受理类别（技能）"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["hall", "number"]
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="counter_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}号窗口" + (f" {self.name}" if self.name else "")


class ClerkState(models.TextChoices):
    AVAILABLE = "available", _("空闲")
    SERVING = "serving", _("办理中")
    BREAK = "break", _("暂停")
    AWAY = "away", _("离开")
    SIGNED_OUT = "signed_out", _("已签出")


class ClerkAction(models.TextChoices):
    """What moved a clerk session (the `action` of its events)."""

    SIGN_IN = "sign_in", _("签入")
    SERVE = "serve", _("叫号办理")
    FREE = "free", _("办结空闲")
    BREAK = "break", _("暂停服务")
    AWAY = "away", _("离开")
    RESUME = "resume", _("恢复服务")
    SIGN_OUT = "sign_out", _("签出")


class ClerkSession(models.Model):
    """A clerk signed in at a counter. At most one open session per counter and per clerk."""

    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("窗口"))
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hall_sessions",
                              verbose_name=_("受理人员"))
    state = models.CharField(_("状态"), max_length=10, choices=ClerkState.choices, default=ClerkState.AVAILABLE)
    started_at = models.DateTimeField(_("签入时间"))
    ended_at = models.DateTimeField(_("签出时间"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("窗口签入")
        verbose_name_plural = _("窗口签入")
        constraints = [
            models.UniqueConstraint(fields=["counter"], condition=Q(ended_at__isnull=True), name="session_one_open_per_counter"),
            models.UniqueConstraint(fields=["clerk"], condition=Q(ended_at__isnull=True), name="session_one_open_per_clerk"),
        ]
        indexes = [models.Index(fields=["counter", "started_at"])]


class ClerkStateEvent(AppendOnlyEvent):
    """The session entered `to_status` (a ClerkState) at `at`; `action` is a ClerkAction (signed_out closes it)."""

    subject_field: ClassVar[str] = "session"
    session = models.ForeignKey(ClerkSession, on_delete=models.CASCADE, related_name="events")


class Priority(models.IntegerChoices):
    NORMAL = 0, _("普通")
    PRIORITY = 1, _("优先")


class PriorityReason(models.TextChoices):
    NONE = "", _("无")
    ELDERLY = "elderly", _("老年人")
    DISABLED = "disabled", _("残疾人")
    PREGNANT = "pregnant", _("孕妇")
    APPOINTMENT = "appointment", _("预约")


class TicketSource(models.TextChoices):
    KIOSK = "kiosk", _("取号机")
    PHONE = "phone", _("手机取号")
    APPOINTMENT = "appointment", _("预约签到")
    COUNTER = "counter", _("窗口代取")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("等候中")
    CALLED = "called", _("已叫号")
    SERVING = "serving", _("办理中")
    FINISHED = "finished", _("已办结")
    NO_SHOW = "no_show", _("过号")
    CANCELLED = "cancelled", _("已取消")
    TRANSFERRED = "transferred", _("已转出")  # reserved: left this hall; in-hall transfers wait again


OPEN_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)


class Ticket(models.Model):
    # Three foreign keys go without their own index (db_index=False), each covered by an index that leads with it
    # (counter: ticket_counter_status; issued_category: ticket_unique_number_per_day) or by the queue's
    # (hall: ticket_waiting_queue). Every status change rewrites a ticket's entry in each index, and the
    # planner, before a new hall table had statistics, took a hall-only index for the call-next query and read
    # every ticket of the hall instead of the waiting ones (docs/operations.md "Hot paths").
    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("大厅"),
                             db_index=False)
    category = models.ForeignKey(HallCategory, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("窗口类别"))
    issued_category = models.ForeignKey(HallCategory, on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("取号类别"), db_index=False)
    day = models.DateField(_("日期"))
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("号码"), max_length=10)
    token = models.CharField(_("查询码"), max_length=24, unique=True)
    priority = models.PositiveSmallIntegerField(_("优先级"), choices=Priority.choices, default=Priority.NORMAL)
    priority_reason = models.CharField(_("优先原因"), max_length=12, choices=PriorityReason.choices, blank=True)
    source = models.CharField(_("来源"), max_length=12, choices=TicketSource.choices, default=TicketSource.KIOSK)
    issued_at = models.DateTimeField(_("取号时间"))
    effective_time = models.DateTimeField(_("排队时间"), help_text=_("预约时段开始或取号时间"))
    status = models.CharField(_("状态"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets",
                                verbose_name=_("窗口"), db_index=False)
    target_counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("指定窗口"))
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="hall_tickets", verbose_name=_("受理人员"))
    requeue_count = models.PositiveSmallIntegerField(_("过号重排次数"), default=0)
    bundle_code = models.CharField(_("一件事"), max_length=60, blank=True)
    service_label = models.CharField(_("所选事项"), max_length=200, blank=True)
    items_handled = models.CharField(_("办理事项"), max_length=400, blank=True)
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="hall_remote_tickets", verbose_name=_("取号人"))
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("排队号")
        verbose_name_plural = _("排队号")
        constraints = [
            models.UniqueConstraint(fields=["issued_category", "day", "seq"], name="ticket_unique_number_per_day"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="ticket_seq_positive"),
            # a counter serves one ticket at a time
            models.UniqueConstraint(fields=["counter"], condition=Q(status__in=["called", "serving"]),
                                    name="ticket_one_current_per_counter"),
        ]
        indexes = [
            models.Index(fields=["hall", "category", "priority", "effective_time"], condition=Q(status="waiting"),
                         name="ticket_waiting_queue"),
            # the day first: a report's hall and days; a hall-only index would compete with the queue's
            models.Index(fields=["day", "hall"], name="ticket_day_hall"),
            models.Index(fields=["counter", "status"], name="ticket_counter_status"),
        ]

    def __str__(self) -> str:
        return self.number


class TicketAction(models.TextChoices):
    """What happened to a ticket (the `action` of its events)."""

    ISSUED = "issued", _("取号")
    CALLED = "called", _("叫号")
    RECALLED = "recalled", _("重呼")
    TRANSFERRED = "transferred", _("转移")
    NO_SHOW = "no_show", _("过号")
    REQUEUED = "requeued", _("过号重排")
    STARTED = "started", _("开始办理")
    FINISHED = "finished", _("办结")
    CANCELLED = "cancelled", _("取消")


class TicketEvent(AppendOnlyEvent):
    """The history of a ticket: `action` is a TicketAction, `actor` the clerk at the counter (None for the
    kiosk; the holder when they cancel). This table is also the queue's audit trail: ticket moves are not
    copied into the audit log (the queue is the product's hottest path), so it is never updated or deleted.
    Besides the shared columns it records the counter and, for transfers, the categories."""

    subject_field: ClassVar[str] = "ticket"
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events")
    counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_category = models.ForeignKey(HallCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_category = models.ForeignKey(HallCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta(AppendOnlyEvent.Meta):
        indexes = [
            models.Index(fields=["ticket", "at"], name="ticket_event_ticket_at"),
            models.Index(fields=["counter", "at"], name="ticket_event_counter_at"),
            models.Index(fields=["action", "at"], name="ticket_event_action_at"),
        ]


class TicketApplication(models.Model):
    """A ticket's link to an application created from it at the counter."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="application_links")
    application = models.ForeignKey("cases.Application", on_delete=models.PROTECT, related_name="ticket_links",
                                    verbose_name=_("申请"))
    linked_at = models.DateTimeField()
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "application"], name="ticket_application_unique")]


class AppointmentSlot(models.Model):
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="slots", verbose_name=_("大厅"))
    category = models.ForeignKey(HallCategory, on_delete=models.CASCADE, related_name="slots", verbose_name=_("窗口类别"))
    date = models.DateField(_("日期"))
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    capacity = models.PositiveSmallIntegerField(_("可约人数"))
    booked = models.PositiveSmallIntegerField(_("已约人数"), default=0)

    class Meta:
        ordering = ["date", "start", "category"]
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        constraints = [
            models.UniqueConstraint(fields=["category", "date", "start"], name="slot_unique_start"),
            models.CheckConstraint(condition=Q(booked__lte=models.F("capacity")), name="slot_booked_within_capacity"),
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="slot_start_before_end"),
        ]

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CANCELLED = "cancelled", _("已取消")
    CHECKED_IN = "checked_in", _("已签到")
    EXPIRED = "expired", _("已过期")


class Appointment(models.Model):
    slot = models.ForeignKey(AppointmentSlot, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("时段"))
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="hall_appointments", verbose_name=_("预约人"))
    phone = models.CharField(_("手机号"), max_length=20)
    code = models.CharField(_("预约码"), max_length=12, unique=True)
    status = models.CharField(_("状态"), max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED)
    note = models.CharField(_("办理事项"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("预约时间"))
    ticket = models.OneToOneField(Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="appointment")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        indexes = [models.Index(fields=["citizen", "status"])]

    def __str__(self) -> str:
        return str(_("预约 %(code)s") % {"code": self.code})


class AppointmentEvent(AppendOnlyEvent):
    """The history of a booking: `action` is booked, cancelled, checked_in or expired (the AppointmentStatus
    it moved to); `actor` the citizen who booked or cancelled, None for the kiosk and the nightly job."""

    subject_field: ClassVar[str] = "appointment"
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="events")


class PadDevice(models.Model):
    """A browser paired as the rating pad (评价器) of one counter.

    Paired from the clerk console (by the clerk signed in at that counter) or by a hall administrator; the
    device keeps a random secret in an HttpOnly cookie and only the secret's SHA-256 is stored here. A pairing
    is bound to one counter, expires, and can be revoked. An unpaired browser never sees a rating link."""

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="pad_devices", verbose_name=_("窗口"))
    secret_hash = models.CharField(max_length=64, unique=True)
    pairing_nonce = models.CharField(max_length=32, unique=True, help_text=_("配对码只能使用一次"))
    label = models.CharField(_("设备"), max_length=120, blank=True)
    paired_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("配对人"))
    paired_at = models.DateTimeField(_("配对时间"))
    expires_at = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("撤销人"))
    last_seen_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        ordering = ["-paired_at"]
        verbose_name = _("评价器设备")
        verbose_name_plural = _("评价器设备")
        constraints = [models.CheckConstraint(condition=Q(expires_at__gt=models.F("paired_at")),
                                              name="pad_device_expires_after_pairing")]

    def __str__(self) -> str:
        return f"{self.counter} · {self.label or self.pk}"
