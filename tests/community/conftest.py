"""A small Licheng for the community tests: one street, two communities, five compounds, a menu, members."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from onewindow.community.models import CoBuildingUnit, Community, Compound, Member, MenuItem, Street, Team
from onewindow.community.services import members
from onewindow.core.access import Role
from onewindow.core.models import Profile


@dataclass
class World:
    street: Street
    east: Community
    west: Community
    compounds: list[Compound]
    menu: MenuItem
    employer: CoBuildingUnit
    team: Team


@pytest.fixture
def world(db: None) -> World:
    street = Street.objects.create(name="镇海街道")
    east = Community.objects.create(street=street, name="东梅社区")
    west = Community.objects.create(street=street, name="英龙社区")
    compounds = [Compound.objects.create(community=east, name=n) for n in ("浅水湾小区", "浅水湾荔苑", "东梅小区")]
    compounds += [Compound.objects.create(community=west, name=n) for n in ("华景城小区", "英龙花园")]
    menu = MenuItem.objects.create(name="义诊服务", category=MenuItem.Category.PUBLIC, suggested_minutes=120)
    employer = CoBuildingUnit.objects.create(name="荔城区教育局", party_org_name="荔城区教育局党组")
    team = Team.objects.create(name="东梅社区教育医疗服务队", field="教育医疗", community=east)
    return World(street, east, west, compounds, menu, employer, team)


def quick_user(username: str, *roles: str) -> User:
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


@pytest.fixture
def worker(db: None) -> Client:
    return signed_in(quick_user("worker", Role.COMMUNITY_WORKER))


@pytest.fixture
def make_volunteer(world: World) -> Callable[..., tuple[Client, Member]]:
    """make_volunteer("name") → (signed-in client, Member linked to that user, in-service, home 浅水湾小区)."""

    def make(username: str, *, compound: Compound | None = None) -> tuple[Client, Member]:
        user = quick_user(username, Role.VOLUNTEER)
        member = members.member_create(name=f"党员{username}", category=Member.Category.IN_SERVICE,
                                        home_compound=compound or world.compounds[0], employer=world.employer,
                                        phone="13959412368", user=user, actor=None)
        return signed_in(user), member

    return make
