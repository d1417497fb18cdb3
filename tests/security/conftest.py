"""Fixtures for the security tests: a user per role (reviewers in two departments) and a real application."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onewindow.core.access import Role
from tests.cases.conftest import applicant, catalog, payload, post_json  # noqa: F401 — `catalog` is a fixture

ROLE_USERS: dict[str, tuple[tuple[str, ...], str | None]] = {
    # name → (roles, department: "a", "b" or None)
    "citizen": ((Role.CITIZEN,), None),
    "clerk": ((Role.CLERK,), None),
    "reviewer_a": ((Role.REVIEWER,), "a"),
    "reviewer_b": ((Role.REVIEWER,), "b"),
    "department_head": ((Role.DEPARTMENT_HEAD,), "a"),
    "supervisor": ((Role.SUPERVISOR,), None),
    "catalog_admin": ((Role.CATALOG_ADMIN,), None),
    "community_worker": ((Role.COMMUNITY_WORKER,), None),
    "volunteer": ((Role.VOLUNTEER,), None),
    "outlet_staff": ((Role.OUTLET_STAFF,), None),
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Cast:
    users: dict[str, User]
    clients: dict[str, Client]  # "anonymous" too


@pytest.fixture
def cast(catalog, make_user: Callable[..., User]) -> Cast:  # noqa: F811
    users: dict[str, User] = {}
    clients: dict[str, Client] = {"anonymous": Client()}
    for name, (roles, dept) in ROLE_USERS.items():
        department = {"a": catalog.dept_a, "b": catalog.dept_b, None: None}[dept]
        user = make_user(f"sec_{name}", *roles, department=department)
        users[name] = user
        client = Client()
        client.force_login(user)
        clients[name] = client
    return Cast(users, clients)


@pytest.fixture
def submitted(cast: Cast, catalog) -> dict[str, Any]:  # noqa: F811
    """An application by the citizen with a case in department A and one in department B."""
    response = post_json(cast.clients["citizen"], payload(applicant=applicant(name="林晓梅", phone="13905931234")))
    assert response.status_code == 201, response.content
    return response.json()
