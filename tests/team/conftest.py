"""Fixtures for the window team: a hall open 09:00–17:30 on weekdays with two comprehensive counters and a
special one, three clerks, a supervisor, a department head and a citizen; `served` fills last month with the
clerks' tickets, ratings and sign-ins."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.core.calendar import is_workday

_seq = itertools.count(1)


@dataclass
class World:
    hall: Any
    other_hall: Any
    counters: list[Any]
    month: dt.date
    days: list[dt.date]
    users: dict[str, User]
    clients: dict[str, Client]


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def last_month() -> dt.date:
    return (clock.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@pytest.fixture
def world(db: None, make_user: Callable[..., User]) -> World:
    from onewindow.catalog.models import WindowCategory
    from onewindow.hall.models import Counter, CounterKind, Hall, HallCategory, OpeningHours

    hall = Hall.objects.create(code="huli", name="湖里区行政服务中心", no_lunch_break=True)
    other = Hall.objects.create(code="fuan", name="福安市行政服务中心")
    for h in (hall, other):
        for wd in range(5):
            OpeningHours.objects.create(hall=h, weekday=wd, opens=dt.time(9), closes=dt.time(17, 30))
    window = WindowCategory.objects.create(code="social", name="社会民生", default_ticket_prefix="A")
    category = HallCategory.objects.create(hall=hall, category=window, prefix="A")
    counters = [Counter.objects.create(hall=hall, number=n, name="社会民生综合窗口") for n in (1, 2, 3)]
    counters.append(Counter.objects.create(hall=hall, number=29, name="办不成事反映窗口", kind=CounterKind.SPECIAL))
    Counter.objects.create(hall=other, number=1, name="人社综合柜员")
    for c in counters:
        c.categories.add(category)
    month = last_month()
    days = [month + dt.timedelta(days=k) for k in range(28)]
    days = [d for d in days if d.weekday() < 5 and is_workday(d)][:3]
    users = {
        "clerk": make_user("clerk", Role.CLERK, display_name="陈雅琴"),
        "clerk2": make_user("clerk2", Role.CLERK, display_name="王芳"),
        "clerk3": make_user("clerk3", Role.CLERK, display_name="李明"),
        "supervisor": make_user("supervisor", Role.SUPERVISOR, display_name="许文斌"),
        "head": make_user("head", Role.DEPARTMENT_HEAD, display_name="吴国栋"),
        "citizen": make_user("citizen", Role.CITIZEN),
    }
    return World(hall, other, counters, month, days, users, {n: login(u) for n, u in users.items()})


def serve(world: World, clerk: User, counter: Any, *, tickets: int, ratings: list[str],
          sign_in: dt.time = dt.time(8, 55)) -> None:
    """`tickets` finished tickets spread over the world's days, the first ones rated with `ratings`, and a
    sign-in each day at `sign_in` (local time)."""
    from zoneinfo import ZoneInfo

    from onewindow.feedback.models import Channel, Rating, TargetKind
    from onewindow.hall.models import ClerkSession, ClerkState, Ticket, TicketStatus

    tz = ZoneInfo("Asia/Shanghai")
    category = counter.categories.first()
    for day in world.days:
        start = dt.datetime.combine(day, sign_in, tzinfo=tz)
        ClerkSession.objects.create(counter=counter, clerk=clerk, state=ClerkState.SIGNED_OUT, started_at=start,
                                    ended_at=start + dt.timedelta(hours=8))
    for i in range(tickets):
        n = next(_seq)
        day = world.days[i % len(world.days)]
        at = dt.datetime.combine(day, dt.time(10), tzinfo=tz)
        ticket = Ticket.objects.create(hall=counter.hall, category=category, issued_category=category, day=day,
                                       seq=n, number=f"A{n:03d}", token=f"team-{n}", issued_at=at, effective_time=at,
                                       status=TicketStatus.FINISHED, counter=counter, clerk=clerk)
        if i < len(ratings):
            Rating.objects.create(target_kind=TargetKind.TICKET, target_id=ticket.pk, target_number=ticket.number,
                                  level=ratings[i], channel=Channel.HALL_PAD, rated_at=at, clerk=clerk,
                                  hall=counter.hall, counter=counter)


@pytest.fixture
def served(world: World) -> World:
    """陈雅琴 30 tickets, 10 ratings all 非常满意, on time; 王芳 24 tickets, 10 ratings with 2 bad, late every day;
    李明 5 tickets (below the minimum of 20: no score)."""
    u, c = world.users, world.counters
    serve(world, u["clerk"], c[0], tickets=30, ratings=["very_satisfied"] * 10)
    serve(world, u["clerk2"], c[1], tickets=24, ratings=["very_satisfied"] * 6 + ["basic"] * 2
          + ["dissatisfied"] * 2, sign_in=dt.time(9, 10))
    serve(world, u["clerk3"], c[2], tickets=5, ratings=[])
    return world
