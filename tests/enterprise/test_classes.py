"""企业成长课堂: sign-up, waiting list promoted on cancellation, sign-in at the door by QR token, feedback."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.enterprise.models import ClassRegistration, ClassSession
from onewindow.enterprise.services import classes, enterprises

from .conftest import World

pytestmark = pytest.mark.django_db
FIRM = "91350206MA2YCP8A01"
OTHER = "91350206MA2YCP8B02"
THIRD = "91350206MA2YCP8C03"


def at(day: int, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 3, day, hour, 0))


@pytest.fixture
def session(world: World) -> ClassSession:
    return classes.session_create(topic="tax", title="新办企业税务登记与发票申领", speaker_department=world.commerce,
                                  place="区行政服务中心三楼培训室", starts_at=at(10, 14), ends_at=at(10, 16),
                                  capacity=1, actor=User.objects.get(username="clerk"))


@pytest.fixture
def third(world: World, make_user: Any) -> Any:
    owner = make_user("third_owner", Role.CITIZEN)
    enterprises.enterprise_register(credit_code=THIRD, name="厦门三号科技有限公司", registered_capital=10,
                                    industry="software", founded_on=dt.date(2025, 1, 1), declared_employees=3,
                                    user=owner, actor=owner)
    from .conftest import signed_in

    return signed_in(owner)


def sign_up(world: World, who: str, session: ClassSession, code: str = FIRM) -> Any:
    return world.clients[who].post(f"/api/v1/enterprise/classes/{session.pk}/sign-up", {"credit_code": code},
                                   content_type="application/json")


def test_schedule_is_public_and_first_come_gets_the_seat_then_the_waiting_list(world: World,
                                                                            session: ClassSession) -> None:
    listed = world.clients["anonymous"].get("/api/v1/enterprise/classes").json()
    assert [s["title"] for s in listed] == ["新办企业税务登记与发票申领"]
    first = sign_up(world, "owner", session)
    second = sign_up(world, "other_owner", session, OTHER)
    assert first.status_code == second.status_code == 201
    assert (first.json()["status"], second.json()["status"]) == ("registered", "waiting")
    assert "checkin_token" in first.json() and "checkin_token" not in second.json()


def test_double_sign_up_is_refused(world: World, session: ClassSession) -> None:
    assert sign_up(world, "owner", session).status_code == 201
    again = sign_up(world, "clerk", session)
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "enterprise"
    assert ClassRegistration.objects.count() == 1


def test_cancelling_a_seat_promotes_the_first_on_the_waiting_list(world: World, session: ClassSession,
                                                                  third: Any) -> None:
    seat = sign_up(world, "owner", session).json()
    sign_up(world, "other_owner", session, OTHER)
    with clock.frozen(clock.now() + dt.timedelta(minutes=1)):
        third.post(f"/api/v1/enterprise/classes/{session.pk}/sign-up", {"credit_code": THIRD},
                   content_type="application/json")
    assert world.clients["other_owner"].post(
        f"/api/v1/enterprise/classes/registrations/{seat['id']}/cancel").status_code == 404  # not theirs
    cancelled = world.clients["owner"].post(f"/api/v1/enterprise/classes/registrations/{seat['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    statuses = dict(ClassRegistration.objects.values_list("enterprise__credit_code", "status"))
    assert statuses == {FIRM: "cancelled", OTHER: "registered", THIRD: "waiting"}
    mine = world.clients["other_owner"].get("/api/v1/enterprise/classes/registrations").json()
    assert mine[0]["status"] == "registered" and mine[0]["checkin_token"]


def test_qr_token_signs_in_once_and_a_replay_is_refused(world: World, session: ClassSession) -> None:
    token = sign_up(world, "owner", session).json()["checkin_token"]
    door = world.clients["clerk"]
    with clock.frozen(at(10, 13)):
        assert world.clients["owner"].post("/api/v1/enterprise/classes/checkin", {"token": token},
                                           content_type="application/json").status_code == 403
        first = door.post("/api/v1/enterprise/classes/checkin", {"token": token}, content_type="application/json")
        replay = door.post("/api/v1/enterprise/classes/checkin", {"token": token}, content_type="application/json")
    assert first.status_code == 200 and first.json()["status"] == "attended"
    assert replay.status_code == 409


def test_a_forged_or_expired_token_signs_nobody_in(world: World, session: ClassSession) -> None:
    token = sign_up(world, "owner", session).json()["checkin_token"]
    door = world.clients["clerk"]
    with clock.frozen(at(10, 14)):
        forged = door.post("/api/v1/enterprise/classes/checkin", {"token": token[:-2] + ("xx" if token[-2:] != "xx" else "yy")},
                           content_type="application/json")
    with clock.frozen(at(11, 9)):
        expired = door.post("/api/v1/enterprise/classes/checkin", {"token": token}, content_type="application/json")
    assert forged.status_code == 404 and expired.status_code == 409
    assert ClassRegistration.objects.get().status == "registered"


def test_staff_of_another_department_cannot_run_the_door(world: World, session: ClassSession) -> None:
    token = sign_up(world, "owner", session).json()["checkin_token"]
    with clock.frozen(at(10, 14)):
        refused = world.clients["reviewer_hr"].post("/api/v1/enterprise/classes/checkin", {"token": token},
                                                    content_type="application/json")
        allowed = world.clients["reviewer_commerce"].post("/api/v1/enterprise/classes/checkin", {"token": token},
                                                          content_type="application/json")
    assert refused.status_code == 403 and allowed.status_code == 200


def test_feedback_only_from_an_attendee_and_only_once(world: World, session: ClassSession) -> None:
    seat = sign_up(world, "owner", session).json()
    url = f"/api/v1/enterprise/classes/registrations/{seat['id']}/feedback"
    before = world.clients["owner"].post(url, {"score": 5}, content_type="application/json")
    assert before.status_code == 403  # signed up but not attended
    with clock.frozen(at(10, 14)):
        world.clients["clerk"].post("/api/v1/enterprise/classes/checkin", {"token": seat["checkin_token"]},
                                    content_type="application/json")
    with clock.frozen(at(10, 17)):
        assert world.clients["other_owner"].post(url, {"score": 1}, content_type="application/json").status_code == 404
        bad = world.clients["owner"].post(url, {"score": 6}, content_type="application/json")
        ok = world.clients["owner"].post(url, {"score": 5, "comment": "讲得清楚"}, content_type="application/json")
        twice = world.clients["owner"].post(url, {"score": 4}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "score"
    assert ok.status_code == 201 and twice.status_code == 409
    figures = world.clients["anonymous"].get("/api/v1/enterprise/classes/figures").json()
    assert figures == [{"topic": "tax", "label": "税务", "classes": 1, "capacity": 1, "signed_up": 1, "waiting": 0,
                        "attended": 1, "attendance_rate": 100.0, "ratings": 1, "score": 5.0}]


def test_sign_up_closes_when_the_class_starts_and_a_cancelled_class_frees_everyone(world: World,
                                                                                  session: ClassSession) -> None:
    sign_up(world, "owner", session)
    with clock.frozen(at(10, 14)):
        late = sign_up(world, "other_owner", session, OTHER)
    assert late.status_code == 409
    refused = world.clients["reviewer_hr"].post(f"/api/v1/enterprise/classes/{session.pk}/cancel",
                                                {"reason": "讲师临时有事"}, content_type="application/json")
    assert refused.status_code == 403
    done = world.clients["reviewer_commerce"].post(f"/api/v1/enterprise/classes/{session.pk}/cancel",
                                                   {"reason": "讲师临时有事"}, content_type="application/json")
    assert done.json()["status"] == "cancelled"
    assert set(ClassRegistration.objects.values_list("status", flat=True)) == {"cancelled"}
