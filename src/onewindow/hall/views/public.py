"""The public hall pages: the halls today, the kiosk and its printed ticket, the phone ticket, the holder's
follow page and the display board."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from onewindow.core import clock, live
from onewindow.core.access import PUBLIC, SIGNED_IN, allow
from onewindow.core.errors import ServiceError
from onewindow.core.qr import qr_svg
from onewindow.core.security import hashed_key, rate_limit
from onewindow.hall import selectors
from onewindow.hall.hours import hall_is_open, hall_local, hours_text, next_opening_text
from onewindow.hall.live import board_channel, board_now
from onewindow.hall.models import Hall, PriorityReason, TicketSource
from onewindow.hall.services.appointments import appointment_check_in
from onewindow.hall.services.queue import IssuedTicket, ticket_cancel, ticket_issue

KIOSK_SESSION_KEY = "hall_kiosk_ticket"
KIOSK_TICKET_SECONDS = 180


def hall_or_404(code: str) -> Hall:
    hall = selectors.hall_by_code(code)
    if hall is None:
        raise Http404
    return hall


def hall_today(hall: Hall) -> dt.date:
    return hall_local(hall, clock.now()).date()


def _bundles_for(hall: Hall) -> list[Model]:
    """Bundles (一件事) that map to a window category of this hall, when the catalog has them."""
    from django.apps import apps

    try:
        Bundle = apps.get_model("bundles", "Bundle")
    except LookupError:
        return []
    if not hasattr(Bundle, "window_category"):
        return []
    cat_ids = [c.category_id for c in selectors.hall_categories(hall)]
    qs = Bundle._default_manager.filter(window_category_id__in=cat_ids)
    if hasattr(Bundle, "status"):
        qs = qs.filter(status="published")
    return list(qs[:24])


def _opening(hall: Hall) -> dict[str, object]:
    """Today's hours, whether the hall is open now and, when closed, when it opens next (ticket buttons are
    disabled while it is closed)."""
    now = clock.now()
    is_open = hall_is_open(hall, now)
    return {"hours": hours_text(hall, hall_today(hall)), "open": is_open,
            "next_opening": "" if is_open else next_opening_text(hall, now)}


@allow(PUBLIC)
def index(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    rows = [{"hall": h, "hours": hours_text(h, hall_today(h)), "open": (is_open := hall_is_open(h, now)),
             "next_opening": "" if is_open else next_opening_text(h, now)} for h in selectors.queue_halls()]
    return render(request, "hall/index.html", {"rows": rows})


def _kiosk_issue(request: HttpRequest, hall: Hall) -> IssuedTicket:
    """A ticket by category or bundle, or an appointment's check-in (rate-limited per address and per code)."""
    if request.POST.get("code") is not None and "checkin" in request.POST:
        rate_limit(request, scope="hall.checkin", limit=10, per_seconds=600,
                   keys={hashed_key("code", request.POST.get("code", "").strip()): 5})
        return appointment_check_in(hall=hall, code=request.POST.get("code", ""))
    rate_limit(request, scope="hall.ticket", limit=30, per_seconds=600)
    return ticket_issue(hall=hall, category=request.POST.get("category", ""), bundle=request.POST.get("bundle", ""),
                        priority_reason=request.POST.get("priority_reason", ""))


@allow(PUBLIC)
def kiosk(request: HttpRequest, hall: str) -> HttpResponse:
    h = hall_or_404(hall)
    if request.method == "POST":
        try:
            issued = _kiosk_issue(request, h)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("hall:kiosk", hall=h.code)
        request.session[KIOSK_SESSION_KEY] = issued.ticket.token  # the next ticket here replaces it
        return redirect(reverse("hall:kiosk_ticket", args=[h.code, issued.ticket.token]))
    context = {
        "hall": h, "categories": selectors.hall_categories(h), "bundles": _bundles_for(h),
        "reasons": [c for c in PriorityReason.choices if c[0] not in ("", PriorityReason.APPOINTMENT)],
        **_opening(h),
    }
    return render(request, "hall/kiosk.html", context)


@allow(PUBLIC)
@never_cache
def kiosk_ticket(request: HttpRequest, hall: str, token: str) -> HttpResponse:
    """The printed ticket. The kiosk is a shared browser, so the page (whose QR code carries the holder's
    follow link) shows only the ticket this browser session issued last, and only for a few minutes: the
    next person cannot go back in the kiosk's history to someone else's ticket."""
    h = hall_or_404(hall)
    ticket = selectors.ticket_by_token(token)
    if ticket is None or ticket.hall_id != h.pk or request.session.get(KIOSK_SESSION_KEY) != token:
        raise Http404
    if (clock.now() - ticket.issued_at).total_seconds() > KIOSK_TICKET_SECONDS:
        raise Http404
    follow = request.build_absolute_uri(reverse("hall:follow", args=[ticket.token]))
    return render(request, "hall/kiosk_ticket.html", {
        "hall": h, "ticket": ticket, "pos": selectors.ticket_position(ticket),
        "qr": mark_safe(qr_svg(follow, scale=4)),
        "follow": follow, "issued_local": hall_local(h, ticket.issued_at),
        "effective_local": hall_local(h, ticket.effective_time),
    })


@allow(SIGNED_IN)
def remote(request: HttpRequest, hall: str) -> HttpResponse:
    """掌上取号: take a number from a phone before arriving."""
    h = hall_or_404(hall)
    if request.method == "POST":
        try:
            issued = ticket_issue(hall=h, category=request.POST.get("category", ""), source=TicketSource.PHONE,
                                  citizen=request.user, phone=request.POST.get("phone", ""))
        except ServiceError as exc:
            messages.error(request, exc.message)
            return render(request, "hall/remote.html", {"hall": h, "categories": selectors.hall_categories(h),
                                                        "form": request.POST, **_opening(h)}, status=400)
        return redirect("hall:follow", token=issued.ticket.token)
    return render(request, "hall/remote.html", {"hall": h, "categories": selectors.hall_categories(h), "form": {},
                                                **_opening(h)})


@allow(PUBLIC)
@never_cache
def follow(request: HttpRequest, token: str) -> HttpResponse:
    """The holder's page (its address is the ticket's secret): position, cancel, and — once finished — the
    rating link, which the template asks the feedback app for."""
    ticket = selectors.ticket_by_token(token)
    if ticket is None:
        raise Http404
    if request.method == "POST":
        try:
            ticket_cancel(token=token, actor=request.user)
            messages.success(request, _("已取消"))
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("hall:follow", token=token)
    template = "hall/_follow_status.html" if getattr(request, "htmx", False) else "hall/follow.html"
    response = render(request, template, {"ticket": ticket, "pos": selectors.ticket_position(ticket),
                                          "hall": ticket.hall})
    response["Referrer-Policy"] = "no-referrer"  # the page's address is the holder's secret
    return response


@allow(PUBLIC)
def board(request: HttpRequest, hall: str) -> HttpResponse:
    h = hall_or_404(hall)
    stream = reverse("hall:board_stream", args=[h.code]) if live.enabled() else ""
    return render(request, "hall/board.html", {"hall": h, "data": board_now(h), "stream": stream,
                                               "api": f"/api/v1/halls/{h.code}/board"})


@allow(PUBLIC)
def board_stream(request: HttpRequest, hall: str) -> HttpResponseBase:
    """Server-Sent Events: the board each time the queue moves (only with Redis; otherwise the board polls)."""
    h = hall_or_404(hall)
    if not live.enabled():
        raise Http404
    response = StreamingHttpResponse(live.sse_stream(board_channel(h)), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx passes each event on at once
    return response
