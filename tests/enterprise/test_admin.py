"""The admin writes through the services: a refused rule shows on the form and nothing is saved."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onewindow.enterprise.models import Policy

from .conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world: World) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("boss", "", "pw-for-tests-1"))
    return client


def _policy_form(world: World, rules: str) -> dict[str, str]:
    return {"code": "ADM-1", "title": "管理端政策", "title_en": "", "department": str(world.hr.pk), "basis": "依据",
            "summary": "", "rules": rules, "amount_fixed": "1000", "amount_per_employee": "0", "amount_cap": "",
            "opens_on": "2026-01-01", "closes_on": "2026-12-31", "review_workdays": "10", "materials": "[]",
            "published": "on"}


def test_a_policy_saved_in_the_admin_goes_through_the_service(world: World, admin_client: Client) -> None:
    bad = admin_client.post("/admin/enterprise/policy/add/", _policy_form(world, '[{"kind": "magic"}]'))
    assert bad.status_code == 200 and "rules[0]" in bad.content.decode()
    assert not Policy.objects.filter(code="ADM-1").exists()
    good = admin_client.post("/admin/enterprise/policy/add/",
                             _policy_form(world, '[{"kind": "min_employees", "value": 3}]'))
    assert good.status_code == 302
    assert Policy.objects.get(code="ADM-1").rules == [{"kind": "min_employees", "value": 3}]


def test_claims_are_read_only_in_the_admin(world: World, admin_client: Client) -> None:
    assert admin_client.get("/admin/enterprise/policyapplication/").status_code == 200
    assert admin_client.get("/admin/enterprise/policyapplication/add/").status_code == 403
    assert admin_client.get("/admin/enterprise/enterprise/").status_code == 200
