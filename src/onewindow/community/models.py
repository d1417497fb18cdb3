"""Community governance (党建引领小区治理) and the time bank.

Organisation tree street → community → compound → building (with grids); party organisations and coverage;
members and report-in; service teams; the time bank (menu, orders, double-entry hour ledger); residents'
matters; tri-party council proposals; theme-day events.

The ledger: Account / Transfer (header) / Entry (leg, signed integer minutes). Entries of a transfer sum to
zero — enforced by a deferred constraint trigger on PostgreSQL (migration 0002) and by the service on every
database. Entries are never updated or deleted (trigger on PostgreSQL); a correction is a reversing transfer.
No transfer debits and credits the same member — refused by the service and by a trigger on PostgreSQL and
SQLite (migration 0004).

Every other state change (an order, a matter, a proposal, a theme event, a member's report-in) goes through
`onewindow.core.events.transition()` and leaves one row in the subject's event table (`AppendOnlyEvent`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.core.events import AppendOnlyEvent

# ---------------------------------------------------------------- organisation tree


class Street(models.Model):
    """街道 / 镇."""

    name = models.CharField(_("街道（镇）"), max_length=60, unique=True)
    code = models.CharField(_("代码"), max_length=30, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("街道")
        verbose_name_plural = _("街道")

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """社区 / 村."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("街道"))
    name = models.CharField(_("社区"), max_length=60)

    class Meta:
        ordering = ["street_id", "id"]
        verbose_name = _("社区")
        verbose_name_plural = _("社区")
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="community_unique_street_name")]

    def __str__(self) -> str:
        return self.name


class Grid(models.Model):
    """网格: a community's unit of grid management, with a grid keeper."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="grids", verbose_name=_("社区"))
    name = models.CharField(_("网格"), max_length=60)
    keeper = models.CharField(_("网格员"), max_length=30, blank=True)

    class Meta:
        ordering = ["community_id", "id"]
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="grid_unique_community_name")]

    def __str__(self) -> str:
        return self.name


class Compound(models.Model):
    """小区: a residential compound."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="compounds",
                                  verbose_name=_("社区"))
    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.SET_NULL, related_name="compounds",
                             verbose_name=_("网格"))
    name = models.CharField(_("小区"), max_length=60)
    households = models.PositiveIntegerField(_("户数"), default=0)

    class Meta:
        ordering = ["community_id", "id"]
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="compound_unique_community_name")]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    """楼栋."""

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="buildings",
                                 verbose_name=_("小区"))
    name = models.CharField(_("楼栋"), max_length=30)

    class Meta:
        ordering = ["compound_id", "id"]
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        constraints = [models.UniqueConstraint(fields=["compound", "name"], name="building_unique_compound_name")]

    def __str__(self) -> str:
        return self.name


class SecretaryBackground(models.TextChoices):
    """Where a compound branch's secretary comes from (the seed: 优先选拔离退休人员、军转干部、企业经营管理人员)."""

    RETIRED = "retired", _("离退休人员")
    VETERAN = "veteran", _("军转干部")
    ENTERPRISE = "enterprise", _("企业经营管理人员")
    FORMER_CADRE = "former_cadre", _("离任村（居）干部")
    OTHER = "other", _("其他")


class SecretarySelection(models.TextChoices):
    """推选 by the compound's party members, or 选派 by the street or community party organisation when the
    compound has no suitable person."""

    ELECTED = "elected", _("小区推选")
    ASSIGNED = "assigned", _("街道或社区选派")


class PartyOrg(models.Model):
    """A party organisation at one level of the tree.

    Street working committee (大工委) → street; community party committee (大党委) → community; compound branch
    (小区党支部) → one compound (independent) or several (joint, 联合党支部); building group (楼宇党小组) → building.
    """

    class Kind(models.TextChoices):
        STREET_COMMITTEE = "street_committee", _("街道大工委")
        COMMUNITY_COMMITTEE = "community_committee", _("社区大党委")
        COMPOUND_BRANCH = "compound_branch", _("小区党支部")
        BUILDING_GROUP = "building_group", _("楼宇党小组")

    class Form(models.TextChoices):
        INDEPENDENT = "independent", _("独立党支部")
        JOINT = "joint", _("联合党支部")

    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    form = models.CharField(_("组建方式"), max_length=12, choices=Form.choices, blank=True)
    name = models.CharField(_("名称"), max_length=100)
    street = models.ForeignKey(Street, null=True, blank=True, on_delete=models.PROTECT, related_name="party_orgs",
                               verbose_name=_("街道"))
    community = models.ForeignKey(Community, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="party_orgs", verbose_name=_("社区"))
    compounds = models.ManyToManyField(Compound, blank=True, related_name="branches", verbose_name=_("覆盖小区"))
    building = models.ForeignKey(Building, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="party_groups", verbose_name=_("楼栋"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("上级组织"))
    secretary = models.CharField(_("书记（组长）"), max_length=30, blank=True)
    secretary_phone = models.CharField(_("书记电话"), max_length=20, blank=True)
    # 确保有人办事: who the branch secretary is and how they came to the post (public only as counts and as
    # the background note, never with the name or phone)
    secretary_background = models.CharField(_("书记来源"), max_length=16, choices=SecretaryBackground.choices,
                                            blank=True)
    secretary_selection = models.CharField(_("产生方式"), max_length=10, choices=SecretarySelection.choices,
                                           blank=True)
    secretary_note = models.CharField(_("书记简况"), max_length=120, blank=True,
                                      help_text=_("如：城厢区纪委退休干部，兼业委会筹备小组负责人（不写姓名）"))

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="compound_branch") | Q(form__in=["independent", "joint"]),
                name="partyorg_branch_has_form"),
        ]

    def __str__(self) -> str:
        return self.name


class CoBuildingUnit(models.Model):
    """共建单位: an organisation (区直单位, school, company…) paired with communities, sharing resources."""

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    party_org_name = models.CharField(_("单位党组织"), max_length=100, blank=True)
    contact = models.CharField(_("联系人"), max_length=30, blank=True)
    communities = models.ManyToManyField(Community, blank=True, related_name="cobuilding_units",
                                         verbose_name=_("结对社区"))
    is_employer = models.BooleanField(_("在职党员单位"), default=True,
                                      help_text=_("在职党员的工作单位，接收双向反馈报告"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("共建单位")
        verbose_name_plural = _("共建单位")

    def __str__(self) -> str:
        return self.name


class SharedResource(models.Model):
    class Kind(models.TextChoices):
        ROOM = "room", _("活动室")
        VENUE = "venue", _("场馆")
        SERVICE = "service", _("服务")

    unit = models.ForeignKey(CoBuildingUnit, on_delete=models.CASCADE, related_name="resources",
                             verbose_name=_("共建单位"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("容纳人数"), default=0)

    class Meta:
        ordering = ["unit_id", "id"]
        verbose_name = _("共享资源")
        verbose_name_plural = _("共享资源")

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------- members and teams


class Member(models.Model):
    """A party member's electronic record (党员电子档案)."""

    class Category(models.TextChoices):
        IN_SERVICE = "in_service", _("在职党员")
        MOBILE = "mobile", _("流动党员")
        IN_NEED = "in_need", _("困难党员")
        RETIRED = "retired", _("退休党员")

    class ReportStatus(models.TextChoices):
        NOT_REPORTED = "not_reported", _("未报到")
        REPORTED = "reported", _("已报到")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="community_member", verbose_name=_("登录账号"))
    name = models.CharField(_("姓名"), max_length=30)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    employer = models.ForeignKey(CoBuildingUnit, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="members", verbose_name=_("工作单位"))
    home_compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="members",
                                      verbose_name=_("居住小区"))
    skills = models.CharField(_("特长"), max_length=200, blank=True)
    is_star = models.BooleanField(_("社区民星"), default=False)
    star_title = models.CharField(_("民星称号"), max_length=60, blank=True)
    report_status = models.CharField(_("报到状态"), max_length=12, choices=ReportStatus.choices,
                                     default=ReportStatus.NOT_REPORTED)
    reported_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    reported_community = models.ForeignKey(Community, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="reported_members", verbose_name=_("报到社区"))
    created_at = models.DateTimeField(_("建档时间"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        constraints = [
            models.CheckConstraint(condition=~Q(category="in_service") | Q(employer__isnull=False),
                                   name="member_in_service_has_employer"),
            models.CheckConstraint(condition=Q(report_status="reported", reported_at__isnull=False)
                                   | Q(report_status="not_reported", reported_at__isnull=True),
                                   name="member_report_status_matches_time"),
        ]
        indexes = [models.Index(fields=["category", "employer"], name="member_cat_employer_idx")]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """志愿服务队."""

    name = models.CharField(_("服务队"), max_length=60, unique=True)
    field = models.CharField(_("服务领域"), max_length=30)
    community = models.ForeignKey(Community, null=True, blank=True, on_delete=models.PROTECT, related_name="teams",
                                  verbose_name=_("所属社区"))
    leader = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams",
                               verbose_name=_("队长"))
    members = models.ManyToManyField(Member, blank=True, related_name="teams", verbose_name=_("队员"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("服务队")
        verbose_name_plural = _("服务队")

    def __str__(self) -> str:
        return self.name


class MemberEvent(AppendOnlyEvent):
    """Report-in and other changes to a member's record (created, star, team joined)."""

    subject_field = "member"
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events")


# ---------------------------------------------------------------- time bank: menu and orders


class MenuItem(models.Model):
    """菜单式服务: one service on the menu, with a suggested duration."""

    class Category(models.TextChoices):
        PUBLIC = "public", _("公共服务")
        SOCIAL = "social", _("社会服务")
        MARKET = "market", _("市场服务")

    name = models.CharField(_("服务项目"), max_length=60, unique=True)
    category = models.CharField(_("类别"), max_length=10, choices=Category.choices)
    suggested_minutes = models.PositiveIntegerField(_("建议时长（分钟）"))
    description = models.CharField(_("说明"), max_length=200, blank=True)
    active = models.BooleanField(_("上架"), default=True)

    class Meta:
        ordering = ["category", "id"]
        verbose_name = _("服务菜单")
        verbose_name_plural = _("服务菜单")
        constraints = [models.CheckConstraint(condition=Q(suggested_minutes__gt=0), name="menu_minutes_positive")]

    def __str__(self) -> str:
        return self.name


class Order(models.Model):
    """A time-bank order: 下单 → 接单 → 完成 → 确认（记入时长）; or cancelled; or disputed → resolved.

    Minutes above the menu item's suggested time wait (`pending`) for a community worker's approval.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("待接单")
        TAKEN = "taken", _("已接单")
        DONE = "done", _("待确认")
        PENDING = "pending", _("超时待审核")
        CONFIRMED = "confirmed", _("已确认记时")
        DISPUTED = "disputed", _("有异议")
        CANCELLED = "cancelled", _("已取消")
        REJECTED = "rejected", _("异议不予记时")

    class RequesterKind(models.TextChoices):
        COMMUNITY = "community", _("社区（小区）党组织")
        RESIDENT = "resident", _("居民")

    number = models.CharField(_("单号"), max_length=20, unique=True)
    menu_item = models.ForeignKey(MenuItem, on_delete=models.PROTECT, related_name="orders",
                                  verbose_name=_("服务项目"))
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="orders", verbose_name=_("小区"))
    service_date = models.DateField(_("服务日期"))
    description = models.CharField(_("需求说明"), max_length=300, blank=True)
    requester_kind = models.CharField(_("下单方"), max_length=10, choices=RequesterKind.choices)
    requester_name = models.CharField(_("下单人"), max_length=60)
    requester_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="community_orders", verbose_name=_("下单账号"))
    payer = models.ForeignKey("Account", on_delete=models.PROTECT, related_name="paid_orders",
                              verbose_name=_("付时账户"))
    taker_member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="taken_orders", verbose_name=_("接单党员"))
    taker_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="taken_orders", verbose_name=_("接单服务队"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    minutes = models.PositiveIntegerField(_("确认时长（分钟）"), null=True, blank=True)
    claimed_minutes = models.PositiveIntegerField(_("申报时长（分钟）"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("确认人"))
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    created_at = models.DateTimeField(_("下单时间"))
    taken_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("服务订单")
        verbose_name_plural = _("服务订单")
        constraints = [
            models.CheckConstraint(condition=Q(taker_member__isnull=True) | Q(taker_team__isnull=True),
                                   name="order_one_taker"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="order_rating_1_5"),
            models.CheckConstraint(condition=~Q(status="confirmed") | Q(minutes__gt=0), name="order_confirmed_minutes"),
            models.CheckConstraint(condition=~Q(status="pending") | Q(claimed_minutes__gt=0),
                                   name="order_pending_has_claim"),
        ]
        indexes = [models.Index(fields=["status", "service_date"], name="order_status_date_idx")]

    def __str__(self) -> str:
        return self.number


class OrderEvent(AppendOnlyEvent):
    """One row per state change of an order."""

    subject_field = "order"
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")


# ---------------------------------------------------------------- time bank: ledger


class Account(models.Model):
    """An hour account. The bank's own account issues hours (its balance is the negative of the rest)."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("党员")
        TEAM = "team", _("服务队")
        ORGANISATION = "organisation", _("社区组织")
        BANK = "bank", _("时间银行")

    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices)
    name = models.CharField(_("户名"), max_length=100)
    member = models.OneToOneField(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="account")
    team = models.OneToOneField(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="account")
    community = models.OneToOneField(Community, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="account")
    balance = models.BigIntegerField(_("余额（分钟）"), default=0)
    allow_negative = models.BooleanField(_("允许透支"), default=False)
    created_at = models.DateTimeField(_("开户时间"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("时间账户")
        verbose_name_plural = _("时间账户")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="member", member__isnull=False, team__isnull=True, community__isnull=True)
                           | Q(kind="team", team__isnull=False, member__isnull=True, community__isnull=True)
                           | Q(kind="organisation", community__isnull=False, member__isnull=True, team__isnull=True)
                           | Q(kind="bank", member__isnull=True, team__isnull=True, community__isnull=True)),
                name="account_owner_matches_kind"),
            models.UniqueConstraint(fields=["kind"], condition=Q(kind="bank"), name="account_one_bank"),
            models.CheckConstraint(condition=Q(allow_negative=True) | Q(balance__gte=0),
                                   name="account_no_overdraft"),
        ]

    def __str__(self) -> str:
        return self.name


class Transfer(models.Model):
    """A ledger transaction header. Its entries sum to zero. Never edited; reversed by another transfer."""

    class Kind(models.TextChoices):
        ORDER_CREDIT = "order_credit", _("服务记时")
        EVENT_CREDIT = "event_credit", _("活动记时")
        REDEMPTION = "redemption", _("兑换")
        DONATION = "donation", _("捐赠")
        GRANT = "grant", _("拨付")
        REVERSAL = "reversal", _("冲正")

    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices)
    reason = models.CharField(_("事由"), max_length=200)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="transfers")
    event = models.ForeignKey("ThemeEvent", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="transfers")
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("经办人"))
    created_at = models.DateTimeField(_("时间"), db_index=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by", verbose_name=_("冲正对象"))
    # onewindow.core.idempotency: a key is unique within its scope ("user:<pk>" for a submitter's key, "" for
    # the system's own keys such as order-credit-<id>); the fingerprint binds a submitter's key to the body.
    idempotency_scope = models.CharField(max_length=80, blank=True, default="")
    idempotency_key = models.CharField(max_length=120)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("转账")
        verbose_name_plural = _("转账")
        constraints = [
            models.UniqueConstraint(fields=["idempotency_scope", "idempotency_key"],
                                    name="transfer_idempotency_unique"),
            models.UniqueConstraint(fields=["order"], condition=Q(kind="order_credit"),
                                    name="transfer_one_credit_per_order"),
            models.UniqueConstraint(fields=["event"], condition=Q(kind="event_credit"),
                                    name="transfer_one_credit_per_event"),
            models.CheckConstraint(condition=~Q(kind="reversal") | Q(reverses__isnull=False),
                                   name="transfer_reversal_names_target"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.reason}"


class Entry(models.Model):
    """One leg of a transfer: a signed amount of minutes on one account. Immutable."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField(_("分钟"))

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="entry_amount_not_zero")]
        indexes = [models.Index(fields=["account", "id"], name="entry_account_id_idx")]


# ---------------------------------------------------------------- residents' matters


class Matter(models.Model):
    """居民说事 / 维权 / 法律援助: intake → routed → mediating → resolved → closed with feedback."""

    class Kind(models.TextChoices):
        TALK = "talk", _("居民说事")
        RIGHTS = "rights", _("居民维权")
        LEGAL = "legal", _("法律援助")

    class Route(models.TextChoices):
        OWNERS_COMMITTEE = "owners_committee", _("业委会（自管会）")
        PROPERTY = "property", _("物业服务企业")
        COMMUNITY = "community", _("社区")
        LEGAL_AID = "legal_aid", _("法律援助")

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")
        ROUTED = "routed", _("已分派")
        MEDIATING = "mediating", _("调解中")
        RESOLVED = "resolved", _("已办结待反馈")
        CLOSED = "closed", _("已关闭")

    number = models.CharField(_("编号"), max_length=20, unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="matters", verbose_name=_("小区"))
    resident_name = models.CharField(_("居民姓名"), max_length=30)
    resident_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    subject = models.CharField(_("事项"), max_length=100)
    description = models.TextField(_("详细情况"), blank=True)
    route = models.CharField(_("分派至"), max_length=18, choices=Route.choices, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    resolution = models.TextField(_("办理结果"), blank=True)
    feedback = models.CharField(_("居民反馈"), max_length=300, blank=True)
    satisfied = models.BooleanField(_("居民满意"), null=True, blank=True)
    created_at = models.DateTimeField(_("受理时间"))
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("居民诉求")
        verbose_name_plural = _("居民诉求")

    def __str__(self) -> str:
        return self.number


class MatterLog(AppendOnlyEvent):
    """State changes and the mediation log of a matter."""

    subject_field = "matter"
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="logs")


# ---------------------------------------------------------------- tri-party council (两议两评两公开)


class Proposal(models.Model):
    """A major matter before the tri-party council (党支部、业委会、物业): 两议两评两公开."""

    class Topic(models.TextChoices):
        RULES = "rules", _("业委会议事规则")
        PROPERTY_COMPANY = "property_company", _("选聘物业服务企业")
        MAINTENANCE_FUND = "maintenance_fund", _("物业维修资金使用")
        DISPUTE = "dispute", _("物业矛盾纠纷调处")
        OTHER = "other", _("其他重大事项")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("党支部提议")
        DELIBERATED = "deliberated", _("三方商议")
        DECIDED = "decided", _("会议决议")
        EVALUATED = "evaluated", _("党员群众评议")
        PUBLISHED = "published", _("结果公开")

    number = models.CharField(_("编号"), max_length=20, unique=True)
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("小区"))
    branch = models.ForeignKey(PartyOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals",
                               verbose_name=_("小区党支部"))
    topic = models.CharField(_("议题类别"), max_length=18, choices=Topic.choices)
    title = models.CharField(_("议题"), max_length=100)
    content = models.TextField(_("提议内容"))
    deliberation = models.TextField(_("商议意见"), blank=True)
    decision = models.TextField(_("决议"), blank=True)
    votes_for = models.PositiveIntegerField(_("赞成"), default=0)
    votes_against = models.PositiveIntegerField(_("反对"), default=0)
    votes_abstain = models.PositiveIntegerField(_("弃权"), default=0)
    evaluation = models.TextField(_("评议意见"), blank=True)
    approval_rate = models.PositiveSmallIntegerField(_("群众满意率（%）"), null=True, blank=True)
    status = models.CharField(_("阶段"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField(_("提议时间"))
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("议事提案")
        verbose_name_plural = _("议事提案")

    def __str__(self) -> str:
        return self.title


class ProposalEvent(AppendOnlyEvent):
    """One row per stage of a proposal: proposed, deliberated, decided, evaluated, published."""

    subject_field = "proposal"
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")


# ---------------------------------------------------------------- theme days


class ThemeEvent(models.Model):
    """主题党日 (the 15th of each month) and other activities, with sign-up and attendance."""

    class Status(models.TextChoices):
        OPEN = "open", _("报名中")
        CLOSED = "closed", _("已结束")
        CREDITED = "credited", _("已记时")

    title = models.CharField(_("活动"), max_length=100)
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="theme_events",
                                  verbose_name=_("社区"))
    date = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(_("名额"), default=50)
    credit_minutes = models.PositiveIntegerField(_("记入时长（分钟）"), default=0,
                                                 help_text=_("0 表示不记时"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("主题活动")
        verbose_name_plural = _("主题活动")

    def __str__(self) -> str:
        return self.title


class ThemeEventLog(AppendOnlyEvent):
    """A theme event's history: created, attendance recorded, closed, hours credited."""

    subject_field = "theme_event"
    theme_event = models.ForeignKey(ThemeEvent, on_delete=models.CASCADE, related_name="log")


class EventSignup(models.Model):
    event = models.ForeignKey(ThemeEvent, on_delete=models.CASCADE, related_name="signups")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="signups")
    signed_at = models.DateTimeField()
    attended = models.BooleanField(default=False)
    attended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["event", "member"], name="signup_unique_event_member")]


# ---------------------------------------------------------------- resources: places and money (有地议事, 有钱办事)


class ServiceFunction(models.TextChoices):
    """The six service functions a neighbourhood centre or station offers (六大服务功能)."""

    CHILDCARE = "childcare", _("幼有所育")
    ELDERLY = "elderly", _("老有所养")
    HEALTH = "health", _("病有所医")
    FOOD = "food", _("食有所安")
    LEISURE = "leisure", _("居有所乐")
    AFFAIRS = "affairs", _("事有所办")


class ServiceSite(models.Model):
    """A place where residents are served: a “党建+” neighbourhood centre of a community (社区邻里中心) or a
    party-mass service station in a compound (小区党群服务站), with the functions it offers."""

    class Kind(models.TextChoices):
        NEIGHBOURHOOD_CENTRE = "centre", _("“党建+”社区邻里中心")
        PARTY_STATION = "station", _("小区党群服务站")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="service_sites",
                                  verbose_name=_("社区"))
    compound = models.ForeignKey(Compound, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="service_sites", verbose_name=_("小区"))
    address = models.CharField(_("地址"), max_length=120, blank=True)
    spaces = models.CharField(_("场地"), max_length=200, blank=True,
                              help_text=_("如：物业用房、架空层、周边闲置资产"))
    functions = models.JSONField(_("服务功能"), default=list, blank=True)
    opened_on = models.DateField(_("建成日期"), null=True, blank=True)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        ordering = ["kind", "community_id", "name"]
        verbose_name = _("服务阵地")
        verbose_name_plural = _("服务阵地")
        constraints = [
            models.CheckConstraint(condition=Q(kind="centre") | Q(compound__isnull=False),
                                   name="servicesite_station_has_compound"),
        ]

    def __str__(self) -> str:
        return self.name

    def function_labels(self) -> list[str]:
        labels = dict(ServiceFunction.choices)
        return [str(labels[f]) for f in self.functions if f in labels]


class FundingGrant(models.Model):
    """Money given to a compound for its party work (党费划拨, 财政扶持, 专项补助); `pilot` marks the grants of
    the pilot compounds (试点示范小区)."""

    class Source(models.TextChoices):
        PARTY_FEE = "party_fee", _("党费划拨")
        FISCAL = "fiscal", _("财政扶持")
        SPECIAL = "special", _("专项补助")

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="grants", verbose_name=_("小区"))
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    amount_yuan = models.PositiveIntegerField(_("金额（元）"))
    granted_on = models.DateField(_("拨付日期"))
    purpose = models.CharField(_("用途"), max_length=120, blank=True)
    pilot = models.BooleanField(_("试点示范小区经费"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["-granted_on", "id"]
        verbose_name = _("小区工作经费")
        verbose_name_plural = _("小区工作经费")
        constraints = [models.CheckConstraint(condition=Q(amount_yuan__gt=0), name="fundinggrant_amount_positive")]

    def __str__(self) -> str:
        return f"{self.compound} {self.amount_yuan}"
