"""Small builders for community tests: each makes one record (and what it needs) with defaults a test can
override, so a test states only what matters to it. Writes with rules go through the services."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, User
from django.test import Client

from onewindow.community.models import (
    CoBuildingUnit,
    Community,
    Compound,
    Member,
    MenuItem,
    PartyOrg,
    Street,
    Team,
)
from onewindow.community.services import members, organisation
from onewindow.core.models import Profile


def a_user(username: str, *roles: str) -> User:
    """A user without a password (no slow password hashing): tests sign in with force_login."""
    user = User.objects.create(username=username)
    for role in roles:
        group, _ = Group.objects.get_or_create(name=str(role))
        user.groups.add(group)
    Profile.objects.create(user=user, display_name=username)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    client.user = user  # type: ignore[attr-defined]
    return client


def a_street(name: str = "镇海街道") -> Street:
    return Street.objects.create(name=name)


def a_community(name: str, *, street: Street | None = None) -> Community:
    return Community.objects.create(street=street or a_street(), name=name)


def compounds_in(community: Community, *names: str) -> list[Compound]:
    return [Compound.objects.create(community=community, name=name) for name in names]


def a_branch(*covered: Compound, name: str = "", community: Community | None = None) -> PartyOrg:
    """A compound party branch: independent over one compound, joint over several (registered in `community`,
    else in the first compound's community)."""
    return organisation.partyorg_create(kind=PartyOrg.Kind.COMPOUND_BRANCH, compounds=covered, community=community,
                                        name=name or f"{'、'.join(c.name for c in covered)}党支部", actor=None)


def a_menu_item(name: str = "义诊服务", *, minutes: int = 120) -> MenuItem:
    return MenuItem.objects.create(name=name, category=MenuItem.Category.PUBLIC, suggested_minutes=minutes)


def an_employer(name: str = "荔城区教育局") -> CoBuildingUnit:
    return CoBuildingUnit.objects.create(name=name, party_org_name=f"{name}党组")


def a_team(name: str = "东梅社区教育医疗服务队", *, community: Community | None = None,
           with_members: Iterable[Member] = ()) -> Team:
    team = Team.objects.create(name=name, field="教育医疗", community=community)
    team.members.add(*with_members)
    return team


def a_member(home: Compound, *, name: str = "党员", user: User | None = None, employer: CoBuildingUnit | None = None,
             category: str = Member.Category.IN_SERVICE, phone: str = "13959412368") -> Member:
    """A member record with its hour account (through the service, as a community worker would create it)."""
    if category == Member.Category.IN_SERVICE and employer is None:
        employer = CoBuildingUnit.objects.first() or an_employer()
    return members.member_create(name=name, category=category, home_compound=home, employer=employer, phone=phone,
                                 user=user, actor=None)
