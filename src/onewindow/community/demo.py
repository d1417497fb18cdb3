"""Licheng district (荔城区, Putian) demo: 党建引领小区治理 as told by the seed text.

183 compounds; 137 compound party branches (117 independent, 20 joint covering 66 compounds) → 100% coverage;
3,976 registered in-service members (generated in bulk) plus mobile, in-need and retired members;
48 service teams; a menu of public / social / market services; six months of orders credited through the
ledger; theme days on the 15th; residents' matters; tri-party council proposals.

Idempotent: a second run finds the demo loaded and only re-links the `volunteer` login.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from onewindow.core import clock

from .models import (
    Account,
    Building,
    CoBuildingUnit,
    Community,
    Compound,
    Grid,
    Member,
    MenuItem,
    Order,
    PartyOrg,
    SharedResource,
    Street,
    Team,
)
from .services import ledger, matters, orders, proposals, theme_events

# street → communities (荔城区's streets and towns; communities in the town seats)
STREETS: dict[str, list[str]] = {
    "镇海街道": ["英龙社区", "文献社区", "梅峰社区", "东梅社区", "沙坂社区", "阔口社区"],
    "拱辰街道": ["东园社区", "延寿社区", "梅园社区", "古山社区", "北磨社区"],
    "西天尾镇": ["龙山社区", "溪白社区", "后卓社区"],
    "黄石镇": ["黄石社区", "七境社区", "江东社区"],
    "新度镇": ["新度社区", "蒲坂社区"],
    "北高镇": ["北高社区"],
}
NAMED_COMPOUNDS = {  # the compounds the seed's coverage story names, placed in their communities
    "东梅社区": ["东梅小区", "浅水湾小区", "浅水湾荔苑"],
    "英龙社区": ["华景城小区"],
}
STEMS = ("荔园", "华亭", "万达华府", "正荣润城", "阳光城", "梅峰花园", "凤凰城", "荔景湾", "绶溪公园里", "壶兰花园",
         "天九湾", "建发央著", "金鼎广场", "世纪锦城", "御景苑", "书香门第", "东方明珠", "荔枝林", "兰溪苑", "龙腾苑",
         "海德堡", "学府世家", "怡景园", "文献里", "木兰花园", "荔港", "南门小区", "兴安里", "紫霄苑", "绿洲花园",
         "宝石花园", "玉湖新城", "延寿新村", "古山苑", "北磨新村", "龙山苑", "溪白佳园", "后卓新村", "黄石新城",
         "七境花园", "江东苑", "新度锦园", "蒲坂嘉园", "北高花园", "步云里", "瑞云苑", "镇海苑", "拱辰花园",
         "荔浦", "梅园新村", "沙坂新村", "阔口苑", "东园新村", "英龙华府", "华林苑", "锦绣江南", "丽景湾",
         "滨江一号", "中梁首府", "碧桂园")
TOTAL_COMPOUNDS = 183
JOINT_SIZES = [3] * 14 + [4] * 6  # 20 joint branches covering 66 compounds

TEAM_FIELDS = ("教育医疗", "扶贫帮困", "治安维稳", "环境保护", "法律咨询", "文明创建", "助老助残", "文化体育")

EMPLOYERS = ("荔城区委组织部", "荔城区教育局", "荔城区卫生健康局", "荔城区司法局", "荔城区人力资源和社会保障局",
             "荔城区民政局", "荔城区城市管理局", "荔城区住房和城乡建设局", "国家税务总局莆田市荔城区税务局",
             "荔城区市场监督管理局", "莆田市公安局荔城分局", "荔城区医院", "莆田第二中学", "荔城区实验小学",
             "国网莆田市荔城区供电公司", "中国移动莆田荔城分公司", "中国农业银行莆田荔城支行", "荔城区融媒体中心",
             "荔城区财政局", "荔城区文化体育和旅游局")

MENU = (
    ("政策宣讲", "public", 90, "理论政策、惠民政策进小区宣讲"),
    ("义诊服务", "public", 120, "血压血糖测量、健康咨询"),
    ("法律咨询", "public", 60, "婚姻家庭、物业纠纷、劳动争议法律咨询"),
    ("环境整治", "public", 120, "楼道清理、绿地保洁、垃圾分类引导"),
    ("平安巡逻", "public", 120, "夜间巡逻、消防隐患排查"),
    ("文明劝导", "public", 60, "文明养犬、车辆停放劝导"),
    ("关爱空巢老人", "social", 60, "上门探访、陪伴聊天、代购代办"),
    ("四点半课堂", "social", 90, "放学后作业辅导"),
    ("困难家庭帮扶", "social", 60, "走访慰问、政策申请代办"),
    ("国学讲座", "social", 90, "邻里文化节国学讲座"),
    ("亲子手工", "social", 90, "邻里文化节亲子手工互动"),
    ("家电维修", "market", 60, "驻区企业党员提供的小家电维修"),
    ("理发服务", "market", 45, "为行动不便老人上门理发"),
    ("手机使用培训", "market", 60, "帮助老年人使用智能手机、健康码、医保App"),
)

SURNAMES = "林陈黄郑吴王李张蔡许方刘杨翁朱徐周余宋卓"
GIVEN = "志国建文明华伟强丽娟秀英雅琴淑芬海燕晓东建平春梅金龙玉兰德辉清泉晨阳思远佳怡子涵宇航"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _phone(rng: random.Random) -> str:
    return f"13{rng.randint(5, 9)}{rng.randint(0, 99999999):08d}"


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def load(*, scale: int = 0, stdout: Any = None) -> None:
    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text)

    if Street.objects.filter(name="镇海街道").exists():
        _link_volunteer()
        say("   community demo already loaded")
        return
    rng = random.Random(20211)
    with transaction.atomic():
        compounds = _organisation(rng)
        employers = _cobuilding(rng)
        teams = _members_and_teams(rng, compounds, employers, in_service=3975 + max(scale, 0))  # + the volunteer login = 3,976
        for name, category, minutes, description in MENU:
            MenuItem.objects.get_or_create(name=name, defaults={"category": category, "suggested_minutes": minutes,
                                                                "description": description})
        _link_volunteer()
    with transaction.atomic():
        _history(rng, compounds, teams)
    with transaction.atomic():
        _matters_and_proposals(rng, compounds)
    say(f"   Licheng: {Compound.objects.count()} compounds, "
        f"{PartyOrg.objects.filter(kind=PartyOrg.Kind.COMPOUND_BRANCH).count()} branches, "
        f"{Member.objects.count()} members, {Team.objects.count()} teams, {Order.objects.count()} orders")


def _organisation(rng: random.Random) -> list[Compound]:
    communities: list[Community] = []
    for street_name, names in STREETS.items():
        street = Street.objects.create(name=street_name)
        PartyOrg.objects.create(kind=PartyOrg.Kind.STREET_COMMITTEE, name=f"{street_name}大工委", street=street,
                                secretary=_name(rng))
        for name in names:
            communities.append(Community.objects.create(street=street, name=name))
    committee_of = {}
    for c in communities:
        committee_of[c.pk] = PartyOrg.objects.create(kind=PartyOrg.Kind.COMMUNITY_COMMITTEE, name=f"{c.name}大党委",
                                                     community=c, street_id=c.street_id, secretary=_name(rng))
        for g in range(1, 4):
            Grid.objects.create(community=c, name=f"第{g}网格", keeper=_name(rng))
    grids: dict[int, list[Grid]] = {}
    for g in Grid.objects.all():
        grids.setdefault(g.community_id, []).append(g)
    # distribute 183 compounds over the communities, the named ones first
    names_by_community: dict[int, list[str]] = {c.pk: list(NAMED_COMPOUNDS.get(c.name, [])) for c in communities}
    used = {n for names in NAMED_COMPOUNDS.values() for n in names}
    pool = []
    for stem in STEMS:
        for suffix in ("小区", "一期", "二期", "三期"):
            label = stem + suffix if suffix == "小区" and not stem.endswith(("小区", "新村")) else \
                (stem if suffix == "小区" else f"{stem}{suffix}")
            if label not in used:
                pool.append(label)
                used.add(label)
    total = sum(len(v) for v in names_by_community.values())
    i = 0
    while total < TOTAL_COMPOUNDS:
        c = communities[i % len(communities)]
        names_by_community[c.pk].append(pool.pop(0))
        total += 1
        i += 1
    compounds: list[Compound] = []
    for c in communities:
        for name in names_by_community[c.pk]:
            compounds.append(Compound(community=c, name=name, households=rng.randint(120, 1600),
                                      grid=rng.choice(grids[c.pk])))
    Compound.objects.bulk_create(compounds)
    compounds = list(Compound.objects.select_related("community").order_by("id"))
    Building.objects.bulk_create([Building(compound=cp, name=f"{b}号楼") for cp in compounds
                                  for b in range(1, rng.randint(3, 9))])
    # 20 joint branches over 66 compounds (neighbours in the same community), 117 independent branches
    by_community: dict[int, list[Compound]] = {}
    for cp in compounds:
        by_community.setdefault(cp.community_id, []).append(cp)
    named = ["浅水湾小区", "浅水湾荔苑", "东梅小区"]
    grouped: set[int] = set()
    joint_groups: list[list[Compound]] = []
    for size in JOINT_SIZES:
        if not joint_groups:  # the seed's neighbours share one joint branch
            group = sorted((cp for cp in compounds if cp.name in named), key=lambda cp: named.index(cp.name))
        else:
            items = max(by_community.values(), key=lambda v: sum(cp.pk not in grouped for cp in v))
            group = [cp for cp in items if cp.pk not in grouped and cp.name != "华景城小区"][:size]
        grouped.update(cp.pk for cp in group)
        joint_groups.append(group)
    in_joint = {cp.pk for g in joint_groups for cp in g}
    through = PartyOrg.compounds.through
    links = []
    for group in joint_groups:
        first = group[0]
        label = "、".join(cp.name for cp in group[:2])
        branch = PartyOrg.objects.create(kind=PartyOrg.Kind.COMPOUND_BRANCH, form=PartyOrg.Form.JOINT,
                                         name=f"{label}等小区联合党支部", community=first.community,
                                         parent=committee_of[first.community_id], secretary=_name(rng),
                                         secretary_phone=_phone(rng))
        links += [through(partyorg_id=branch.pk, compound_id=cp.pk) for cp in group]
    independent = [PartyOrg(kind=PartyOrg.Kind.COMPOUND_BRANCH, form=PartyOrg.Form.INDEPENDENT,
                            name=f"{cp.name}党支部", community=cp.community, parent=committee_of[cp.community_id],
                            secretary=_name(rng), secretary_phone=_phone(rng))
                   for cp in compounds if cp.pk not in in_joint]
    PartyOrg.objects.bulk_create(independent)
    by_name = {(o.community_id, o.name): o.pk for o in PartyOrg.objects.filter(form=PartyOrg.Form.INDEPENDENT)}
    links += [through(partyorg_id=by_name[(cp.community_id, f"{cp.name}党支部")], compound_id=cp.pk)
              for cp in compounds if cp.pk not in in_joint]
    through.objects.bulk_create(links)
    # building party groups in the larger compounds
    for cp in compounds[:40]:
        building = cp.buildings.first()
        if building is not None:
            PartyOrg.objects.create(kind=PartyOrg.Kind.BUILDING_GROUP, name=f"{cp.name}{building.name}党小组",
                                    building=building, community=cp.community, secretary=_name(rng))
    return compounds


def _cobuilding(rng: random.Random) -> list[CoBuildingUnit]:
    communities = list(Community.objects.order_by("id"))
    units = []
    resources = (("room", "党员活动室", 40), ("venue", "篮球场", 100), ("room", "会议室", 30), ("venue", "图书阅览室", 60),
                 ("service", "志愿服务", 0), ("venue", "文体活动中心", 200))
    for i, name in enumerate(EMPLOYERS):
        unit = CoBuildingUnit.objects.create(name=name, party_org_name=f"{name}党组织", contact=_name(rng))
        unit.communities.set([communities[i % len(communities)], communities[(i * 7 + 3) % len(communities)]])
        for kind, label, capacity in rng.sample(resources, 2):
            SharedResource.objects.create(unit=unit, kind=kind, name=f"{label}", capacity=capacity,
                                          description=f"{name}{label}，向结对社区开放")
        units.append(unit)
    return units


def _members_and_teams(rng: random.Random, compounds: list[Compound], employers: list[CoBuildingUnit],
                       in_service: int) -> list[Team]:
    now = clock.now()
    members: list[Member] = []
    for _ in range(in_service):
        members.append(Member(name=_name(rng), phone=_phone(rng), category=Member.Category.IN_SERVICE,
                              employer=rng.choice(employers), home_compound=rng.choice(compounds),
                              created_at=now, skills=rng.choice(("", "", "书法", "摄影", "医疗", "法律", "教育",
                                                                  "电工", "心理咨询", "烹饪"))))
    for category, n in ((Member.Category.MOBILE, 240), (Member.Category.IN_NEED, 60), (Member.Category.RETIRED, 420)):
        for _ in range(n):
            members.append(Member(name=_name(rng), phone=_phone(rng), category=category,
                                  home_compound=rng.choice(compounds), created_at=now))
    # most in-service members have reported in at their home community
    community_of = {cp.pk: cp.community_id for cp in compounds}
    for m in members:
        if m.category == Member.Category.IN_SERVICE or rng.random() < 0.5:
            m.reported_at = now - dt.timedelta(days=rng.randint(30, 700))
            m.reported_community_id = community_of[m.home_compound_id]
            m.report_status = Member.ReportStatus.REPORTED
    for m in rng.sample(members, 36):
        m.is_star = True
        m.star_title = rng.choice(("书法达人", "国学讲师", "手工能人", "调解能手", "健康达人", "摄影达人", "厨艺达人"))
    Member.objects.bulk_create(members, batch_size=1000)
    ids = list(Member.objects.order_by("id").values_list("id", "name"))
    Account.objects.bulk_create([Account(kind=Account.Kind.MEMBER, name=name, member_id=pk, created_at=now)
                                 for pk, name in ids], batch_size=1000)
    communities = list(Community.objects.order_by("id"))
    teams = []
    for i in range(48):
        field = TEAM_FIELDS[i % len(TEAM_FIELDS)]
        community = communities[(i // len(TEAM_FIELDS) + i) % len(communities)]
        teams.append(Team(name=f"{community.name}{field}服务队", field=field, community=community))
    Team.objects.bulk_create(teams)
    teams = list(Team.objects.order_by("id"))
    through = Team.members.through
    links = []
    member_ids = [pk for pk, _n in ids]
    for team in teams:
        chosen = rng.sample(member_ids, 40)
        links += [through(team_id=team.pk, member_id=m) for m in chosen]
        team.leader_id = chosen[0]
    through.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    Team.objects.bulk_update(teams, ["leader"])
    Account.objects.bulk_create([Account(kind=Account.Kind.TEAM, name=t.name, team=t, created_at=now) for t in teams])
    for c in communities:
        ledger.account_for_community(c)
    ledger.bank_account()
    return teams


def _link_volunteer() -> None:
    """The `volunteer` login (方志强) is an in-service member from the education bureau living in 浅水湾小区."""
    user = User.objects.filter(username="volunteer").first()
    if user is None or Member.objects.filter(user=user).exists():
        return
    compound = Compound.objects.filter(name="浅水湾小区").first()
    employer = CoBuildingUnit.objects.filter(name="荔城区教育局").first()
    if compound is None or employer is None:
        return
    member = Member.objects.create(user=user, name="方志强", phone="13959412368", category=Member.Category.IN_SERVICE,
                                   employer=employer, home_compound=compound, skills="教育、书法",
                                   created_at=clock.now())
    ledger.account_for_member(member)
    team = Team.objects.filter(community=compound.community, field="教育医疗").first() or Team.objects.first()
    if team is not None:
        team.members.add(member)


def _history(rng: random.Random, compounds: list[Compound], teams: list[Team]) -> None:
    """Six months of orders and theme days, each step through the services at its own time."""
    worker = User.objects.filter(username="community").first()
    volunteer_user = User.objects.filter(username="volunteer").first()
    menu = list(MenuItem.objects.order_by("id"))
    today = clock.today()
    takers = list(Member.objects.filter(category=Member.Category.IN_SERVICE, user__isnull=True)
                  .select_related("user").order_by("id")[:60])
    takers_users: dict[int, User] = {}
    # a few takers get logins so they can act (the volunteer too)
    for m in takers[:12]:
        user, _c = User.objects.get_or_create(username=f"member{m.pk}")
        if _c:
            user.set_unusable_password()
            user.save()
        Member.objects.filter(pk=m.pk).update(user=user)
        takers_users[m.pk] = user
    me = Member.objects.filter(user=volunteer_user).first() if volunteer_user else None
    actors = [(m, takers_users[m.pk]) for m in takers[:12]]
    if me is not None:
        actors.append((me, volunteer_user))
    # every step is scheduled at its own time and all steps run in time order, so ledger postings (and
    # statements) follow the calendar
    steps: list[tuple[dt.datetime, int, Any]] = []

    def at(when: dt.datetime, fn: Any) -> None:
        steps.append((when, len(steps), fn))

    for k in range(110):
        day = today - dt.timedelta(days=rng.randint(1, 175) if k < 107 else 1)
        compound = rng.choice(compounds[:60] + [c for c in compounds if c.name in ("浅水湾小区", "华景城小区")])
        item = rng.choice(menu)
        taker, taker_user = actors[k % len(actors)]
        state: dict[str, Any] = {}

        def place(state=state, item=item, compound=compound, day=day) -> None:  # noqa: ANN001
            state["order"] = orders.order_place(
                menu_item=item, compound=compound, service_date=day - dt.timedelta(days=1),
                requester_kind=Order.RequesterKind.COMMUNITY, actor=worker, description=f"{compound.name}{item.name}")

        at(_aware(day - dt.timedelta(days=3), 9), place)
        if k % 11 == 10:
            at(_aware(day - dt.timedelta(days=2), 9), lambda state=state: orders.order_cancel(
                order=state["order"], actor=worker, reason="居民需求已由物业解决"))
            continue
        team = taker.teams.first() if k % 5 == 0 else None
        at(_aware(day - dt.timedelta(days=2), 11), lambda state=state, u=taker_user, t=team: orders.order_take(
            order=state["order"], actor=u, team=t))
        at(_aware(day - dt.timedelta(days=1), 17), lambda state=state, u=taker_user: orders.order_mark_done(
            order=state["order"], actor=u))
        if k >= 107:
            continue  # the last few await the community's confirmation
        if k % 17 == 16:
            at(_aware(day, 10), lambda state=state: orders.order_dispute(
                order=state["order"], actor=worker, reason="服务时长与实际不符"))
            continue
        # within the suggested time: above it a confirmation waits for another community worker's approval
        minutes = max(item.suggested_minutes + rng.choice((-30, -15, 0, 0, 0)), 30)
        rating = rng.choice((5, 5, 5, 4, 4, 3))
        at(_aware(day, 10), lambda state=state, m=minutes, r=rating: orders.order_confirm(
            order=state["order"], minutes=m, rating=r, actor=worker))
    # theme days on the 15th of the last six months: sign-up, attendance, hours credited
    shuiwan = next(c for c in compounds if c.name == "浅水湾小区").community
    participants = list(Member.objects.filter(home_compound__community=shuiwan).order_by("id")[:40])
    titles = ("主题党日：垃圾分类我先行", "主题党日：邻里文化节", "主题党日：节日慰问困难党员", "主题党日：文明创建志愿服务",
              "主题党日：平安小区巡逻", "主题党日：国学讲座进小区")
    for i in range(6):
        year, month = today.year, today.month - 6 + i
        while month <= 0:
            month += 12
            year -= 1
        day = theme_events.theme_day(year, month)
        if day >= today:
            continue
        chosen = rng.sample(participants, min(25, len(participants)))
        if me is not None and me not in chosen:
            chosen.insert(0, me)
        state = {}

        def create(state=state, title=titles[i], day=day, chosen=chosen) -> None:  # noqa: ANN001
            state["event"] = theme_events.event_create(community=shuiwan, title=title, date=day, actor=worker,
                                                   place="东梅社区党群服务中心", capacity=60, credit_minutes=120)
            for m in chosen:
                theme_events.event_sign_up(event=state["event"], member=m, actor=worker)

        def finish(state=state, chosen=chosen) -> None:  # noqa: ANN001
            theme_events.event_mark_attendance(event=state["event"], member_ids=[m.pk for m in chosen[:-3]], actor=worker)
            theme_events.event_close(event=state["event"], actor=worker)

        at(_aware(day - dt.timedelta(days=7)), create)
        at(_aware(day, 16), finish)
    for when, _seq, fn in sorted(steps, key=lambda s: (s[0], s[1])):
        with clock.frozen(when):
            fn()
    # open orders for the coming week: the board has work on it
    with clock.frozen(_aware(today, 8)):
        for k in range(8):
            compound = [c for c in compounds if c.name in ("浅水湾小区", "华景城小区", "浅水湾荔苑", "东梅小区")][k % 4]
            orders.order_place(menu_item=menu[k % len(menu)], compound=compound,
                                 service_date=today + dt.timedelta(days=1 + k % 6),
                                 requester_kind=Order.RequesterKind.COMMUNITY, actor=worker,
                                 description=f"{compound.name}居民需求：{menu[k % len(menu)].description}")
    # the volunteer already has a taken order to finish
    if me is not None:
        open_order = Order.objects.filter(status=Order.Status.OPEN, service_date__gte=today).order_by("id").first()
        if open_order is not None:
            orders.order_take(order=open_order, actor=volunteer_user)
    next_month = dt.date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    upcoming = theme_events.theme_day(today.year, today.month) if today.day < 15 else theme_events.theme_day(
        next_month.year, next_month.month)
    event = theme_events.event_create(community=shuiwan, title="主题党日：冬季消防安全宣传", date=upcoming, actor=worker,
                                  place="浅水湾小区广场", capacity=50, credit_minutes=90)
    for m in participants[:12]:
        theme_events.event_sign_up(event=event, member=m, actor=worker)
    # a donation and a redemption so statements show every kind of movement
    if len(takers) >= 2:
        a, b = takers[0], takers[1]
        if a.account.balance >= 30:
            ledger.donation_make(giver=a, receiver=b, minutes=30, operator=worker, idempotency_key="demo-donation-1",
                                   note="结对帮扶：赠送服务时长")
        if b.account.balance >= 60:
            ledger.redemption_make(member=b, minutes=60, purpose="reward", note="兑换“文明家庭”纪念品",
                                     operator=worker, idempotency_key="demo-redemption-1")


def _matters_and_proposals(rng: random.Random, compounds: list[Compound]) -> None:
    worker = User.objects.filter(username="community").first()
    named = {c.name: c for c in compounds}
    today = clock.today()
    matter_rows = (
        ("talk", "浅水湾小区", "地下车库积水，雨天无法通行", "property", True),
        ("rights", "华景城小区", "物业费上涨未经业主大会表决", "owners_committee", True),
        ("legal", "东梅小区", "房屋装修邻里漏水纠纷，咨询赔偿责任", "legal_aid", True),
        ("talk", "浅水湾荔苑", "小区广场舞噪音扰民", "community", False),
        ("talk", "东梅小区", "增设电动车充电桩", "property", None),
        ("rights", "浅水湾小区", "开发商承诺的幼儿园迟迟未建", "community", None),
        ("legal", "华景城小区", "拖欠装修工人工资", "legal_aid", None),
    )
    for i, (kind, compound_name, subject, route, closed) in enumerate(matter_rows):
        day = today - dt.timedelta(days=40 - i * 5)
        with clock.frozen(_aware(day, 9)):
            matter = matters.matter_intake(kind=kind, compound=named[compound_name], resident_name=_name(rng),
                                            resident_phone=_phone(rng), subject=subject, actor=worker,
                                            description=f"{compound_name}居民反映：{subject}。")
        if i == 6:
            continue
        with clock.frozen(_aware(day, 11)):
            matter = matters.matter_route(matter=matter, route=route, actor=worker)
        if closed is None and i == 5:
            continue
        with clock.frozen(_aware(day + dt.timedelta(days=2), 15)):
            matters.matter_mediate(matter=matter, actor=worker,
                                    note="小区党支部牵头，业委会、物业三方到场协调，听取双方意见")
        if closed is None:
            continue
        with clock.frozen(_aware(day + dt.timedelta(days=5), 15)):
            matter = matters.matter_resolve(matter=matter, actor=worker, resolution="三方达成一致，限期整改到位")
        with clock.frozen(_aware(day + dt.timedelta(days=7), 10)):
            matters.matter_close(matter=matter, actor=worker, satisfied=closed,
                                  feedback="问题已解决，感谢小区党支部" if closed else "基本解决，仍需持续关注")
    proposal_rows = (
        ("浅水湾小区", "property_company", "选聘新一届物业服务企业", 4),
        ("华景城小区", "maintenance_fund", "使用物业维修资金更换3号楼电梯", 4),
        ("东梅小区", "rules", "修订业委会议事规则", 4),
        ("浅水湾荔苑", "dispute", "调处停车位分配矛盾", 2),
        ("浅水湾小区", "maintenance_fund", "外墙渗水维修", 1),
        ("华景城小区", "other", "增设儿童游乐设施", 0),
    )
    steps = ("deliberate", "decide", "evaluate", "publish")
    for i, (compound_name, topic, title, stage) in enumerate(proposal_rows):
        day = today - dt.timedelta(days=60 - i * 8)
        with clock.frozen(_aware(day, 9)):
            p = proposals.proposal_create(compound=named[compound_name], topic=topic, title=title, actor=worker,
                                         content=f"{compound_name}党支部提议：{title}。经征求党员和居民意见后提交三方联席会议。")
        for s, step in enumerate(steps[:stage]):
            with clock.frozen(_aware(day + dt.timedelta(days=3 * (s + 1)), 15)):
                proposals.proposal_advance(
                    proposal=p, step=step, actor=worker,
                    text={"deliberate": "党支部、业委会、物业服务企业三方联席会议商议，形成初步方案",
                          "decide": "业主代表大会表决通过",
                          "evaluate": "党员评议、群众评议：方案公开透明，程序合规",
                          "publish": "决议及实施结果在小区公示栏和线上平台公开"}[step],
                    votes_for=rng.randint(120, 260), votes_against=rng.randint(3, 20), votes_abstain=rng.randint(0, 9),
                    approval_rate=rng.randint(92, 99))
