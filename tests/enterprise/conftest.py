"""A small district for the enterprise tests: two departments, a policy of each, two enterprises with their
own accounts, and a signed-in client per role. The clock stands on Monday 2 March 2026, 09:00."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.enterprise.models import Enterprise, Policy
from onewindow.enterprise.services import enterprises, policies

NOW = dt.datetime(2026, 3, 2, 9, 0)


@dataclass
class World:
    commerce: Department
    hr: Department
    policy: Policy  # 商务局: software firms with capital ≥ 100 万元 and ≥ 10 employees, founded < 5 years
    hr_policy: Policy  # 人社局: any firm with ≥ 5 employees, 1000 per employee capped at 20000
    firm: Enterprise
    other_firm: Enterprise
    owner: User
    other_owner: User
    clients: dict[str, Client]


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(make_user) -> World:
    commerce = Department.objects.create(code="T-SWJ", name="湖里区商务局", name_en="Huli Commerce Bureau")
    hr = Department.objects.create(code="T-RSJ", name="湖里区人社局", name_en="Huli HR Bureau")
    policy = policies.policy_save(
        code="SW-2026-01", title="软件企业成长奖励", department=commerce, basis="湖里区促进软件产业发展若干措施",
        opens_on=dt.date(2026, 1, 1), closes_on=dt.date(2026, 12, 31), actor=None, amount_fixed=50000,
        rules_json=[{"kind": "min_capital", "value": 100}, {"kind": "min_employees", "value": 10},
                    {"kind": "industry_in", "value": ["software"]}, {"kind": "founded_within_years", "value": 5}],
        materials=["申请表", "财务报表"], review_workdays=10)
    hr_policy = policies.policy_save(
        code="RS-2026-01", title="稳岗补贴", department=hr, basis="厦门市稳就业若干措施",
        opens_on=dt.date(2026, 1, 1), closes_on=dt.date(2026, 6, 30), actor=None, amount_per_employee=1000,
        amount_cap=20000, rules_json=[{"kind": "min_employees", "value": 5}])
    owner = make_user("firm_owner", Role.CITIZEN)
    other_owner = make_user("other_owner", Role.CITIZEN)
    firm = enterprises.enterprise_register(
        credit_code="91350206MA2YCP8A01", name="厦门云帆软件有限公司", registered_capital=Decimal("200"),
        industry="software", founded_on=dt.date(2023, 5, 1), declared_employees=12, user=owner, actor=owner)
    other_firm = enterprises.enterprise_register(
        credit_code="91350206MA2YCP8B02", name="厦门海湾贸易有限公司", registered_capital=Decimal("50"),
        industry="wholesale_retail", founded_on=dt.date(2015, 1, 1), declared_employees=8, user=other_owner,
        actor=other_owner)
    clients = {
        "owner": signed_in(owner), "other_owner": signed_in(other_owner),
        "clerk": signed_in(make_user("clerk", Role.CLERK)),
        "reviewer_commerce": signed_in(make_user("rev_c", Role.REVIEWER, department=commerce)),
        "reviewer_hr": signed_in(make_user("rev_h", Role.REVIEWER, department=hr)),
        "head_commerce": signed_in(make_user("head_c", Role.DEPARTMENT_HEAD, department=commerce)),
        "supervisor": signed_in(make_user("sup", Role.SUPERVISOR)),
        "anonymous": Client(),
    }
    return World(commerce, hr, policy, hr_policy, firm, other_firm, owner, other_owner, clients)
