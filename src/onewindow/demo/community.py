"""Licheng district (荔城区, Putian) demo: 党建引领小区治理 as told by the seed text.

183 compounds; 137 compound party branches (117 independent, 20 joint covering 66 compounds) → 100% coverage;
3,976 in-service members (generated in bulk) plus mobile, in-need and retired members; 48 service teams; a
menu of public / social / market services; six months of orders credited through the ledger; theme days on
the 15th; residents' matters; tri-party council proposals.

What Licheng holds is data (data/community/: the figures, streets, communities and compound names in
organisation.yaml; employers, teams and the volunteer login in people.yaml; the menu in menu.csv; the rhythm of
six months in history.yaml; matters and proposals in governance.yaml). This module builds the organisation and
the members in bulk (volume), and plays the history through community's services, each step at its own
(frozen) time, so every order, matter, proposal and theme event has the events, ledger transfers and audit
entries a real one has. Random choices come from one seeded generator, so every run builds the same Licheng.

Idempotent: a second run finds the demo loaded and only re-links the `volunteer` login.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cache, partial
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from onewindow.community.models import (
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
    ThemeEvent,
)
from onewindow.community.services import ledger, matters, orders, proposals, theme_events
from onewindow.core import clock

DATA_DIR = Path(__file__).resolve().parent / "data" / "community"
SEED = 20211


@cache
def data(name: str) -> dict[str, Any]:
    with (DATA_DIR / f"{name}.yaml").open(encoding="utf-8") as f:
        loaded: dict[str, Any] = yaml.safe_load(f)
    return loaded


def menu_rows() -> list[dict[str, str]]:
    with (DATA_DIR / "menu.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class Figures:
    """The seed's figures (organisation.yaml), checked to add up."""

    compounds: int
    branches: int
    independent_branches: int
    joint_branches: int
    compounds_in_joint_branches: int
    teams: int
    in_service_members: int

    def __post_init__(self) -> None:
        if (self.independent_branches != self.compounds - self.compounds_in_joint_branches
                or self.branches != self.independent_branches + self.joint_branches
                or self.compounds_in_joint_branches < 2 * self.joint_branches):
            raise ValueError(f"the community demo's figures do not add up: {self}")

    @property
    def joint_sizes(self) -> list[int]:
        """How many compounds each joint branch covers: as even as can be, the larger ones last."""
        size, larger = divmod(self.compounds_in_joint_branches, self.joint_branches)
        return [size] * (self.joint_branches - larger) + [size + 1] * larger


def figures() -> Figures:
    return Figures(**data("organisation")["figures"])


def load(*, scale: int = 0, stdout: Any = None) -> None:
    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text)

    first_street = next(iter(data("organisation")["streets"]))
    if Street.objects.filter(name=first_street).exists():
        _link_volunteer()
        say("   community demo already loaded")
        return
    rng = random.Random(SEED)
    with transaction.atomic():
        compounds = _organisation(rng)
        employers = _cobuilding(rng)
        # the volunteer login is the last in-service member
        _members(rng, compounds, employers, in_service=figures().in_service_members - 1)
        _teams(rng)
        for row in menu_rows():
            MenuItem.objects.get_or_create(name=row["name"], defaults={
                "category": row["category"], "suggested_minutes": int(row["suggested_minutes"]),
                "description": row["description"]})
        _link_volunteer()
    with transaction.atomic():
        _history(rng, compounds)
    with transaction.atomic():
        _matters(rng, compounds)
        _proposals(rng, compounds)
    say(f"   Licheng: {Compound.objects.count()} compounds, "
        f"{PartyOrg.objects.filter(kind=PartyOrg.Kind.COMPOUND_BRANCH).count()} branches, "
        f"{Member.objects.count()} members, {Team.objects.count()} teams, {Order.objects.count()} orders")


def _name(rng: random.Random) -> str:
    people = data("people")
    return rng.choice(people["surnames"]) + "".join(rng.choice(people["given"]) for _ in range(rng.choice((1, 2, 2))))


def _phone(rng: random.Random) -> str:
    return f"13{rng.randint(5, 9)}{rng.randint(0, 99999999):08d}"


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


# ------------------------------------------------------------------ organisation (bulk)


def _organisation(rng: random.Random) -> list[Compound]:
    communities, committee_of = _streets_and_communities(rng)
    compounds = _compounds(rng, communities)
    _branches(rng, compounds, committee_of)
    for cp in compounds[:data("organisation")["building_groups"]]:  # building party groups
        building = cp.buildings.first()
        if building is not None:
            PartyOrg.objects.create(kind=PartyOrg.Kind.BUILDING_GROUP, name=f"{cp.name}{building.name}党小组",
                                    building=building, community=cp.community, secretary=_name(rng))
    return compounds


def _streets_and_communities(rng: random.Random) -> tuple[list[Community], dict[int, PartyOrg]]:
    """Streets with their working committees, communities with their party committees and grids."""
    communities: list[Community] = []
    for street_name, names in data("organisation")["streets"].items():
        street = Street.objects.create(name=street_name)
        PartyOrg.objects.create(kind=PartyOrg.Kind.STREET_COMMITTEE, name=f"{street_name}大工委", street=street,
                                secretary=_name(rng))
        communities += [Community.objects.create(street=street, name=name) for name in names]
    committee_of = {}
    for c in communities:
        committee_of[c.pk] = PartyOrg.objects.create(kind=PartyOrg.Kind.COMMUNITY_COMMITTEE, name=f"{c.name}大党委",
                                                     community=c, street_id=c.street_id, secretary=_name(rng))
        for g in range(1, data("organisation")["grids_per_community"] + 1):
            Grid.objects.create(community=c, name=f"第{g}网格", keeper=_name(rng))
    return communities, committee_of


def _compound_names(communities: list[Community]) -> dict[int, list[str]]:
    """Each community's compounds: the named ones first, then names from the stems in turn, up to the figure."""
    organisation = data("organisation")
    named: dict[str, list[str]] = organisation["named_compounds"]
    names_by_community = {c.pk: list(named.get(c.name, [])) for c in communities}
    used = {n for names in named.values() for n in names}
    pool = []
    for stem in organisation["compound_name_stems"]:
        for suffix in organisation["compound_name_suffixes"]:
            if suffix != "小区":
                label = f"{stem}{suffix}"
            else:
                label = stem if stem.endswith(("小区", "新村")) else stem + suffix
            if label not in used:
                pool.append(label)
                used.add(label)
    total = sum(len(v) for v in names_by_community.values())
    for i in range(figures().compounds - total):
        names_by_community[communities[i % len(communities)].pk].append(pool.pop(0))
    return names_by_community


def _compounds(rng: random.Random, communities: list[Community]) -> list[Compound]:
    organisation = data("organisation")
    grids: dict[int, list[Grid]] = {}
    for g in Grid.objects.all():
        grids.setdefault(g.community_id, []).append(g)
    names = _compound_names(communities)
    low, high = organisation["households"]
    Compound.objects.bulk_create([
        Compound(community=c, name=name, households=rng.randint(low, high), grid=rng.choice(grids[c.pk]))
        for c in communities for name in names[c.pk]])
    compounds = list(Compound.objects.select_related("community").order_by("id"))
    fewest, most = organisation["buildings_per_compound"]
    Building.objects.bulk_create([Building(compound=cp, name=f"{b}号楼") for cp in compounds
                                  for b in range(1, rng.randint(fewest, most) + 1)])
    return compounds


def _joint_groups(compounds: list[Compound]) -> list[list[Compound]]:
    """The compounds of each joint branch: the seed's neighbours first, then neighbours in the same community
    (taken from the community with the most compounds not yet grouped)."""
    organisation = data("organisation")
    first: list[str] = organisation["first_joint_branch"]
    keep_own = set(organisation["own_branch"])
    by_community: dict[int, list[Compound]] = {}
    for cp in compounds:
        by_community.setdefault(cp.community_id, []).append(cp)
    grouped: set[int] = set()
    groups: list[list[Compound]] = []
    for size in figures().joint_sizes:
        if not groups:
            group = sorted((cp for cp in compounds if cp.name in first), key=lambda cp: first.index(cp.name))
            group += [cp for cp in by_community[group[0].community_id]
                      if cp not in group and cp.name not in keep_own][:size - len(group)]
        else:
            items = max(by_community.values(), key=lambda v: sum(cp.pk not in grouped for cp in v))
            group = [cp for cp in items if cp.pk not in grouped and cp.name not in keep_own][:size]
        grouped.update(cp.pk for cp in group)
        groups.append(group)
    return groups


def _branches(rng: random.Random, compounds: list[Compound], committee_of: dict[int, PartyOrg]) -> None:
    """The joint branches, then one independent branch for every other compound."""
    groups = _joint_groups(compounds)
    in_joint = {cp.pk for g in groups for cp in g}
    through = PartyOrg.compounds.through
    links = []
    for group in groups:
        first = group[0]
        branch = PartyOrg.objects.create(
            kind=PartyOrg.Kind.COMPOUND_BRANCH, form=PartyOrg.Form.JOINT,
            name=f"{'、'.join(cp.name for cp in group[:2])}等小区联合党支部", community=first.community,
            parent=committee_of[first.community_id], secretary=_name(rng), secretary_phone=_phone(rng))
        links += [through(partyorg_id=branch.pk, compound_id=cp.pk) for cp in group]
    own = [cp for cp in compounds if cp.pk not in in_joint]
    PartyOrg.objects.bulk_create([
        PartyOrg(kind=PartyOrg.Kind.COMPOUND_BRANCH, form=PartyOrg.Form.INDEPENDENT, name=f"{cp.name}党支部",
                 community=cp.community, parent=committee_of[cp.community_id], secretary=_name(rng),
                 secretary_phone=_phone(rng)) for cp in own])
    by_name = {(o.community_id, o.name): o.pk for o in PartyOrg.objects.filter(form=PartyOrg.Form.INDEPENDENT)}
    links += [through(partyorg_id=by_name[(cp.community_id, f"{cp.name}党支部")], compound_id=cp.pk) for cp in own]
    through.objects.bulk_create(links)


def _cobuilding(rng: random.Random) -> list[CoBuildingUnit]:
    """The employers of in-service members, each paired with two communities, sharing two resources."""
    people = data("people")
    communities = list(Community.objects.order_by("id"))
    units = []
    for i, name in enumerate(people["employers"]):
        unit = CoBuildingUnit.objects.create(name=name, party_org_name=f"{name}党组织", contact=_name(rng))
        unit.communities.set([communities[i % len(communities)], communities[(i * 7 + 3) % len(communities)]])
        for kind, label, capacity in rng.sample(people["resources"], 2):
            SharedResource.objects.create(unit=unit, kind=kind, name=label, capacity=capacity,
                                          description=f"{name}{label}，向结对社区开放")
        units.append(unit)
    return units


# ------------------------------------------------------------------ members and teams (bulk)


def _members(rng: random.Random, compounds: list[Compound], employers: list[CoBuildingUnit], in_service: int) -> None:
    """In-service members (all reported in at their home community), the others (half of them reported in), the
    talent pool, and everybody's hour account."""
    people = data("people")
    now = clock.now()
    members = [Member(name=_name(rng), phone=_phone(rng), category=Member.Category.IN_SERVICE,
                      employer=rng.choice(employers), home_compound=rng.choice(compounds), created_at=now,
                      skills=rng.choice(people["skills"])) for _ in range(in_service)]
    for category, n in people["other_members"].items():
        members += [Member(name=_name(rng), phone=_phone(rng), category=category,
                           home_compound=rng.choice(compounds), created_at=now) for _ in range(n)]
    community_of = {cp.pk: cp.community_id for cp in compounds}
    for m in members:
        if m.category == Member.Category.IN_SERVICE or rng.random() < people["other_members_reported"]:
            m.report_status = Member.ReportStatus.REPORTED
            m.reported_at = now - dt.timedelta(days=rng.randint(30, 700))
            m.reported_community_id = community_of[m.home_compound_id]
    for m in rng.sample(members, people["stars"]):
        m.is_star = True
        m.star_title = rng.choice(people["star_titles"])
    Member.objects.bulk_create(members, batch_size=1000)
    Account.objects.bulk_create([Account(kind=Account.Kind.MEMBER, name=name, member_id=pk, created_at=now)
                                 for pk, name in Member.objects.order_by("id").values_list("id", "name")],
                                batch_size=1000)


def _teams(rng: random.Random) -> None:
    """The service teams, in every community in turn, each with members (the first one leads) and an account;
    then the communities' accounts and the bank's."""
    people = data("people")
    fields: list[str] = people["team_fields"]
    communities = list(Community.objects.order_by("id"))
    new_teams = []
    for i in range(figures().teams):  # the fields in turn, shifting one community on every round of fields
        service_field = fields[i % len(fields)]
        community = communities[(i // len(fields) + i) % len(communities)]
        new_teams.append(Team(name=f"{community.name}{service_field}服务队", field=service_field, community=community))
    Team.objects.bulk_create(new_teams)
    teams = list(Team.objects.order_by("id"))
    member_ids = list(Member.objects.order_by("id").values_list("id", flat=True))
    links = []
    for team in teams:
        chosen = rng.sample(member_ids, people["team_size"])
        links += [Team.members.through(team_id=team.pk, member_id=m) for m in chosen]
        team.leader_id = chosen[0]
    Team.members.through.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    Team.objects.bulk_update(teams, ["leader"])
    now = clock.now()
    Account.objects.bulk_create([Account(kind=Account.Kind.TEAM, name=t.name, team=t, created_at=now) for t in teams])
    for c in communities:
        ledger.account_for_community(c)
    ledger.bank_account()


def _link_volunteer() -> None:
    """The `volunteer` login (people.yaml) becomes an in-service member with an account and a team."""
    spec = data("people")["volunteer"]
    user = User.objects.filter(username=spec["username"]).first()
    if user is None or Member.objects.filter(user=user).exists():
        return
    compound = Compound.objects.filter(name=spec["compound"]).first()
    employer = CoBuildingUnit.objects.filter(name=spec["employer"]).first()
    if compound is None or employer is None:
        return
    member = Member.objects.create(user=user, name=spec["name"], phone=spec["phone"],
                                   category=Member.Category.IN_SERVICE, employer=employer, home_compound=compound,
                                   skills=spec["skills"], created_at=clock.now())
    ledger.account_for_member(member)
    team = (Team.objects.filter(community=compound.community, field=spec["team_field"]).first()
            or Team.objects.first())
    if team is not None:
        team.members.add(member)


# ------------------------------------------------------------------ six months of history (through the services)


class Schedule:
    """Steps at their own times; `run` plays them in time order (ties in the order they were added), so ledger
    postings and statements follow the calendar."""

    def __init__(self) -> None:
        self.steps: list[tuple[dt.datetime, int, Callable[[], object]]] = []

    def at(self, when: dt.datetime, step: Callable[[], object]) -> None:
        self.steps.append((when, len(self.steps), step))

    def run(self) -> None:
        for when, _seq, step in sorted(self.steps, key=lambda s: (s[0], s[1])):
            with clock.frozen(when):
                step()


@dataclass
class Cast:
    """Who acts in the history: the community worker, the takers with logins (and the volunteer)."""

    worker: User | None
    volunteer: User | None
    me: Member | None
    takers: list[Member]
    actors: list[tuple[Member, User]]


@dataclass
class OrderStory:
    """One order from placing to its end, each step a method the schedule calls."""

    cast: Cast
    item: MenuItem
    compound: Compound
    day: dt.date
    taker: User
    team: Team | None = None
    order: Order | None = None

    def _order(self) -> Order:
        assert self.order is not None, "placed first"
        return self.order

    def place(self) -> None:
        self.order = orders.order_place(
            menu_item=self.item, compound=self.compound, service_date=self.day - dt.timedelta(days=1),
            requester_kind=Order.RequesterKind.COMMUNITY, actor=self.cast.worker,
            description=f"{self.compound.name}{self.item.name}")

    def cancel(self, reason: str) -> None:
        orders.order_cancel(order=self._order(), actor=self.cast.worker, reason=reason)

    def take(self) -> None:
        orders.order_take(order=self._order(), actor=self.taker, team=self.team)

    def done(self) -> None:
        orders.order_mark_done(order=self._order(), actor=self.taker)

    def dispute(self, reason: str) -> None:
        orders.order_dispute(order=self._order(), actor=self.cast.worker, reason=reason)

    def confirm(self, minutes: int, rating: int) -> None:
        orders.order_confirm(order=self._order(), minutes=minutes, rating=rating, actor=self.cast.worker)


@dataclass
class ThemeDayStory:
    """A past theme day: created a week ahead with its sign-ups, attendance recorded and closed on the day."""

    cast: Cast
    community: Community
    title: str
    day: dt.date
    chosen: list[Member] = dataclass_field(default_factory=list)
    event: ThemeEvent | None = None

    def create(self) -> None:
        spec = data("history")["theme_days"]
        self.event = theme_events.event_create(
            community=self.community, title=self.title, date=self.day, actor=self.cast.worker, place=spec["place"],
            capacity=spec["capacity"], credit_minutes=spec["credit_minutes"])
        for m in self.chosen:
            theme_events.event_sign_up(event=self.event, member=m, actor=self.cast.worker)

    def finish(self) -> None:
        assert self.event is not None, "created first"
        absent = data("history")["theme_days"]["absent"]
        theme_events.event_mark_attendance(event=self.event, member_ids=[m.pk for m in self.chosen[:-absent]],
                                           actor=self.cast.worker)
        theme_events.event_close(event=self.event, actor=self.cast.worker)


def _cast() -> Cast:
    """The community worker, the volunteer, and the first in-service members without a login as takers; the first
    few of them get a login (member<id>) so they can act."""
    spec = data("history")["orders"]
    worker = User.objects.filter(username="community").first()
    volunteer = User.objects.filter(username=data("people")["volunteer"]["username"]).first()
    takers = list(Member.objects.filter(category=Member.Category.IN_SERVICE, user__isnull=True)
                  .select_related("user").order_by("id")[:spec["takers"]])
    actors: list[tuple[Member, User]] = []
    for m in takers[:spec["takers_with_logins"]]:
        user, created = User.objects.get_or_create(username=f"member{m.pk}")
        if created:
            user.set_unusable_password()
            user.save()
        Member.objects.filter(pk=m.pk).update(user=user)
        actors.append((m, user))
    me = Member.objects.filter(user=volunteer).first() if volunteer else None
    if me is not None and volunteer is not None:
        actors.append((me, volunteer))
    return Cast(worker=worker, volunteer=volunteer, me=me, takers=takers, actors=actors)


def _history(rng: random.Random, compounds: list[Compound]) -> None:
    """Six months of orders and theme days, each step through the services at its own time; then the open board,
    the coming theme day, a donation and a redemption."""
    cast = _cast()
    schedule = Schedule()
    _schedule_orders(rng, schedule, cast, compounds)
    shuiwan = next(c for c in compounds if c.name == data("people")["volunteer"]["compound"]).community
    participants = list(Member.objects.filter(home_compound__community=shuiwan)
                        .order_by("id")[:data("history")["theme_days"]["participants"]])
    _schedule_theme_days(rng, schedule, cast, shuiwan, participants)
    schedule.run()
    _board(cast, compounds)
    _upcoming_theme_day(cast, shuiwan, participants)
    _donation_and_redemption(cast)


def _schedule_orders(rng: random.Random, schedule: Schedule, cast: Cast, compounds: list[Compound]) -> None:
    spec = data("history")["orders"]
    menu = list(MenuItem.objects.order_by("id"))
    today = clock.today()
    where = compounds[:spec["compounds"]] + [c for c in compounds if c.name in spec["also_in"]]
    recent = spec["count"] - spec["awaiting_confirmation"]
    for k in range(spec["count"]):
        day = today - dt.timedelta(days=rng.randint(1, spec["days_back"]) if k < recent else 1)
        compound, item = rng.choice(where), rng.choice(menu)
        taker, taker_user = cast.actors[k % len(cast.actors)]
        story = OrderStory(cast=cast, item=item, compound=compound, day=day, taker=taker_user)
        schedule.at(_aware(day - dt.timedelta(days=3), 9), story.place)
        if k % spec["cancel_every"] == spec["cancel_every"] - 1:
            schedule.at(_aware(day - dt.timedelta(days=2), 9), partial(story.cancel, spec["cancel_reason"]))
            continue
        story.team = taker.teams.first() if k % spec["team_every"] == 0 else None
        schedule.at(_aware(day - dt.timedelta(days=2), 11), story.take)
        schedule.at(_aware(day - dt.timedelta(days=1), 17), story.done)
        if k >= recent:
            continue  # the last few await the community's confirmation
        if k % spec["dispute_every"] == spec["dispute_every"] - 1:
            schedule.at(_aware(day, 10), partial(story.dispute, spec["dispute_reason"]))
            continue
        # within the suggested time: above it a confirmation waits for another community worker's approval
        minutes = max(item.suggested_minutes + rng.choice(spec["minutes_off_suggested"]), 30)
        rating = rng.choice(spec["ratings"])
        schedule.at(_aware(day, 10), partial(story.confirm, minutes, rating))


def _schedule_theme_days(rng: random.Random, schedule: Schedule, cast: Cast, community: Community,
                         participants: list[Member]) -> None:
    """主题党日 on the 15th of each of the last six months that has passed."""
    spec = data("history")["theme_days"]
    today = clock.today()
    for i, title in enumerate(spec["titles"]):
        year, month = today.year, today.month - len(spec["titles"]) + i
        while month <= 0:
            month += 12
            year -= 1
        day = theme_events.theme_day(year, month)
        if day >= today:
            continue
        chosen = rng.sample(participants, min(spec["signed_up"], len(participants)))
        if cast.me is not None and cast.me not in chosen:
            chosen.insert(0, cast.me)
        story = ThemeDayStory(cast=cast, community=community, title=title, day=day, chosen=chosen)
        schedule.at(_aware(day - dt.timedelta(days=7)), story.create)
        schedule.at(_aware(day, 16), story.finish)


def _board(cast: Cast, compounds: list[Compound]) -> None:
    """Open orders for the coming week, so the board has work on it; the volunteer has taken the first."""
    spec = data("history")["board"]
    menu = list(MenuItem.objects.order_by("id"))
    today = clock.today()
    where = [c for c in compounds if c.name in spec["compounds"]]
    with clock.frozen(_aware(today, 8)):
        for k in range(spec["count"]):
            compound, item = where[k % len(where)], menu[k % len(menu)]
            orders.order_place(menu_item=item, compound=compound, service_date=today + dt.timedelta(days=1 + k % 6),
                               requester_kind=Order.RequesterKind.COMMUNITY, actor=cast.worker,
                               description=f"{compound.name}居民需求：{item.description}")
    if cast.me is not None:
        first = Order.objects.filter(status=Order.Status.OPEN, service_date__gte=today).order_by("id").first()
        if first is not None:
            orders.order_take(order=first, actor=cast.volunteer)


def _upcoming_theme_day(cast: Cast, community: Community, participants: list[Member]) -> None:
    spec = data("history")["upcoming_theme_day"]
    today = clock.today()
    next_month = dt.date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    day = (theme_events.theme_day(today.year, today.month) if today.day < 15
           else theme_events.theme_day(next_month.year, next_month.month))
    event = theme_events.event_create(community=community, title=spec["title"], date=day, actor=cast.worker,
                                      place=spec["place"], capacity=spec["capacity"],
                                      credit_minutes=spec["credit_minutes"])
    for m in participants[:spec["signed_up"]]:
        theme_events.event_sign_up(event=event, member=m, actor=cast.worker)


def _donation_and_redemption(cast: Cast) -> None:
    """So statements show every kind of movement: the first taker gives the second some hours, who redeems some."""
    if len(cast.takers) < 2:
        return
    history = data("history")
    donation, redemption = history["donation"], history["redemption"]
    a, b = cast.takers[0], cast.takers[1]
    if a.account.balance >= donation["minutes"]:
        ledger.donation_make(giver=a, receiver=b, minutes=donation["minutes"], operator=cast.worker,
                             idempotency_key=donation["key"], note=donation["note"])
    if b.account.balance >= redemption["minutes"]:
        ledger.redemption_make(member=b, minutes=redemption["minutes"], purpose=redemption["purpose"],
                               note=redemption["note"], operator=cast.worker, idempotency_key=redemption["key"])


# ------------------------------------------------------------------ matters and proposals (through the services)


def _matters(rng: random.Random, compounds: list[Compound]) -> None:
    """Residents' matters over the last weeks, each taken as far as governance.yaml says."""
    governance = data("governance")
    words = governance["matter_words"]
    worker = User.objects.filter(username="community").first()
    named = {c.name: c for c in compounds}
    today = clock.today()
    for i, (kind, compound_name, subject, route, last, satisfied) in enumerate(governance["matters"]):
        day = today - dt.timedelta(days=40 - i * 5)
        with clock.frozen(_aware(day, 9)):
            matter = matters.matter_intake(
                kind=kind, compound=named[compound_name], resident_name=_name(rng), resident_phone=_phone(rng),
                subject=subject, actor=worker, description=words["description"].format(compound=compound_name,
                                                                                       subject=subject))
        feedback = words["feedback_satisfied"] if satisfied else words["feedback_unsatisfied"]
        steps: list[tuple[str, dt.datetime, Callable[[], object]]] = [
            ("route", _aware(day, 11), partial(matters.matter_route, matter=matter, route=route, actor=worker)),
            ("mediate", _aware(day + dt.timedelta(days=2), 15),
             partial(matters.matter_mediate, matter=matter, actor=worker, note=words["mediation"])),
            ("resolve", _aware(day + dt.timedelta(days=5), 15),
             partial(matters.matter_resolve, matter=matter, actor=worker, resolution=words["resolution"])),
            ("close", _aware(day + dt.timedelta(days=7), 10),
             partial(matters.matter_close, matter=matter, actor=worker, satisfied=bool(satisfied), feedback=feedback)),
        ]
        _play_until(steps, last)


def _play_until(steps: Sequence[tuple[str, dt.datetime, Callable[[], object]]], last: str) -> None:
    """Each step at its time, up to and including `last` (nothing when `last` names none of them)."""
    names = [name for name, _when, _step in steps]
    if last not in names:
        return
    for name, when, step in steps:
        with clock.frozen(when):
            step()
        if name == last:
            return


def _proposals(rng: random.Random, compounds: list[Compound]) -> None:
    """Council proposals over the last two months, each through as many stages as governance.yaml says."""
    governance = data("governance")
    words = governance["proposal_words"]
    worker = User.objects.filter(username="community").first()
    named = {c.name: c for c in compounds}
    today = clock.today()
    for i, (compound_name, topic, title, stages) in enumerate(governance["proposals"]):
        day = today - dt.timedelta(days=60 - i * 8)
        with clock.frozen(_aware(day, 9)):
            proposal = proposals.proposal_create(
                compound=named[compound_name], topic=topic, title=title, actor=worker,
                content=words["content"].format(compound=compound_name, title=title))
        for s, step in enumerate(list(proposals.PROPOSAL_FLOW)[:stages]):
            with clock.frozen(_aware(day + dt.timedelta(days=3 * (s + 1)), 15)):
                proposals.proposal_advance(
                    proposal=proposal, step=step, actor=worker, text=words[step],
                    votes_for=rng.randint(*words["votes_for"]), votes_against=rng.randint(*words["votes_against"]),
                    votes_abstain=rng.randint(*words["votes_abstain"]),
                    approval_rate=rng.randint(*words["approval_rate"]))
