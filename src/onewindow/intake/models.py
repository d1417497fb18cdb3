"""Partner outlets and 帮办 (who brought an application in, and on whose consent), the 24-hour lockers and the
free mail envelope (custody of paper: who held the materials when).

The application itself stays in `cases`: an `IntakeChannel` row says which outlet (or which hall 帮办 clerk acting
for an elderly citizen) submitted it through the same cases submission service. Custody is an item with a life
cycle (`Custody`, one per drop, pickup or envelope) whose every move is a `CustodyEvent` written by
`core.events.transition()`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from onewindow.core.events import AppendOnlyEvent

# --------------------------------------------------------------------------- outlets and 帮办


class OutletKind(models.TextChoices):
    BANK = "bank", _("银行网点")
    POST = "post", _("邮政网点")
    OTHER = "other", _("其他合作网点")


class Outlet(models.Model):
    """A bank branch (or other partner) that takes business-registration applications on a hall's behalf."""

    code = models.SlugField(_("网点代码"), max_length=40, unique=True)
    kind = models.CharField(_("网点类型"), max_length=10, choices=OutletKind.choices, default=OutletKind.BANK)
    name = models.CharField(_("网点名称"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    hall = models.ForeignKey("hall.Hall", on_delete=models.PROTECT, related_name="outlets",
                             verbose_name=_("服务的大厅"))
    items = models.ManyToManyField("catalog.ServiceItem", related_name="+", blank=True,
                                   verbose_name=_("可代收事项"))
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        ordering = ["hall", "code"]
        verbose_name = _("合作网点")
        verbose_name_plural = _("合作网点")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The English name on English pages when there is one."""
        return _english(self.name, self.name_en)


def _english(name: str, name_en: str) -> str:
    return name_en if name_en and (get_language() or "").startswith("en") else name


class OutletMembership(models.Model):
    """The outlet a member of outlet staff works for (one outlet per account)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outlet_membership",
                                verbose_name=_("账号"))
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="members", verbose_name=_("网点"))
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("网点人员")
        verbose_name_plural = _("网点人员")

    def __str__(self) -> str:
        return f"{self.outlet} · {self.user}"


class ChannelKind(models.TextChoices):
    OUTLET = "outlet", _("合作网点帮代办")
    ASSISTED = "assisted", _("大厅帮办代办")


class ConsentMethod(models.TextChoices):
    SIGNED = "signed", _("本人签字授权书")
    FINGERPRINT = "fingerprint", _("本人按手印确认")
    VERBAL_WITNESSED = "verbal", _("口头同意（有见证人）")
    GUARDIAN = "guardian", _("监护人/近亲属代为同意")


class IntakeChannel(models.Model):
    """How an application came in when neither the applicant online nor the hall window took it: from a partner
    outlet, or by a hall 帮办 clerk for an elderly citizen who consented."""

    application = models.OneToOneField("cases.Application", on_delete=models.CASCADE, related_name="intake_channel",
                                       verbose_name=_("申请"))
    kind = models.CharField(_("渠道"), max_length=10, choices=ChannelKind.choices)
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="channels",
                               verbose_name=_("网点"))
    hall = models.ForeignKey("hall.Hall", on_delete=models.PROTECT, related_name="+", verbose_name=_("大厅"))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("经办人"))
    staff_label = models.CharField(_("经办人姓名"), max_length=150, blank=True)
    consent_method = models.CharField(_("本人同意方式"), max_length=12, choices=ConsentMethod.choices, blank=True)
    consent_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    consent_witness = models.CharField(_("见证人"), max_length=50, blank=True)
    consent_note = models.CharField(_("同意说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("记录时间"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("帮代办渠道")
        verbose_name_plural = _("帮代办渠道")
        constraints = [
            models.CheckConstraint(condition=~Q(kind="outlet") | Q(outlet__isnull=False), name="intake_outlet_named"),
            models.CheckConstraint(
                condition=~Q(kind="assisted") | (~Q(consent_method="") & Q(consent_at__isnull=False)),
                name="intake_assisted_has_consent"),
        ]
        indexes = [models.Index(fields=["outlet", "created_at"])]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind}"


# --------------------------------------------------------------------------- lockers and envelopes


class Locker(models.Model):
    """A 24-hour self-service file locker (24小时自助文件柜) in a hall."""

    code = models.SlugField(_("柜体编号"), max_length=40, unique=True)
    hall = models.ForeignKey("hall.Hall", on_delete=models.PROTECT, related_name="lockers", verbose_name=_("大厅"))
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)
    location = models.CharField(_("位置"), max_length=200, blank=True)
    location_en = models.CharField(_("英文位置"), max_length=200, blank=True)
    compartments = models.PositiveSmallIntegerField(_("格口数"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["hall", "code"]
        verbose_name = _("自助文件柜")
        verbose_name_plural = _("自助文件柜")
        constraints = [models.CheckConstraint(condition=Q(compartments__gte=1), name="locker_has_compartments")]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return _english(self.name, self.name_en)

    @property
    def display_location(self) -> str:
        return _english(self.location, self.location_en)


class LockerDevice(models.Model):
    """The terminal of a locker, paired like a hall's rating pad: it keeps a random secret (sent as the
    `X-Locker-Device` header); only the secret's SHA-256 is stored. A pairing expires and can be revoked."""

    locker = models.ForeignKey(Locker, on_delete=models.CASCADE, related_name="devices", verbose_name=_("文件柜"))
    secret_hash = models.CharField(max_length=64, unique=True)
    pairing_nonce = models.CharField(max_length=32, unique=True)
    label = models.CharField(_("设备"), max_length=120, blank=True)
    paired_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("配对人"))
    paired_at = models.DateTimeField(_("配对时间"))
    expires_at = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        ordering = ["-paired_at"]
        verbose_name = _("文件柜终端")
        verbose_name_plural = _("文件柜终端")

    def __str__(self) -> str:
        return f"{self.locker} · {self.label or self.pk}"


class CustodyKind(models.TextChoices):
    LOCKER_DROP = "drop", _("自助柜投递材料")
    LOCKER_PICKUP = "pickup", _("自助柜领取结果")
    ENVELOPE = "envelope", _("免跑腿信封寄件")


class CustodyStatus(models.TextChoices):
    BOOKED = "booked", _("已预约，待投递")
    DROPPED = "dropped", _("已投递，待窗口取件")
    COLLECTED = "collected", _("窗口已取件")
    READY = "ready", _("结果已放入，待领取")
    PICKED_UP = "picked_up", _("申请人已领取")
    REQUESTED = "requested", _("已申领信封")
    MAILED = "mailed", _("已寄出")
    RECEIVED = "received", _("窗口已签收")
    CANCELLED = "cancelled", _("已取消")


#: a compartment is taken while something sits in it
OCCUPIED = (CustodyStatus.DROPPED, CustodyStatus.READY)


class Custody(models.Model):
    """Paper for one application on its way in or out: a locker drop, a locker pickup or a free envelope."""

    number = models.CharField(_("编号"), max_length=24, unique=True)
    application = models.ForeignKey("cases.Application", on_delete=models.CASCADE, related_name="custody_items",
                                    verbose_name=_("申请"))
    kind = models.CharField(_("方式"), max_length=10, choices=CustodyKind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=CustodyStatus.choices)
    locker = models.ForeignKey(Locker, null=True, blank=True, on_delete=models.PROTECT, related_name="custody_items",
                               verbose_name=_("文件柜"))
    compartment = models.PositiveSmallIntegerField(_("格口"), null=True, blank=True)
    # the one-time code: only a keyed hash bound to the application number is kept
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(_("取件码有效期至"), null=True, blank=True)
    code_used_at = models.DateTimeField(_("取件码使用时间"), null=True, blank=True)
    tracking_number = models.CharField(_("快递单号"), max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("发起人"))
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("材料流转")
        verbose_name_plural = _("材料流转")
        constraints = [
            models.UniqueConstraint(fields=["locker", "compartment"], condition=Q(status__in=["dropped", "ready"]),
                                    name="custody_one_item_per_compartment"),
            models.CheckConstraint(condition=Q(kind="envelope") | Q(locker__isnull=False),
                                   name="custody_locker_named"),
        ]
        indexes = [models.Index(fields=["status", "kind"]), models.Index(fields=["locker", "status"])]

    def __str__(self) -> str:
        return self.number


class CustodyEvent(AppendOnlyEvent):
    """Append-only history of a custody item (booked, dropped, collected by the clerk, placed, picked up, mailed,
    received); `correlation` is the application number, so an application's custody reads together."""

    subject_field = "custody"

    custody = models.ForeignKey(Custody, on_delete=models.CASCADE, related_name="events", verbose_name=_("材料流转"))

    class Meta(AppendOnlyEvent.Meta):
        verbose_name = _("材料流转事件")
        verbose_name_plural = _("材料流转事件")
        indexes = [models.Index(fields=["custody", "at"]), models.Index(fields=["correlation", "at"])]

    def __str__(self) -> str:
        return f"{self.custody_id} {self.action}"
