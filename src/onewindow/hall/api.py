"""Hall API: tickets, counter actions, board, statistics and appointments (mounted at /api/v1/).

No `from __future__ import annotations` here: django-ninja resolves the schema annotations at import."""


import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from onewindow.core import clock
from onewindow.core.access import PUBLIC, SIGNED_IN, Role, allow
from onewindow.core.errors import NotFound, ServiceError
from onewindow.core.regions import user_sees
from onewindow.core.security import hashed_key, rate_limit
from onewindow.hall import selectors
from onewindow.hall.hours import hall_local
from onewindow.hall.live import board_now
from onewindow.hall.models import Appointment, Hall, Ticket
from onewindow.hall.services import appointments, clerks, pads, queue
from onewindow.hall.services.lookups import get_counter, hall_by_code
from onewindow.hall.stats import hall_stats

router = Router()

CLERKS = (Role.CLERK, Role.SUPERVISOR)


class IssueIn(Schema):
    category: str = ""
    bundle: str = ""
    priority_reason: str = ""
    source: str = "kiosk"
    phone: str = ""


class TicketOut(Schema):
    id: int
    number: str
    token: str = Field("", description="the holder's secret; empty in counter (clerk) answers")
    status: str
    category: str
    category_name: str
    priority: int
    priority_reason: str
    counter: int | None
    issued_at: dt.datetime
    ahead: int | None = None
    wait_minutes: int | None = None
    follow_url: str = ""


class CallOut(Schema):
    ticket: TicketOut | None
    message: str = ""


class TransferIn(Schema):
    to_category: str = ""
    to_counter: int | None = None
    note: str = ""


class FinishIn(Schema):
    items_handled: str = ""


class StateIn(Schema):
    state: str


class CheckInIn(Schema):
    code: str


class BookIn(Schema):
    slot_id: int
    phone: str
    note: str = ""


class AppointmentOut(Schema):
    id: int
    code: str
    status: str
    hall: str
    category: str
    date: dt.date
    start: dt.time
    end: dt.time


class SlotOut(Schema):
    id: int
    category: str
    category_name: str
    date: dt.date
    start: dt.time
    end: dt.time
    capacity: int
    remaining: int


def _ticket_out(request: HttpRequest, t: Ticket, ahead: int | None = None, wait: int | None = None, *,
                holder: bool = False) -> dict[str, Any]:
    """A ticket. Its token (the follow page's secret, which leads to the rating link) goes only to the holder:
    whoever issued or checked it in, or follows it with the token. Counter actions answer without it."""
    hc = t.category
    return {
        "id": t.pk, "number": t.number, "token": t.token if holder else "", "status": t.status,
        "category": hc.category.code,
        "category_name": hc.category.name, "priority": t.priority, "priority_reason": t.priority_reason,
        "counter": t.counter.number if t.counter_id and t.counter else None, "issued_at": t.issued_at,
        "ahead": ahead, "wait_minutes": wait,
        "follow_url": request.build_absolute_uri(reverse("hall:follow", args=[t.token])) if holder else "",
    }


def _appointment_out(a: Appointment) -> dict[str, Any]:
    s = a.slot
    return {"id": a.pk, "code": a.code, "status": a.status, "hall": s.hall.code, "category": s.category.category.code,
            "date": s.date, "start": s.start, "end": s.end}


def _hall(code: str) -> Hall:
    hall = hall_by_code(code)  # the hall's setup, kept for a few seconds (services.lookups)
    if hall is None:
        raise NotFound(_("大厅不存在"), field="hall")
    return hall


TICKET_RATE_LIMIT = 30  # tickets per address per 10 minutes (hall kiosks: ONEWINDOW_RATE_LIMIT_EXEMPT)


@router.post("halls/{hall}/tickets", response={201: TicketOut})
@allow(PUBLIC)
def issue_ticket(request: HttpRequest, hall: str, payload: IssueIn) -> Status:
    """取号 at the kiosk or from a phone (source=phone needs a mobile number)."""
    rate_limit(request, scope="hall.ticket", limit=TICKET_RATE_LIMIT, per_seconds=600)
    issued = queue.ticket_issue(hall=_hall(hall), category=payload.category, bundle=payload.bundle,
                                   priority_reason=payload.priority_reason, source=payload.source,
                                   citizen=request.user, phone=payload.phone)
    return Status(201, _ticket_out(request, issued.ticket, issued.ahead, issued.wait_minutes, holder=True))


@router.get("tickets/{token}", response=TicketOut)
@allow(PUBLIC)
def follow_ticket(request: HttpRequest, token: str) -> dict:
    ticket = selectors.ticket_by_token(token)
    if ticket is None:
        raise NotFound(_("号码不存在"), field="token")
    pos = selectors.ticket_position(ticket)
    return _ticket_out(request, ticket, pos.ahead, pos.wait_minutes, holder=True)


@router.post("counters/{counter}/sign-in", response={201: dict})
@allow(*CLERKS)
def sign_in(request: HttpRequest, counter: int) -> Status:
    session = clerks.clerk_session_start(counter=get_counter(counter), clerk=request.user)
    return Status(201, {"session": session.pk, "counter": session.counter.number, "state": session.state})


@router.post("clerk/state", response=dict)
@allow(*CLERKS)
def set_state(request: HttpRequest, payload: StateIn) -> dict:
    session = clerks.clerk_session_set_state(clerk=request.user, state=payload.state)
    return {"session": session.pk, "state": session.state}


@router.post("clerk/sign-out", response=dict)
@allow(*CLERKS)
def sign_out(request: HttpRequest) -> dict:
    session = clerks.clerk_session_end(clerk=request.user)
    return {"session": session.pk, "ended_at": session.ended_at}


@router.post("counters/{counter}/call-next", response=CallOut)
@allow(*CLERKS)
def call_next(request: HttpRequest, counter: int) -> dict:
    ticket = queue.counter_call_next(counter=get_counter(counter), actor=request.user)
    if ticket is None:
        return {"ticket": None, "message": "当前没有等候的号"}
    return {"ticket": _ticket_out(request, ticket)}


@router.post("counters/{counter}/recall", response=TicketOut)
@allow(*CLERKS)
def recall(request: HttpRequest, counter: int) -> dict:
    return _ticket_out(request, queue.ticket_recall(counter=get_counter(counter), actor=request.user))


@router.post("counters/{counter}/transfer", response=TicketOut)
@allow(*CLERKS)
def transfer(request: HttpRequest, counter: int, payload: TransferIn) -> dict:
    t = queue.ticket_transfer(counter=get_counter(counter), actor=request.user, to_category=payload.to_category or None,
                                 to_counter=payload.to_counter, note=payload.note)
    return _ticket_out(request, t)


@router.post("counters/{counter}/no-show", response=TicketOut)
@allow(*CLERKS)
def no_show(request: HttpRequest, counter: int) -> dict:
    return _ticket_out(request, queue.ticket_no_show(counter=get_counter(counter), actor=request.user))


@router.post("counters/{counter}/start", response=TicketOut)
@allow(*CLERKS)
def start(request: HttpRequest, counter: int) -> dict:
    return _ticket_out(request, queue.ticket_start(counter=get_counter(counter), actor=request.user))


@router.post("counters/{counter}/finish", response=TicketOut)
@allow(*CLERKS)
def finish(request: HttpRequest, counter: int, payload: FinishIn | None = None) -> dict:
    t = queue.ticket_finish(counter=get_counter(counter), actor=request.user,
                               items_handled=payload.items_handled if payload else "")
    return _ticket_out(request, t)


@router.get("counters/{counter}/pad", response=dict)
@allow(PUBLIC)
def pad(request: HttpRequest, counter: int) -> dict:
    """What the counter's paired rating pad shows; `paired: false` (and nothing else) for any other caller."""
    c = get_counter(counter)
    if pads.pad_device_for(counter=c, secret=request.COOKIES.get(pads.PAD_COOKIE)) is None:
        return {"paired": False, "prompt": None}
    return {"paired": True, "prompt": selectors.pad_prompt(c)}


@router.get("halls/{hall}/board", response=dict)
@allow(PUBLIC)
def board(request: HttpRequest, hall: str) -> dict:
    return board_now(_hall(hall))


@router.get("halls/{hall}/stats", response=dict)
@allow(Role.SUPERVISOR)
def stats(request: HttpRequest, hall: str, date: dt.date | None = None) -> dict:
    h = _hall(hall)
    if not user_sees(request.user, h.region):
        raise NotFound(_("大厅不存在"), field="hall")  # a hall outside the supervisor's region
    data = hall_stats(h, date or hall_local(h, clock.now()).date())
    return {k: v for k, v in data.items() if k != "hall"} | {"hall": h.code}


@router.get("halls/{hall}/slots", response=list[SlotOut])
@allow(PUBLIC)
def slots(request: HttpRequest, hall: str, category: str = "", date: dt.date | None = None) -> list[dict]:
    h = _hall(hall)
    hc = None
    if category:
        hc = next((c for c in selectors.hall_categories(h) if c.category.code == category), None)
        if hc is None:
            raise ServiceError(_("该大厅没有此窗口类别"), field="category")
    return [{"id": s.pk, "category": s.category.category.code, "category_name": s.category.category.name,
             "date": s.date, "start": s.start, "end": s.end, "capacity": s.capacity, "remaining": s.remaining}
            for s in selectors.open_slots(h, category=hc, day=date)]


@router.post("appointments", response={201: AppointmentOut})
@allow(SIGNED_IN)
def book(request: HttpRequest, payload: BookIn) -> Status:
    a = appointments.appointment_book(slot_id=payload.slot_id, citizen=request.user, phone=payload.phone, note=payload.note)
    return Status(201, _appointment_out(a))


@router.post("appointments/{appointment}/cancel", response=AppointmentOut)
@allow(SIGNED_IN)
def cancel(request: HttpRequest, appointment: int) -> dict:
    return _appointment_out(appointments.appointment_cancel(appointment_id=appointment, actor=request.user))


@router.post("halls/{hall}/check-in", response={201: TicketOut})
@allow(PUBLIC)
def check_in(request: HttpRequest, hall: str, payload: CheckInIn) -> Status:
    # 10 tries per address and 5 per booking code (hashed) in 10 minutes: codes cannot be guessed by trying
    rate_limit(request, scope="hall.checkin", limit=10, per_seconds=600,
               keys={hashed_key("code", payload.code.strip()): 5})
    issued = appointments.appointment_check_in(hall=_hall(hall), code=payload.code)
    return Status(201, _ticket_out(request, issued.ticket, issued.ahead, issued.wait_minutes, holder=True))
