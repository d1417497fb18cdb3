"""The clerk's console: sign in at a counter, then call, recall, start, finish, no-show, transfer, pause and
sign out — one service call per button."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from onewindow.core.access import Role, allow
from onewindow.core.errors import ServiceError
from onewindow.hall import selectors
from onewindow.hall.models import ClerkState, Counter, Ticket
from onewindow.hall.services import clerks, queue
from onewindow.hall.views.pads import pairing_context

CLERKS = (Role.CLERK, Role.SUPERVISOR)


def _console_context(request: HttpRequest) -> dict[str, Any]:
    session = selectors.clerk_open_session(request.user)
    if session is None:
        halls = selectors.halls()
        code = request.GET.get("hall") or (halls[0].code if halls else "")
        hall = next((h for h in halls if h.code == code), None)
        return {"session": None, "halls": halls, "hall": hall,
                "counters": selectors.available_counters(hall) if hall else []}
    counter = session.counter
    ticket = selectors.counter_current_ticket(counter)
    return {
        "session": session, "counter": counter, "hall": counter.hall, "ticket": ticket,
        "queue": selectors.counter_queue(counter),
        "categories": selectors.hall_categories(counter.hall),
        "other_counters": selectors.other_counters(counter),
        "accept_url": f"/cases/clerk/accept/?ticket={ticket.pk}" if ticket else "",  # built by the cases app
    }


@allow(*CLERKS)
@never_cache
def console(request: HttpRequest) -> HttpResponse:
    context = _console_context(request)
    if getattr(request, "htmx", False):
        return render(request, "hall/_console_panel.html", context)
    if context.get("session") is not None:
        context.update(pairing_context(request, context["counter"]))
    return render(request, "hall/console.html", context)


@allow(*CLERKS)
@require_POST
def console_sign_in(request: HttpRequest) -> HttpResponse:
    try:
        clerks.clerk_session_start(counter=int(request.POST.get("counter") or 0), clerk=request.user)
    except (ServiceError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("请选择窗口")))
    return redirect("hall:console")


Action = Callable[[Counter, "User | AnonymousUser", QueryDict], object]


def _transfer(c: Counter, u: User | AnonymousUser, p: QueryDict) -> Ticket:
    to_counter = p.get("to_counter") or ""
    return queue.ticket_transfer(counter=c, actor=u, to_category=p.get("to_category") or None,
                                 to_counter=int(to_counter) if to_counter.isdigit() else None)


CONSOLE_ACTIONS: dict[str, Action] = {
    "call": lambda c, u, p: queue.counter_call_next(counter=c, actor=u),
    "recall": lambda c, u, p: queue.ticket_recall(counter=c, actor=u),
    "start": lambda c, u, p: queue.ticket_start(counter=c, actor=u),
    "finish": lambda c, u, p: queue.ticket_finish(counter=c, actor=u, items_handled=p.get("items_handled", "")),
    "no_show": lambda c, u, p: queue.ticket_no_show(counter=c, actor=u),
    "transfer": _transfer,
    "break": lambda c, u, p: clerks.clerk_session_set_state(clerk=u, state=ClerkState.BREAK),
    "available": lambda c, u, p: clerks.clerk_session_set_state(clerk=u, state=ClerkState.AVAILABLE),
    "sign_out": lambda c, u, p: clerks.clerk_session_end(clerk=u),
}


def _report(request: HttpRequest, action: str, result: object) -> None:
    if action == "call" and result is None:
        messages.info(request, _("当前没有等候的号"))
    elif action == "call" and isinstance(result, Ticket):
        messages.success(request, _("已呼叫 %(n)s") % {"n": result.number})
    elif action == "finish" and isinstance(result, Ticket):
        messages.success(request, _("%(n)s 已办结，评价器已提示评价") % {"n": result.number})


@allow(*CLERKS)
@require_POST
def console_action(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    session = selectors.clerk_open_session(request.user)
    if session is None or action not in CONSOLE_ACTIONS:
        messages.error(request, _("请先在窗口签入"))
        return redirect("hall:console")
    try:
        _report(request, action, CONSOLE_ACTIONS[action](session.counter, request.user, request.POST))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("hall:console")
