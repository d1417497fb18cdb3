"""Listening to citizens (听民声): citizen forums (座谈), experience officers (体验官) and their sessions, leader
reception days (局领导接访) with slots and bookings, third-party mystery inspections (评立改 "蹲守").

What these bring in is not kept here a second time: a forum's, a session's or a reception's issue is a feedback
Suggestion (routed, due, answered there) and `ListeningFinding` only links it to where it was heard; a mystery
visit is a supervision Inspection (its failed points become supervision Findings) and `MysteryVisit` only says
which agency made it, when it watched and which hall.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from onewindow.core.events import AppendOnlyEvent


class Idempotent(models.Model):
    idempotency_scope = models.CharField(max_length=80, blank=True, default="")
    idempotency_key = models.CharField(max_length=120, null=True, blank=True)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        abstract = True


class Forum(Idempotent):
    """A citizens' forum (群众座谈会) held in a hall: who hosted it, how many took part (no personal data)."""

    hall = models.ForeignKey("hall.Hall", on_delete=models.PROTECT, related_name="+", verbose_name=_("大厅"))
    held_on = models.DateField(_("座谈日期"))
    topic = models.CharField(_("座谈主题"), max_length=200)
    host_department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("主办单位"))
    participants = models.PositiveIntegerField(_("参会群众人数"))
    minutes = models.TextField(_("会议纪要"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("群众座谈会")
        verbose_name_plural = _("群众座谈会")
        constraints = [
            models.UniqueConstraint(fields=["idempotency_scope", "idempotency_key"], name="ls_forum_idem"),
            models.CheckConstraint(condition=Q(participants__gte=1), name="ls_forum_participants_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class Officer(models.Model):
    """An experience officer (政务服务体验官): a citizen account, or only a name (shown masked)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="listening_officer", verbose_name=_("账号"))
    name = models.CharField(_("姓名"), max_length=50)
    hall = models.ForeignKey("hall.Hall", on_delete=models.PROTECT, related_name="+", verbose_name=_("大厅"))
    enrolled_on = models.DateField(_("聘任日期"))
    active = models.BooleanField(_("在任"), default=True)
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["enrolled_on", "id"]
        verbose_name = _("体验官")
        verbose_name_plural = _("体验官")

    def __str__(self) -> str:
        from onewindow.core.masking import mask_name

        return mask_name(self.name)


class ExperienceSession(Idempotent):
    """One experience: which service the officer went through, in which hall, when."""

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("体验官"))
    hall = models.ForeignKey("hall.Hall", on_delete=models.PROTECT, related_name="+", verbose_name=_("大厅"))
    item = models.ForeignKey("catalog.ServiceItem", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("事项"))
    service = models.CharField(_("体验的服务"), max_length=200)
    held_on = models.DateField(_("体验日期"))
    note = models.TextField(_("体验记录"), blank=True)
    created_at = models.DateTimeField(_("提交时间"))

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("体验记录")
        verbose_name_plural = _("体验记录")
        constraints = [models.UniqueConstraint(fields=["idempotency_scope", "idempotency_key"],
                                               name="ls_session_idem")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.service}"


class ReceptionDay(Idempotent):
    """A leader's reception day in the hall (局领导在大厅接访), published with its time slots."""

    hall = models.ForeignKey("hall.Hall", on_delete=models.PROTECT, related_name="+", verbose_name=_("大厅"))
    held_on = models.DateField(_("接访日期"))
    leader_title = models.CharField(_("接访领导职务"), max_length=100)
    department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("所在单位"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                      related_name="+")
    published_at = models.DateTimeField(_("发布时间"))

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("局领导接访日")
        verbose_name_plural = _("局领导接访日")
        constraints = [models.UniqueConstraint(fields=["idempotency_scope", "idempotency_key"],
                                               name="ls_day_idem")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.leader_title}"


class ReceptionSlot(models.Model):
    day = models.ForeignKey(ReceptionDay, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.TimeField(_("开始"))
    ends_at = models.TimeField(_("结束"))
    capacity = models.PositiveSmallIntegerField(_("名额"))
    booked = models.PositiveSmallIntegerField(_("已预约"), default=0)

    class Meta:
        ordering = ["day", "starts_at", "id"]
        verbose_name = _("接访时段")
        verbose_name_plural = _("接访时段")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="ls_slot_capacity_positive"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="ls_slot_not_over_capacity"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="ls_slot_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CANCELLED = "cancelled", _("已取消")
    ATTENDED = "attended", _("已接访")
    NO_SHOW = "no_show", _("未到")


ACTIVE_BOOKING = (BookingStatus.BOOKED, BookingStatus.ATTENDED)


class Booking(Idempotent):
    slot = models.ForeignKey(ReceptionSlot, on_delete=models.PROTECT, related_name="bookings")
    day = models.ForeignKey(ReceptionDay, on_delete=models.PROTECT, related_name="bookings")
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("预约人"))
    status = models.CharField(_("状态"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    created_at = models.DateTimeField(_("预约时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["slot__starts_at", "id"]
        verbose_name = _("接访预约")
        verbose_name_plural = _("接访预约")
        constraints = [
            models.UniqueConstraint(fields=["idempotency_scope", "idempotency_key"], name="ls_booking_idem"),
            # one active booking per person per day
            models.UniqueConstraint(fields=["day", "citizen"], condition=Q(status__in=["booked", "attended"]),
                                    name="ls_booking_one_active_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.slot}"


class BookingEvent(AppendOnlyEvent):
    subject_field = "booking"
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")


class FindingSource(models.TextChoices):
    FORUM = "forum", _("群众座谈")
    EXPERIENCE = "experience", _("体验官")
    RECEPTION = "reception", _("局领导接访")


class ListeningFinding(Idempotent):
    """An issue heard at a forum, an experience or a reception, routed as a feedback Suggestion (kept linked)."""

    source = models.CharField(_("来源"), max_length=12, choices=FindingSource.choices)
    forum = models.ForeignKey(Forum, null=True, blank=True, on_delete=models.PROTECT, related_name="findings")
    session = models.ForeignKey(ExperienceSession, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="findings")
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="findings")
    category = models.CharField(_("问题类别"), max_length=40)
    text = models.TextField(_("问题"))
    suggestion = models.OneToOneField("feedback.Suggestion", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("转办的意见建议"))
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("听民声问题")
        verbose_name_plural = _("听民声问题")
        constraints = [
            models.UniqueConstraint(fields=["idempotency_scope", "idempotency_key"], name="ls_finding_idem"),
            models.CheckConstraint(name="ls_finding_one_origin", condition=(
                Q(source="forum", forum__isnull=False, session__isnull=True, booking__isnull=True)
                | Q(source="experience", forum__isnull=True, session__isnull=False, booking__isnull=True)
                | Q(source="reception", forum__isnull=True, session__isnull=True, booking__isnull=False))),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Agency(models.Model):
    """A third-party agency commissioned for 评立改 (蹲守 in the hall)."""

    name = models.CharField(_("第三方机构"), max_length=200, unique=True)
    contract_start = models.DateField(_("合同起始"))
    contract_end = models.DateField(_("合同截止"))
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("第三方机构")
        verbose_name_plural = _("第三方机构")
        constraints = [models.CheckConstraint(condition=Q(contract_end__gte=F("contract_start")),
                                              name="ls_agency_contract_order")]

    def __str__(self) -> str:
        return self.name


class MysteryVisit(Idempotent):
    """One 蹲守 visit: a supervision Inspection made by the agency over a covert period in the hall."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="visits", verbose_name=_("第三方机构"))
    inspection = models.OneToOneField("supervision.Inspection", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("检查"))
    hall = models.ForeignKey("hall.Hall", on_delete=models.PROTECT, related_name="+", verbose_name=_("大厅"))
    covert_from = models.DateField(_("蹲守起始"))
    covert_to = models.DateField(_("蹲守截止"))
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["-covert_from", "-id"]
        verbose_name = _("蹲守暗访")
        verbose_name_plural = _("蹲守暗访")
        constraints = [
            models.UniqueConstraint(fields=["idempotency_scope", "idempotency_key"], name="ls_visit_idem"),
            models.CheckConstraint(condition=Q(covert_to__gte=F("covert_from")), name="ls_visit_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.covert_from}"
