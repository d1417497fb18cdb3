"""Crafted records in the other apps' tables (built directly, read-only for supervision): departments, items,
halls and tickets with events, applications and cases, ratings, rectifications, suggestions."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from onewindow.catalog.models import CanonicalMaterial, Department, ItemMaterial, ServiceItem, WindowCategory

_seq = itertools.count(1)
TZ = timezone.get_default_timezone()


def at(day: dt.date, hour: float = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=TZ) + dt.timedelta(hours=hour)


def department(code: str = "HL-SCJ", name: str = "湖里区市场监督管理局", order: int = 0) -> Department:
    d, _ = Department.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    return d


def item(dept: Department, *, materials: int = 1, **fields: Any) -> ServiceItem:
    n = next(_seq)
    values = {"name": f"事项{n}", "code": f"ITEM-{n:05d}", "department": dept, "status": "published",
              "legal_limit": 20, "promised_limit": 10, "handling_type": "2", "max_visits": 0,
              "online_depth": 4, "consult_phone": "0592-5718000"} | fields
    it = ServiceItem.objects.create(**values)
    for k in range(materials):
        m, _ = CanonicalMaterial.objects.get_or_create(code=f"M{n}-{k}", defaults={"name": f"材料{n}-{k}"})
        ItemMaterial.objects.create(item=it, material=m)
    return it


def hall(code: str = "huli", name: str = "湖里区行政服务中心") -> Any:
    from onewindow.hall.models import Hall, HallCategory

    h, _ = Hall.objects.get_or_create(code=code, defaults={"name": name})
    wc, _ = WindowCategory.objects.get_or_create(code="SHMS", defaults={"name": "社会民生", "default_ticket_prefix": "A"})
    HallCategory.objects.get_or_create(hall=h, category=wc, defaults={"prefix": "A"})
    return h


def ticket(h: Any, day: dt.date, *, wait_minutes: float | None, service_minutes: float = 5, status: str = "finished",
           hour: float = 9) -> Any:
    from onewindow.hall.models import HallCategory, Ticket, TicketEvent

    n = next(_seq)
    hc = HallCategory.objects.filter(hall=h).first()
    issued = at(day, hour)
    t = Ticket.objects.create(hall=h, category=hc, issued_category=hc, day=day, seq=n, number=f"A{n:03d}",
                              token=f"tk{n:020d}", issued_at=issued, effective_time=issued, status=status)
    TicketEvent.objects.create(ticket=t, action="issued", at=issued)
    if wait_minutes is not None:
        called = issued + dt.timedelta(minutes=wait_minutes)
        TicketEvent.objects.create(ticket=t, action="called", at=called)
        if status == "finished":
            TicketEvent.objects.create(ticket=t, action="finished", at=called + dt.timedelta(minutes=service_minutes))
    return t


def case(it: ServiceItem, *, accepted_on: dt.date | None, completed: dt.datetime | None = None,
         due_date: dt.date | None = None, status: str | None = None, bundle: str = "",
         received: dt.datetime | None = None) -> Any:
    from onewindow.cases.models import Applicant, Application, Case

    n = next(_seq)
    received = received or (at(accepted_on, 9) if accepted_on else timezone.now())
    applicant = Applicant.objects.create(name="林晓梅", id_number="350206199001011234", created_at=received)
    app = Application.objects.create(number=f"AP{n:08d}", kind="bundle" if bundle else "item",
                                     code=bundle or it.code, name=it.name, channel="window", applicant=applicant,
                                     submitted_at=received)
    return Case.objects.create(
        number=f"CS{n:08d}", application=app, item=it, item_code=it.code, item_name=it.name,
        department=it.department, handling_type=it.handling_type, promised_limit=it.promised_limit,
        status=status or ("completed" if completed else "under_review"), received_at=received,
        accepted_on=accepted_on, due_date=due_date, completed_at=completed, updated_at=received)


def rating(dept: Department | None, level: str, when: dt.datetime, *, h: Any = None, default: bool = False,
           target_id: int | None = None, kind: str = "ticket") -> Any:
    from onewindow.feedback.models import Rating

    n = next(_seq)
    return Rating.objects.create(target_kind=kind, target_id=target_id or 900000 + n, level=level,
                                 channel="" if default else "4", is_default=default, department=dept, hall=h,
                                 rated_at=when, target_number=f"T{n}")
