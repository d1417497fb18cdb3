"""A small Licheng for the community tests: one street, two communities, five compounds, a menu, members."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from onewindow.community.models import CoBuildingUnit, Community, Compound, Member, MenuItem, Street, Team
from onewindow.core.access import Role

from .builders import (
    a_community,
    a_member,
    a_menu_item,
    a_street,
    a_team,
    a_user,
    an_employer,
    compounds_in,
    signed_in,
)


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
    street = a_street("镇海街道")
    east = a_community("东梅社区", street=street)
    west = a_community("英龙社区", street=street)
    compounds = compounds_in(east, "浅水湾小区", "浅水湾荔苑", "东梅小区") + compounds_in(west, "华景城小区", "英龙花园")
    employer = an_employer("荔城区教育局")
    return World(street, east, west, compounds, a_menu_item("义诊服务", minutes=120), employer,
                 a_team("东梅社区教育医疗服务队", community=east))


@pytest.fixture
def worker(db: None) -> Client:
    return signed_in(a_user("worker", Role.COMMUNITY_WORKER))


@pytest.fixture
def make_volunteer(world: World) -> Callable[..., tuple[Client, Member]]:
    """make_volunteer("name") → (signed-in client, Member linked to that user, in-service, home 浅水湾小区)."""

    def make(username: str, *, compound: Compound | None = None) -> tuple[Client, Member]:
        user = a_user(username, Role.VOLUNTEER)
        member = a_member(compound or world.compounds[0], name=f"党员{username}", user=user, employer=world.employer)
        return signed_in(user), member

    return make
