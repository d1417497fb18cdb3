"""Fixtures for listening: a hall, two departments, a suggestion category routed to the first, and a user per role
(two citizens, one of them an experience officer)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onewindow.core.access import Role


@dataclass
class World:
    hall: Any
    dept: Any
    other_dept: Any
    category: Any
    users: dict[str, User]

    def client(self, name: str) -> Client:
        client = Client()
        client.force_login(self.users[name])
        return client


def post_json(client: Client, url: str, body: dict[str, Any], key: str = "") -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def world(db: None, make_user: Callable[..., User]) -> World:
    from onewindow.catalog.models import Department
    from onewindow.feedback.models import SuggestionCategory
    from onewindow.hall.models import Hall

    hall = Hall.objects.create(code="huli", name="湖里区行政服务中心")
    dept = Department.objects.create(code="HL-SCJ", name="湖里区市场监督管理局")
    other = Department.objects.create(code="HL-XSPJ", name="湖里区行政审批管理局")
    category = SuggestionCategory.objects.create(code="process", name="办理环节与跑动", department=dept,
                                                 due_workdays=10)
    users = {
        "supervisor": make_user("supervisor", Role.SUPERVISOR),
        "head": make_user("head", Role.DEPARTMENT_HEAD, department=other),
        "clerk": make_user("clerk", Role.CLERK),
        "citizen": make_user("citizen", Role.CITIZEN, display_name="林晓梅"),
        "citizen2": make_user("citizen2", Role.CITIZEN, display_name="王大明"),
        "officer": make_user("officer", Role.CITIZEN, display_name="陈体验"),
        "reviewer": make_user("reviewer", Role.REVIEWER, department=dept),
    }
    return World(hall=hall, dept=dept, other_dept=other, category=category, users=users)
