"""Fixtures: departments, items, a served ticket and a completed case built directly in the owning apps'
tables (read-only for feedback), suggestion categories with routing rules."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from onewindow.catalog.models import Department, ServiceItem, WindowCategory
from onewindow.core import clock
from onewindow.feedback.models import RoutingRule, SuggestionCategory


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    """Argon2 is slow on purpose; these tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def dept(db: None) -> Department:
    return Department.objects.create(code="HL-SCJ", name="湖里区市场监督管理局", credit_code="11350206MB0000000X")


@pytest.fixture
def other_dept(db: None) -> Department:
    return Department.objects.create(code="HL-ZJJ", name="湖里区住房和建设局", credit_code="11350206MB1111111Y")


@pytest.fixture
def item(dept: Department) -> ServiceItem:
    return ServiceItem.objects.create(name="食品经营许可", code="11350206MB0000000X3000111", department=dept,
                                      status="published")


@pytest.fixture
def make_ticket(db: None, make_user: Callable[..., Any]) -> Callable[..., Any]:
    """A finished ticket at counter 3 of the Huli hall, served by a clerk (status and 'finished' event)."""
    from onewindow.hall.models import Counter, Hall, HallCategory, Ticket, TicketEvent

    counter_seq = {"n": 0}

    def make(*, clerk: Any = None, finished: bool = True, at: dt.datetime | None = None) -> Any:
        counter_seq["n"] += 1
        n = counter_seq["n"]
        hall, _ = Hall.objects.get_or_create(code="huli", defaults={"name": "湖里区行政服务中心"})
        wc, _ = WindowCategory.objects.get_or_create(code="SHMS", defaults={"name": "社会民生", "default_ticket_prefix": "A"})
        hc, _ = HallCategory.objects.get_or_create(hall=hall, category=wc, defaults={"prefix": "A"})
        counter, _ = Counter.objects.get_or_create(hall=hall, number=3, defaults={"name": "3号综合窗口"})
        clerk = clerk or make_user(f"clerk{n}", "clerk", display_name="陈雅琴")
        at = at or clock.now()
        ticket = Ticket.objects.create(
            hall=hall, category=hc, issued_category=hc, day=timezone.localdate(at), seq=n, number=f"A{n:03d}",
            token=f"tok{n:020d}", issued_at=at - dt.timedelta(minutes=20), effective_time=at - dt.timedelta(minutes=20),
            status="finished" if finished else "serving", counter=counter, clerk=clerk,
            items_handled="食品经营许可")
        if finished:
            TicketEvent.objects.create(ticket=ticket, action="finished", at=at, counter=counter, actor=clerk)
        return ticket

    return make


@pytest.fixture
def make_case(db: None, item: ServiceItem) -> Callable[..., Any]:
    from onewindow.cases.models import Applicant, Application, Case

    seq = {"n": 0}

    def make(*, status: str = "completed", completed_at: dt.datetime | None = None, enterprise: bool = False) -> Any:
        seq["n"] += 1
        n = seq["n"]
        now = clock.now()
        applicant = Applicant.objects.create(
            kind="enterprise" if enterprise else "person", name="林晓梅", id_number="" if enterprise else "350206199001011234",
            credit_code="91350206MA0000000A" if enterprise else "", phone="13812345678", created_at=now)
        app = Application.objects.create(number=f"SQ{n:08d}", kind="item", code=item.code, name=item.name,
                                         channel="window", applicant=applicant, submitted_at=now)
        return Case.objects.create(
            number=f"BJ{n:010d}", application=app, item=item, item_code=item.code, item_name=item.name,
            department=item.department, status=status, received_at=now,
            completed_at=(completed_at or now) if status == "completed" else None, updated_at=now)

    return make


@pytest.fixture
def categories(dept: Department, other_dept: Department) -> dict[str, SuggestionCategory]:
    hall = SuggestionCategory.objects.create(code="hall-env", name="大厅环境设施", group="服务环境",
                                             keywords="座椅,停车", department=None, due_workdays=10)
    RoutingRule.objects.create(category=hall, keyword="停车", department=other_dept, priority=10)
    RoutingRule.objects.create(category=hall, keyword="", department=dept, priority=100)
    cant = SuggestionCategory.objects.create(code="cant-do", name="办不成事反映", group="办事服务",
                                             department=dept, due_workdays=15, is_cant_do=True)
    nobody = SuggestionCategory.objects.create(code="other", name="其他", department=None, due_workdays=5)
    return {"hall": hall, "cant": cant, "other": nobody}


@pytest.fixture
def make_application(db: None, item: ServiceItem) -> Callable[..., Any]:
    """An application with one case in the item's department, finished now, with the case events given as
    (action, actor) pairs — who received, accepted and decided it (what the cases app records)."""
    from onewindow.cases.models import Applicant, Application, Case, CaseEvent

    seq = {"n": 0}

    def make(*, channel: str = "online", submitted_by: Any = None, applicant_user: Any = None,
             events: list[tuple[str, Any]] = (), status: str = "completed", phone: str = "13812345678") -> Any:
        seq["n"] += 1
        n = seq["n"]
        now = clock.now()
        applicant = Applicant.objects.create(name="林晓梅", id_number="350206199001011234", phone=phone,
                                             user=applicant_user, created_at=now)
        app = Application.objects.create(number=f"SQ9{n:07d}", kind="item", code=item.code, name=item.name,
                                         channel=channel, applicant=applicant, submitted_by=submitted_by,
                                         phone_last4=phone[-4:], submitted_at=now)
        decided = [actor for action, actor in events if action in ("approve", "deny")]
        case = Case.objects.create(
            number=f"BJ9{n:09d}", application=app, item=item, item_code=item.code, item_name=item.name,
            department=item.department, status=status, received_at=now, updated_at=now,
            decided_by=decided[-1] if decided else None, decided_at=now if decided else None,
            completed_at=now if status == "completed" else None)
        for i, (action, actor) in enumerate(events):
            CaseEvent.objects.create(case=case, at=now + dt.timedelta(seconds=i), actor=actor, action=action)
        return app

    return make
