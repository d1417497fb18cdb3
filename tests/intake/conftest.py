"""Fixtures for intake: two halls, two bank outlets of the first hall with a member of staff each, a hall clerk,
a supervisor, two citizens, a locker in each hall with a paired terminal; the small catalog of the cases tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onewindow.core import clock
from onewindow.core.access import Role
from tests.cases.conftest import Catalog, applicant, catalog, valid_id  # noqa: F401 — `catalog` is a fixture


@dataclass
class World:
    catalog: Any
    hall: Any
    other_hall: Any
    outlet: Any
    other_outlet: Any
    locker: Any
    other_locker: Any
    terminal: str  # the paired secret of `locker`'s terminal
    other_terminal: str
    users: dict[str, User]
    clients: dict[str, Client]


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(catalog: Catalog, make_user: Callable[..., User]) -> World:  # noqa: F811
    from onewindow.hall.models import Hall
    from onewindow.intake.models import Locker, Outlet, OutletMembership
    from onewindow.intake.services.lockers import locker_pair, locker_pairing_code

    now = clock.now()
    hall = Hall.objects.create(code="huli", name="湖里区行政服务中心")
    other_hall = Hall.objects.create(code="fuan", name="福安市行政服务中心")
    outlet = Outlet.objects.create(code="icbc-jinshan", name="工商银行金山支行", hall=hall, created_at=now)
    other_outlet = Outlet.objects.create(code="ccb-huli", name="建设银行湖里支行", hall=hall, created_at=now)
    for o in (outlet, other_outlet):
        o.items.add(catalog.market)
    users = {
        "teller": make_user("teller", Role.OUTLET_STAFF, display_name="柜员甲"),
        "teller2": make_user("teller2", Role.OUTLET_STAFF, display_name="柜员乙"),
        "other_teller": make_user("other_teller", Role.OUTLET_STAFF, display_name="柜员丙"),
        "clerk": make_user("clerk", Role.CLERK, display_name="陈雅琴"),
        "clerk2": make_user("clerk2", Role.CLERK, display_name="王芳"),
        "supervisor": make_user("supervisor", Role.SUPERVISOR),
        "citizen": make_user("citizen", Role.CITIZEN),
        "other_citizen": make_user("other_citizen", Role.CITIZEN),
        "reviewer": make_user("reviewer", Role.REVIEWER, department=catalog.dept_a),
    }
    OutletMembership.objects.create(user=users["teller"], outlet=outlet, created_at=now)
    OutletMembership.objects.create(user=users["teller2"], outlet=outlet, created_at=now)
    OutletMembership.objects.create(user=users["other_teller"], outlet=other_outlet, created_at=now)
    locker = Locker.objects.create(code="huli-1f", hall=hall, name="湖里一楼自助文件柜", compartments=2)
    other_locker = Locker.objects.create(code="fuan-1f", hall=other_hall, name="福安一楼自助文件柜", compartments=4)
    _, secret = locker_pair(code=locker_pairing_code(locker=locker, actor=users["clerk"]), label="T1")
    _, other_secret = locker_pair(code=locker_pairing_code(locker=other_locker, actor=users["clerk"]), label="T2")
    return World(catalog, hall, other_hall, outlet, other_outlet, locker, other_locker, secret, other_secret, users,
                 {name: login(u) for name, u in users.items()})


def outlet_payload(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"item": "T-MARKET", "applicant": applicant(name="陈美玲"),
                            "form": {"employer": "厦门湖里金山便利店"}, "checked_materials": ["M-ID", "M-PHOTO"]}
    data.update(over)
    return data


def post(client: Client, url: str, data: dict[str, Any] | None = None, **headers: Any) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json", **headers)


def citizen_application(world: World, who: str = "citizen") -> str:
    """An online application by a citizen (through the cases API), its number."""
    from tests.cases.conftest import payload, post_json

    response = post_json(world.clients[who], payload(applicant=applicant(id_number=valid_id())))
    assert response.status_code == 201, response.content
    return response.json()["number"]
