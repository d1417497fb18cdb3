from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """Whether a year's official holiday schedule (国务院办公厅通知) is known."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    official = models.BooleanField(_("官方安排"), default=False)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")

    def __str__(self) -> str:
        return str(self.year)


class OfficialDay(models.Model):
    """A day that differs from the plain Monday–Friday rule: a holiday, or a make-up working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("休息日")
        WORKDAY = "workday", _("调休上班日")

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days",
                                      verbose_name=_("年度"))
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("法定日")
        verbose_name_plural = _("法定日")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class CalendarRevision(models.Model):
    """One row. Bumped by every calendar change so every process drops its cached calendar."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    revision = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="calendar_revision_single_row")]


class DailyCounter(models.Model):
    """Per-scope, per-day sequence for human-readable numbers. Locked while incremented; never MAX()+1."""

    scope = models.CharField(max_length=80)
    day = models.DateField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "day"], name="daily_counter_unique_scope_day")]


class AuditEntry(models.Model):
    """Append-only: who did what to which record, when, and from where."""

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              verbose_name=_("操作人"))
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=80, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=80, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=80, blank=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type}#{self.target_id}"


class RegionLevel(models.IntegerChoices):
    """行政区划层级: the five levels a provincial platform serves."""

    PROVINCE = 1, _("省")
    CITY = 2, _("市")
    COUNTY = 3, _("县（市、区）")
    STREET = 4, _("街道（乡镇）")
    COMMUNITY = 5, _("社区（村）")


class Region(models.Model):
    """An administrative region (行政区划): province → city → district/county → street → community.

    The scope of departments, halls, rankings, notices and staff roles. `path` holds the codes from the province
    down ("/350000/350200/350206/"), so everything inside a region is one `path__startswith` filter on any
    database; it is set on save from the parent.
    """

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("名称（英文）"), max_length=150, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("上级区划"))
    level = models.PositiveSmallIntegerField(_("层级"), choices=RegionLevel.choices)
    path = models.CharField(_("路径"), max_length=80, editable=False, db_index=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.path = region_path(self.parent.path if self.parent is not None else "", self.code)
        super().save(*args, **kwargs)

    def contains(self, other: Region | None) -> bool:
        """Whether `other` is this region or lies inside it."""
        return other is not None and other.path.startswith(self.path)


def region_path(parent_path: str, code: str) -> str:
    return (parent_path or "/") + code + "/"


class Profile(models.Model):
    """Staff details the auth user lacks: display name, phone and the department a reviewer works for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    department = models.ForeignKey("catalog.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="staff", verbose_name=_("所属部门"))
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
                               verbose_name=_("管辖区划"),
                               help_text=_("督查、窗口等人员只看本区划；为空时按所属部门的区划，均为空则不限"))

    class Meta:
        verbose_name = _("用户资料")
        verbose_name_plural = _("用户资料")

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()


class DailyJobRun(models.Model):
    """One row per daily job and day: whichever worker inserts it first enqueues the job, so it runs once."""

    job = models.CharField(max_length=80)
    day = models.DateField()
    enqueued_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="daily_job_run_once_per_day")]


class UserSession(AbstractBaseSession):
    """Django's session row plus the id of the user it signs in, copied from the session's data whenever the row is
    saved: a request then reads its session and its user in one statement (core.session_auth). Deleting the user
    deletes their sessions. The embedded default's session store; with Redis the cached_db store keeps Django's."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("用户"))

    class Meta:
        db_table = "core_session"
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")

    @classmethod
    def get_session_store_class(cls) -> Any:
        # named, not imported: core.session_auth imports this module for its model
        return import_string("onewindow.core.session_auth.SessionStore")
