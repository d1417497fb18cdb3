"""Reads for the community pages, API and reports. Query counts do not grow with list length."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from onewindow.core.masking import mask_name, mask_phone

from .models import (
    Account,
    CoBuildingUnit,
    Community,
    Compound,
    Entry,
    EventSignup,
    Matter,
    Member,
    MenuItem,
    Order,
    PartyOrg,
    Proposal,
    Street,
    Team,
    ThemeEvent,
    Transfer,
)

# ------------------------------------------------------------------ coverage


@dataclass
class Coverage:
    name: str
    compounds: int = 0
    branches: int = 0
    independent: int = 0
    joint: int = 0
    covered: int = 0
    covered_by_joint: int = 0
    children: list[Coverage] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return round(100.0 * self.covered / self.compounds, 1) if self.compounds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "compounds": self.compounds, "branches": self.branches,
                "independent": self.independent, "joint": self.joint, "covered": self.covered,
                "covered_by_joint": self.covered_by_joint, "rate": self.rate,
                "children": [c.as_dict() for c in self.children]}


def coverage() -> Coverage:
    """Coverage of compounds by compound party branches, for the district, each street and each community.

    A compound is covered when at least one branch (independent, or joint over several compounds) covers it.
    A branch counts towards the street / community of its own `community` field; a joint branch spanning
    communities counts once, where it is registered, while each compound it covers counts where the
    compound lies. Five queries in all.
    """
    streets = list(Street.objects.order_by("id").values_list("id", "name"))
    communities = list(Community.objects.order_by("street_id", "id").values_list("id", "name", "street_id"))
    compounds = dict(Compound.objects.values_list("id", "community_id"))
    branches = list(PartyOrg.objects.filter(kind=PartyOrg.Kind.COMPOUND_BRANCH).values_list("id", "form",
                                                                                              "community_id"))
    links = list(PartyOrg.compounds.through.objects.filter(partyorg__kind=PartyOrg.Kind.COMPOUND_BRANCH)
                 .values_list("partyorg_id", "compound_id"))
    form_of = {b: f for b, f, _c in branches}
    covered_by: dict[int, set[str]] = defaultdict(set)
    for branch_id, compound_id in links:
        covered_by[compound_id].add(form_of[branch_id])
    per_community: dict[int, Coverage] = {cid: Coverage(name) for cid, name, _s in communities}
    for compound_id, community_id in compounds.items():
        c = per_community[community_id]
        c.compounds += 1
        forms = covered_by.get(compound_id)
        if forms:
            c.covered += 1
            if PartyOrg.Form.JOINT in forms and PartyOrg.Form.INDEPENDENT not in forms:
                c.covered_by_joint += 1
    for _b, form, community_id in branches:
        if community_id in per_community:
            c = per_community[community_id]
            c.branches += 1
            c.independent += form == PartyOrg.Form.INDEPENDENT
            c.joint += form == PartyOrg.Form.JOINT
    per_street = {sid: Coverage(name) for sid, name in streets}
    for cid, _name, sid in communities:
        per_street[sid].children.append(per_community[cid])
    total = Coverage("荔城区")
    for s in per_street.values():
        for c in s.children:
            for attr in ("compounds", "branches", "independent", "joint", "covered", "covered_by_joint"):
                setattr(s, attr, getattr(s, attr) + getattr(c, attr))
        for attr in ("compounds", "branches", "independent", "joint", "covered", "covered_by_joint"):
            setattr(total, attr, getattr(total, attr) + getattr(s, attr))
        total.children.append(s)
    return total


def party_orgs(*, kind: str = "", community_id: int | None = None) -> QuerySet[PartyOrg]:
    qs = PartyOrg.objects.select_related("street", "community", "building__compound").prefetch_related("compounds")
    if kind:
        qs = qs.filter(kind=kind)
    if community_id:
        qs = qs.filter(community_id=community_id)
    return qs.order_by("kind", "id")


def tree() -> list[Street]:
    """Streets with communities, grids, compounds (and their branches) prefetched: four queries."""
    compounds = Compound.objects.order_by("id").annotate(n_buildings=Count("buildings")).prefetch_related(
        Prefetch("branches", queryset=PartyOrg.objects.only("id", "name", "form", "secretary")))
    return list(Street.objects.order_by("id").prefetch_related(
        Prefetch("communities", queryset=Community.objects.order_by("id").prefetch_related(
            Prefetch("compounds", queryset=compounds), "grids"))))


def cobuilding_units() -> QuerySet[CoBuildingUnit]:
    return CoBuildingUnit.objects.prefetch_related("resources", "communities").annotate(
        n_members=Count("members", distinct=True)).order_by("id")


# ------------------------------------------------------------------ members and teams


def members(*, q: str = "", category: str = "", community_id: int | None = None, team_id: int | None = None,
            star: bool = False, employer_id: int | None = None) -> QuerySet[Member]:
    qs = Member.objects.select_related("home_compound__community", "employer", "account")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(skills__contains=q) | Q(home_compound__name__contains=q))
    if category:
        qs = qs.filter(category=category)
    if community_id:
        qs = qs.filter(home_compound__community_id=community_id)
    if team_id:
        qs = qs.filter(teams__id=team_id)
    if star:
        qs = qs.filter(is_star=True)
    if employer_id:
        qs = qs.filter(employer_id=employer_id)
    return qs.order_by("id")


def member_row(m: Member) -> dict[str, Any]:
    """A masked row for lists and exports."""
    account = getattr(m, "account", None)
    return {
        "id": m.pk, "name": mask_name(m.name), "phone": mask_phone(m.phone), "category": m.category,
        "category_label": m.get_category_display(), "employer": m.employer.name if m.employer_id else "",
        "compound": m.home_compound.name, "community": m.home_compound.community.name, "skills": m.skills,
        "is_star": m.is_star, "star_title": m.star_title,
        "reported": m.reported_at is not None, "balance": account.balance if account else 0,
    }


def teams() -> QuerySet[Team]:
    return Team.objects.select_related("community", "leader", "account").annotate(
        n_members=Count("members", distinct=True)).order_by("id")


def member_counts() -> dict[str, int]:
    rows = dict(Member.objects.values_list("category").annotate(n=Count("id")).values_list("category", "n"))
    rows["total"] = sum(rows.values())
    rows["reported"] = Member.objects.filter(reported_at__isnull=False).count()
    rows["stars"] = Member.objects.filter(is_star=True).count()
    return rows


# ------------------------------------------------------------------ menu and orders


def menu(*, active_only: bool = True) -> QuerySet[MenuItem]:
    qs = MenuItem.objects.all()
    return qs.filter(active=True) if active_only else qs


def orders(*, status: str = "", compound_id: int | None = None, member: Member | None = None,
           requester_user_id: int | None = None) -> QuerySet[Order]:
    qs = Order.objects.select_related("menu_item", "compound__community", "taker_member", "taker_team")
    if status:
        qs = qs.filter(status__in=status.split(","))
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    if member is not None:
        team_ids = list(member.teams.values_list("id", flat=True))
        qs = qs.filter(Q(taker_member=member) | Q(taker_team_id__in=team_ids))
    if requester_user_id:
        qs = qs.filter(requester_user_id=requester_user_id)
    return qs.order_by("-id")


def order_detail(order_id: int) -> Order:
    return (Order.objects.select_related("menu_item", "compound__community", "taker_member", "taker_team", "payer")
            .prefetch_related("events__actor__profile").get(pk=order_id))


def order_status_counts() -> dict[str, int]:
    return dict(Order.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))


# ------------------------------------------------------------------ ledger


def statement(account: Account, *, limit: int = 200) -> list[dict[str, Any]]:
    """The account's entries, newest first, with the running balance after each entry."""
    entries = list(Entry.objects.filter(account=account).select_related("transfer").order_by("-id")[:limit])
    running = account.balance
    later = Entry.objects.filter(account=account, id__gt=entries[0].id).aggregate(s=Sum("amount"))["s"] \
        if entries else 0
    running -= later or 0
    rows = []
    for e in entries:
        rows.append({"id": e.pk, "at": e.transfer.created_at, "transfer": e.transfer_id, "kind": e.transfer.kind,
                     "kind_label": e.transfer.get_kind_display(), "reason": e.transfer.reason, "amount": e.amount,
                     "balance_after": running})
        running -= e.amount
    return rows


def transfers(*, limit: int = 100) -> list[Transfer]:
    return list(Transfer.objects.select_related("operator", "order").prefetch_related("entries__account")
                .order_by("-id")[:limit])


def ledger_check() -> dict[str, Any]:
    """The ledger's invariants: zero total, every transfer balanced, cached balances equal their entries."""
    total = Entry.objects.aggregate(s=Sum("amount"))["s"] or 0
    unbalanced = list(Transfer.objects.annotate(s=Sum("entries__amount"), n=Count("entries"))
                      .filter(Q(s__isnull=True) | ~Q(s=0) | Q(n__lt=2)).values_list("id", flat=True)[:20])
    sums = dict(Entry.objects.values_list("account_id").annotate(s=Sum("amount")).values_list("account_id", "s"))
    drift = [a for a, b in Account.objects.values_list("id", "balance") if sums.get(a, 0) != b]
    return {"total": total, "unbalanced_transfers": unbalanced, "balance_drift_accounts": drift,
            "ok": total == 0 and not unbalanced and not drift}


# ------------------------------------------------------------------ reports

CREDIT_KINDS = (Transfer.Kind.ORDER_CREDIT, Transfer.Kind.EVENT_CREDIT)


def _credits() -> QuerySet[Entry]:
    """Credits of service hours (order and event credits, net of their reversals) on member and team accounts."""
    return Entry.objects.filter(
        Q(transfer__kind__in=CREDIT_KINDS) | Q(transfer__kind=Transfer.Kind.REVERSAL,
                                               transfer__reverses__kind__in=CREDIT_KINDS),
        account__kind__in=(Account.Kind.MEMBER, Account.Kind.TEAM))


def hours_by_month(*, months: int = 12) -> list[dict[str, Any]]:
    rows = (_credits().annotate(month=TruncMonth("transfer__created_at")).values("month")
            .annotate(minutes=Sum("amount")).order_by("month"))
    return [{"month": r["month"].strftime("%Y-%m"), "minutes": r["minutes"], "hours": round(r["minutes"] / 60, 1)}
            for r in rows][-months:]


def hours_by_team() -> list[dict[str, Any]]:
    """Hours credited to each team's account plus those of its members' own accounts."""
    team_rows = dict(_credits().filter(account__kind=Account.Kind.TEAM).values_list("account__team_id")
                     .annotate(s=Sum("amount")).values_list("account__team_id", "s"))
    member_rows = dict(_credits().filter(account__kind=Account.Kind.MEMBER).values_list("account__member_id")
                       .annotate(s=Sum("amount")).values_list("account__member_id", "s"))
    through = Team.members.through.objects.values_list("team_id", "member_id")
    by_team: dict[int, int] = defaultdict(int)
    for team_id, member_id in through:
        by_team[team_id] += member_rows.get(member_id, 0)
    rows = []
    for team in Team.objects.order_by("id").only("id", "name", "field"):
        minutes = team_rows.get(team.pk, 0) + by_team.get(team.pk, 0)
        rows.append({"team": team.name, "field": team.field, "minutes": minutes, "hours": round(minutes / 60, 1)})
    return sorted(rows, key=lambda r: -r["minutes"])


def hours_by_compound() -> list[dict[str, Any]]:
    rows = (_credits().filter(transfer__order__isnull=False).values("transfer__order__compound__name",
                                                                      "transfer__order__compound__community__name")
            .annotate(minutes=Sum("amount"), orders=Count("transfer__order", distinct=True)).order_by("-minutes"))
    return [{"compound": r["transfer__order__compound__name"],
             "community": r["transfer__order__compound__community__name"], "orders": r["orders"],
             "minutes": r["minutes"], "hours": round(r["minutes"] / 60, 1)} for r in rows]


def top_volunteers(*, limit: int = 10) -> list[dict[str, Any]]:
    rows = (_credits().filter(account__kind=Account.Kind.MEMBER)
            .values("account__member_id", "account__member__name", "account__member__home_compound__name")
            .annotate(minutes=Sum("amount")).order_by("-minutes")[:limit])
    return [{"member_id": r["account__member_id"], "name": mask_name(r["account__member__name"]),
             "compound": r["account__member__home_compound__name"], "minutes": r["minutes"],
             "hours": round(r["minutes"] / 60, 1)} for r in rows]


def hours_by_member(*, limit: int = 500) -> list[dict[str, Any]]:
    return top_volunteers(limit=limit)


# ------------------------------------------------------------------ two-way feedback (双向反馈)


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    year, mon = (int(x) for x in month.split("-"))
    start = dt.date(year, mon, 1)
    end = dt.date(year + (mon == 12), mon % 12 + 1, 1)
    return start, end


def feedback_report(*, employer: CoBuildingUnit, month: str) -> dict[str, Any]:
    """Every in-service member of `employer`: orders done, hours credited, events attended in `month`.

    A fixed number of queries whatever the number of members.
    """
    start, end = month_bounds(month)
    people = list(Member.objects.filter(employer=employer, category=Member.Category.IN_SERVICE)
                  .select_related("home_compound__community").order_by("id"))
    ids = [m.pk for m in people]
    from django.utils import timezone

    start_dt = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    end_dt = timezone.make_aware(dt.datetime.combine(end, dt.time()))
    order_rows = (Order.objects.filter(taker_member_id__in=ids, status=Order.Status.CONFIRMED,
                                       closed_at__gte=start_dt, closed_at__lt=end_dt)
                  .values("taker_member_id").annotate(n=Count("id")))
    orders_of = {r["taker_member_id"]: r["n"] for r in order_rows}
    minute_rows = (_credits().filter(account__member_id__in=ids, transfer__created_at__gte=start_dt,
                                     transfer__created_at__lt=end_dt)
                   .values("account__member_id").annotate(s=Sum("amount")))
    minutes_of = {r["account__member_id"]: r["s"] for r in minute_rows}
    event_rows = (EventSignup.objects.filter(member_id__in=ids, attended=True, event__date__gte=start,
                                             event__date__lt=end).values("member_id").annotate(n=Count("id")))
    events_of = {r["member_id"]: r["n"] for r in event_rows}
    rows = []
    for m in people:
        minutes = minutes_of.get(m.pk, 0)
        rows.append({"id": m.pk, "name": m.name, "masked_name": mask_name(m.name), "compound": m.home_compound.name,
                     "community": m.home_compound.community.name, "reported": m.reported_at is not None,
                     "orders": orders_of.get(m.pk, 0), "minutes": minutes, "hours": round(minutes / 60, 1),
                     "events": events_of.get(m.pk, 0)})
    rows.sort(key=lambda r: (-r["minutes"], -r["events"], r["id"]))
    totals = {"members": len(rows), "active": sum(1 for r in rows if r["minutes"] or r["events"]),
              "orders": sum(r["orders"] for r in rows), "minutes": sum(r["minutes"] for r in rows),
              "events": sum(r["events"] for r in rows), "reported": sum(1 for r in rows if r["reported"])}
    totals["hours"] = round(totals["minutes"] / 60, 1)
    return {"employer": employer, "month": month, "rows": rows, "totals": totals}


def employers() -> QuerySet[CoBuildingUnit]:
    return CoBuildingUnit.objects.filter(is_employer=True).annotate(
        n_members=Count("members", filter=Q(members__category=Member.Category.IN_SERVICE))).order_by("id")


# ------------------------------------------------------------------ matters, proposals, events


def matters(*, status: str = "", kind: str = "") -> QuerySet[Matter]:
    qs = Matter.objects.select_related("compound__community")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-id")


def proposals(*, published_only: bool = False) -> QuerySet[Proposal]:
    qs = Proposal.objects.select_related("compound__community", "branch")
    if published_only:
        qs = qs.filter(status=Proposal.Status.PUBLISHED)
    return qs.order_by("-id")


def events(*, upcoming_only: bool = False) -> QuerySet[ThemeEvent]:
    qs = ThemeEvent.objects.select_related("community").annotate(
        n_signed=Count("signups", distinct=True),
        n_attended=Count("signups", filter=Q(signups__attended=True), distinct=True))
    if upcoming_only:
        qs = qs.filter(status=ThemeEvent.Status.OPEN)
    return qs.order_by("-date", "-id")
