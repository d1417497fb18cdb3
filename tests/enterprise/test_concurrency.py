"""The last seat under concurrent sign-ups: exactly one gets it, the rest wait (PostgreSQL row locks)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from onewindow.catalog.models import Department
from onewindow.core.access import Role
from onewindow.enterprise.models import ClassRegistration
from onewindow.enterprise.services import classes, enterprises


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_give_the_last_seat_once(make_user) -> None:
    department = Department.objects.create(code="T-C", name="并发测试部门")
    clerk = make_user("door", Role.CLERK)
    session = classes.session_create(topic="tax", title="并发", speaker_department=department, place="三楼",
                                     starts_at=timezone.make_aware(dt.datetime(2026, 3, 10, 14)),
                                     ends_at=timezone.make_aware(dt.datetime(2026, 3, 10, 16)), capacity=1,
                                     actor=clerk)
    firms = []
    for i in range(6):
        owner = User.objects.create_user(f"c{i}")
        firms.append((enterprises.enterprise_register(
            credit_code=f"91350206MA2YCP8{i}0{i}", name=f"并发企业{i}", registered_capital=1, industry="other",
            founded_on=dt.date(2020, 1, 1), declared_employees=1, user=owner, actor=owner), owner))
    barrier = threading.Barrier(len(firms))
    errors: list[Exception] = []

    def sign_up(enterprise, owner) -> None:
        try:
            barrier.wait()
            classes.class_sign_up(session=session, enterprise=enterprise, actor=owner)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=firm) for firm in firms]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    statuses = sorted(ClassRegistration.objects.values_list("status", flat=True))
    assert statuses == ["registered"] + ["waiting"] * 5
