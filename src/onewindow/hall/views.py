"""Hall pages: kiosk, phone ticket, follow page, display board, clerk console, rating pad, appointments,
statistics. Thin: each action calls one service or selector."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from onewindow.core import clock
from onewindow.core.access import PUBLIC, SIGNED_IN, Role, allow
from onewindow.core.errors import ServiceError
from onewindow.core.inputs import int_param, safe_next
from onewindow.core.security import hashed_key, rate_limit
from onewindow.hall import selectors, services
from onewindow.hall.models import Appointment, Counter, Hall, PadDevice, PriorityReason

CLERKS = (Role.CLERK, Role.SUPERVISOR)


def _hall_or_404(code: str) -> Hall:
    hall = selectors.hall_by_code(code)
    if hall is None:
        raise Http404
    return hall


def _bundles_for(hall: Hall) -> list[Any]:
    """Bundles (一件事) that map to a window category of this hall, when the catalog has them."""
    from django.apps import apps

    try:
        Bundle = apps.get_model("bundles", "Bundle")
    except LookupError:
        return []
    if not hasattr(Bundle, "window_category"):
        return []
    cat_ids = [c.category_id for c in selectors.hall_categories(hall)]
    qs = Bundle.objects.filter(window_category_id__in=cat_ids)
    if hasattr(Bundle, "status"):
        qs = qs.filter(status="published")
    return list(qs[:24])


def _today(hall: Hall) -> dt.date:
    return services.hall_local(hall, clock.now()).date()


@allow(PUBLIC)
def index(request: HttpRequest) -> HttpResponse:
    halls = selectors.halls()
    rows = [{"hall": h, "hours": services.hours_text(h, _today(h)), "open": services.hall_is_open(h, clock.now())}
            for h in halls]
    return render(request, "hall/index.html", {"rows": rows})


# --------------------------------------------------------------------------- kiosk and phone


@allow(PUBLIC)
def kiosk(request: HttpRequest, hall: str) -> HttpResponse:
    h = _hall_or_404(hall)
    if request.method == "POST":
        try:
            if request.POST.get("code") is not None and "checkin" in request.POST:
                rate_limit(request, scope="hall.checkin", limit=10, per_seconds=600,
                           keys={hashed_key("code", request.POST.get("code", "").strip()): 5})
                issued = services.appointment_check_in(hall=h, code=request.POST.get("code", ""))
            else:
                rate_limit(request, scope="hall.ticket", limit=30, per_seconds=600)
                issued = services.ticket_issue(hall=h, category=request.POST.get("category", ""),
                                               bundle=request.POST.get("bundle", ""),
                                               priority_reason=request.POST.get("priority_reason", ""))
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("hall:kiosk", hall=h.code)
        request.session[KIOSK_SESSION_KEY] = issued.ticket.token  # the next ticket here replaces it
        return redirect(reverse("hall:kiosk_ticket", args=[h.code, issued.ticket.token]))
    context = {
        "hall": h, "categories": selectors.hall_categories(h), "bundles": _bundles_for(h),
        "reasons": [c for c in PriorityReason.choices if c[0] not in ("", PriorityReason.APPOINTMENT)],
        "hours": services.hours_text(h, _today(h)), "open": services.hall_is_open(h, clock.now()),
    }
    return render(request, "hall/kiosk.html", context)


KIOSK_SESSION_KEY = "hall_kiosk_ticket"
KIOSK_TICKET_SECONDS = 180


@allow(PUBLIC)
@never_cache
def kiosk_ticket(request: HttpRequest, hall: str, token: str) -> HttpResponse:
    """The printed ticket. The kiosk is a shared browser, so the page (whose QR code carries the holder's
    follow link) shows only the ticket this browser session issued last, and only for a few minutes: the
    next person cannot go back in the kiosk's history to someone else's ticket."""
    h = _hall_or_404(hall)
    ticket = selectors.ticket_by_token(token)
    if ticket is None or ticket.hall_id != h.pk or request.session.get(KIOSK_SESSION_KEY) != token:
        raise Http404
    if (clock.now() - ticket.issued_at).total_seconds() > KIOSK_TICKET_SECONDS:
        raise Http404
    pos = selectors.ticket_position(ticket)
    from onewindow.core.qr import qr_svg

    follow = request.build_absolute_uri(reverse("hall:follow", args=[ticket.token]))
    return render(request, "hall/kiosk_ticket.html", {
        "hall": h, "ticket": ticket, "pos": pos, "qr": mark_safe(qr_svg(follow, scale=4)),
        "follow": follow, "issued_local": services.hall_local(h, ticket.issued_at),
        "effective_local": services.hall_local(h, ticket.effective_time),
    })


@allow(SIGNED_IN)
def remote(request: HttpRequest, hall: str) -> HttpResponse:
    """掌上取号: take a number from a phone before arriving."""
    h = _hall_or_404(hall)
    if request.method == "POST":
        try:
            issued = services.ticket_issue(hall=h, category=request.POST.get("category", ""), source="phone",
                                           citizen=request.user, phone=request.POST.get("phone", ""))
        except ServiceError as exc:
            messages.error(request, exc.message)
            return render(request, "hall/remote.html", {"hall": h, "categories": selectors.hall_categories(h),
                                                        "form": request.POST}, status=400)
        return redirect("hall:follow", token=issued.ticket.token)
    return render(request, "hall/remote.html", {"hall": h, "categories": selectors.hall_categories(h), "form": {}})


@allow(PUBLIC)
@never_cache
def follow(request: HttpRequest, token: str) -> HttpResponse:
    ticket = selectors.ticket_by_token(token)
    if ticket is None:
        raise Http404
    if request.method == "POST":
        try:
            services.ticket_cancel(token=token, actor=request.user)
            messages.success(request, _("已取消"))
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("hall:follow", token=token)
    pos = selectors.ticket_position(ticket)
    template = "hall/_follow_status.html" if request.htmx else "hall/follow.html"
    rating = _holder_rating_url(request, ticket.pk) if ticket.status == "finished" else ""
    response = render(request, template, {"ticket": ticket, "pos": pos, "hall": ticket.hall, "rating_url": rating})
    response["Referrer-Policy"] = "no-referrer"  # the page's address is the holder's secret
    return response


# --------------------------------------------------------------------------- board


@allow(PUBLIC)
def board(request: HttpRequest, hall: str) -> HttpResponse:
    h = _hall_or_404(hall)
    return render(request, "hall/board.html", {"hall": h, "data": selectors.board(h),
                                               "api": f"/api/v1/halls/{h.code}/board"})


# --------------------------------------------------------------------------- clerk console


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
        "other_counters": Counter.objects.filter(hall=counter.hall, active=True).exclude(pk=counter.pk),
        "accept_url": f"/cases/clerk/accept/?ticket={ticket.pk}" if ticket else "",  # built by the cases app
        "called_local": None,
    }


@allow(*CLERKS)
@never_cache
def console(request: HttpRequest) -> HttpResponse:
    context = _console_context(request)
    if request.htmx:
        return render(request, "hall/_console_panel.html", context)
    if context.get("session") is not None:
        context.update(_pairing(request, context["counter"]))
    return render(request, "hall/console.html", context)


@allow(*CLERKS)
@require_POST
def console_sign_in(request: HttpRequest) -> HttpResponse:
    try:
        services.clerk_session_start(counter=int(request.POST.get("counter") or 0), clerk=request.user)
    except (ServiceError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("请选择窗口")))
    return redirect("hall:console")


CONSOLE_ACTIONS = {
    "call": lambda c, u, p: services.counter_call_next(counter=c, actor=u),
    "recall": lambda c, u, p: services.ticket_recall(counter=c, actor=u),
    "start": lambda c, u, p: services.ticket_start(counter=c, actor=u),
    "finish": lambda c, u, p: services.ticket_finish(counter=c, actor=u, items_handled=p.get("items_handled", "")),
    "no_show": lambda c, u, p: services.ticket_no_show(counter=c, actor=u),
    "transfer": lambda c, u, p: services.ticket_transfer(
        counter=c, actor=u, to_category=p.get("to_category") or None,
        to_counter=int(p["to_counter"]) if (p.get("to_counter") or "").isdigit() else None),
    "break": lambda c, u, p: services.clerk_session_set_state(clerk=u, state="break"),
    "available": lambda c, u, p: services.clerk_session_set_state(clerk=u, state="available"),
    "sign_out": lambda c, u, p: services.clerk_session_end(clerk=u),
}


@allow(*CLERKS)
@require_POST
def console_action(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    session = selectors.clerk_open_session(request.user)
    if session is None or action not in CONSOLE_ACTIONS:
        messages.error(request, _("请先在窗口签入"))
        return redirect("hall:console")
    try:
        result = CONSOLE_ACTIONS[action](session.counter, request.user, request.POST)
        if action == "call" and result is None:
            messages.info(request, _("当前没有等候的号"))
        elif action == "call":
            messages.success(request, _("已呼叫 %(n)s") % {"n": result.number})
        elif action == "finish":
            messages.success(request, _("%(n)s 已办结，评价器已提示评价") % {"n": result.number})
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("hall:console")


# --------------------------------------------------------------------------- rating pad


def _holder_rating_url(request: HttpRequest, ticket_id: int, channel: str = "2") -> str:
    """The ticket's rating link for its holder (the follow page: mobile channel 2; the paired pad: 4)."""
    try:
        from onewindow.feedback.access import holder_rating_url
    except ImportError:
        return ""
    try:
        return holder_rating_url(user=request.user, holder=True, target_kind="ticket", target_id=ticket_id,
                                 channel=channel)
    except Exception:  # noqa: BLE001 - the pad keeps working while feedback is unavailable
        return ""


def _pad_device(request: HttpRequest, counter: Counter) -> Any:
    return services.pad_device_for(counter=counter, secret=request.COOKIES.get(services.PAD_COOKIE))


@allow(PUBLIC)
@never_cache
def pad(request: HttpRequest, counter: int) -> HttpResponse:
    """The counter's rating pad. Only a device paired to this counter sees the service just finished and its
    rating link; any other browser gets the "pair this device" page."""
    c = get_object_or_404(Counter.objects.select_related("hall"), pk=counter, active=True)
    if _pad_device(request, c) is None:
        template = "hall/_pad_unpaired.html" if request.htmx else "hall/pad_unpaired.html"
        return render(request, template, {"counter": c})
    prompt = selectors.pad_prompt(c)
    context = {"counter": c, "prompt": prompt,
               "rating_url": _holder_rating_url(request, prompt["ticket_id"], "4") if prompt else ""}
    template = "hall/_pad_prompt.html" if request.htmx else "hall/pad.html"
    return render(request, template, context)


@allow(PUBLIC)
@never_cache
def pad_pair(request: HttpRequest, code: str) -> HttpResponse:
    """Opened on the pad from the console's pairing link or QR code: confirm, and the device is paired."""
    try:
        pairing = services.pad_pairing_read(code)
    except ServiceError as exc:
        return render(request, "hall/pad_pair.html", {"error": exc.message}, status=exc.status)
    if request.method != "POST":
        return render(request, "hall/pad_pair.html", {"counter": pairing.counter, "code": code})
    try:
        device, secret = services.pad_pair(code=code, user=request.user,
                                           label=request.headers.get("User-Agent", "")[:120])
    except ServiceError as exc:
        return render(request, "hall/pad_pair.html", {"counter": pairing.counter, "error": exc.message},
                      status=exc.status)
    response = redirect("hall:pad", counter=device.counter_id)
    response.set_cookie(services.PAD_COOKIE, secret, max_age=services.pad_device_days() * 86400, httponly=True,
                        samesite="Lax", secure=request.is_secure() or settings.SESSION_COOKIE_SECURE, path="/")
    return response


def _pairing(request: HttpRequest, counter: Counter) -> dict[str, Any]:
    from onewindow.core.qr import qr_svg

    code = services.pad_pairing_code(counter=counter, actor=request.user)
    url = request.build_absolute_uri(reverse("hall:pad_pair", args=[code]))
    return {"pair_url": url, "pair_qr": mark_safe(qr_svg(url, scale=3)),
            "pair_minutes": services.pad_pairing_minutes()}


@allow(Role.CLERK, Role.SUPERVISOR, Role.CATALOG_ADMIN)
@never_cache
def pad_devices(request: HttpRequest, counter: int) -> HttpResponse:
    """A counter's paired pads: pair another one (link and QR code), revoke one."""
    c = get_object_or_404(Counter.objects.select_related("hall"), pk=counter)
    if not services.can_pair_pad(request.user, c):
        raise PermissionDenied(_("只有在该窗口签入的受理人员或大厅管理员可以配对评价器"))
    if request.method == "POST":
        try:
            raw = (request.POST.get("device") or "").strip()
            services.pad_revoke(device_id=int(raw) if raw.isdigit() and len(raw) <= 18 else 0, actor=request.user)
            messages.success(request, _("已撤销该评价器"))
        except (ServiceError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("请选择评价器")))
        return redirect("hall:pad_devices", counter=c.pk)
    devices = list(PadDevice.objects.filter(counter=c).select_related("paired_by__profile", "revoked_by"))
    now = clock.now()
    return render(request, "hall/pad_devices.html", {
        "counter": c, "hall": c.hall, "now": now, **_pairing(request, c),
        "devices": [{"d": d, "active": d.revoked_at is None and d.expires_at > now} for d in devices]})


# --------------------------------------------------------------------------- appointments


@allow(SIGNED_IN)
def appointments(request: HttpRequest) -> HttpResponse:
    halls = selectors.halls()
    code = request.GET.get("hall") or (halls[0].code if halls else "")
    hall = next((h for h in halls if h.code == code), None)
    cats = selectors.hall_categories(hall) if hall else []
    cat_code = request.GET.get("category") or (cats[0].category.code if cats else "")
    hc = next((c for c in cats if c.category.code == cat_code), None)
    slots = selectors.open_slots(hall, category=hc) if hall and hc else []
    days: dict[dt.date, list] = {}
    for s in slots:
        days.setdefault(s.date, []).append(s)
    mine = (Appointment.objects.filter(citizen=request.user).select_related("slot__hall", "slot__category__category")
            .order_by("-slot__date", "-slot__start")[:20])
    return render(request, "hall/appointments.html", {
        "halls": halls, "hall": hall, "categories": cats, "category": hc, "days": sorted(days.items()),
        "mine": mine, "phone": request.GET.get("phone", ""),
    })


@allow(SIGNED_IN)
@require_POST
def appointment_book(request: HttpRequest) -> HttpResponse:
    try:
        a = services.appointment_book(slot_id=int_param(request.POST.get("slot"), "slot", default=0, lo=0) or 0,
                                      citizen=request.user,
                                      phone=request.POST.get("phone", ""), note=request.POST.get("note", ""))
        messages.success(request, _("预约成功，预约码 %(code)s，请在预约时段到大厅取号机签到") % {"code": a.code})
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(safe_next(request, request.POST.get("next"), reverse("hall:appointments")))


@allow(SIGNED_IN)
@require_POST
def appointment_cancel(request: HttpRequest, appointment: int) -> HttpResponse:
    try:
        services.appointment_cancel(appointment_id=appointment, actor=request.user)
        messages.success(request, _("预约已取消"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("hall:appointments")


# --------------------------------------------------------------------------- statistics


def _stats_day(request: HttpRequest, hall: Hall) -> dt.date:
    raw = request.GET.get("date", "")
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            messages.error(request, _("日期格式应为 YYYY-MM-DD"))
    days = selectors.ticket_days(hall, limit=1)
    today = _today(hall)
    return today if not days or days[0] >= today else days[0]


@allow(Role.SUPERVISOR)
def stats_index(request: HttpRequest) -> HttpResponse:
    halls = selectors.halls()
    if not halls:
        raise Http404
    return redirect("hall:stats", hall=halls[0].code)


def _fmt(v: Any) -> str:
    return "—" if v is None else str(v)


@allow(Role.SUPERVISOR)
def stats(request: HttpRequest, hall: str) -> HttpResponse:
    h = _hall_or_404(hall)
    day = _stats_day(request, h)
    data = selectors.hall_stats(h, day)
    charts = {}
    try:
        from onewindow.core.charts import figure_json

        hours = data["hours"]
        charts["hours"] = figure_json({
            "data": [
                {"type": "bar", "name": "取号数", "x": [r["label"] for r in hours], "y": [r["tickets"] for r in hours]},
                {"type": "scatter", "mode": "lines+markers", "name": "平均等候（分钟）", "yaxis": "y2",
                 "x": [r["label"] for r in hours], "y": [r["mean_wait"] for r in hours]},
            ],
            "layout": {"title": {"text": "分时段取号与等候"}, "height": 340, "legend": {"orientation": "h"},
                       "yaxis": {"title": {"text": "取号数"}},
                       "yaxis2": {"title": {"text": "分钟"}, "overlaying": "y", "side": "right"},
                       "margin": {"l": 50, "r": 50, "t": 40, "b": 40}},
        })
        cats = data["categories"]
        charts["categories"] = figure_json({
            "data": [
                {"type": "bar", "name": "平均等候", "x": [r["label"] for r in cats], "y": [r["mean_wait"] for r in cats]},
                {"type": "bar", "name": "P90 等候", "x": [r["label"] for r in cats], "y": [r["p90_wait"] for r in cats]},
                {"type": "bar", "name": "平均办理", "x": [r["label"] for r in cats], "y": [r["mean_service"] for r in cats]},
            ],
            "layout": {"title": {"text": "各类别等候与办理时长（分钟）"}, "height": 340, "barmode": "group",
                       "legend": {"orientation": "h"}, "margin": {"l": 50, "r": 20, "t": 40, "b": 40}},
        })
        counters = data["counters"]
        charts["counters"] = figure_json({
            "data": [{"type": "bar", "name": "利用率 %", "x": [r["label"] for r in counters],
                      "y": [r["utilisation"] for r in counters]}],
            "layout": {"title": {"text": "窗口利用率（%）"}, "height": 300, "margin": {"l": 50, "r": 20, "t": 40, "b": 60}},
        })
    except ImportError:
        charts = {}
    reform = None
    if h.reform_date:
        before = selectors.period_summary(h, dt.date(2000, 1, 1), h.reform_date - dt.timedelta(days=1))
        after = selectors.period_summary(h, day - dt.timedelta(days=30), day)
        if before["tickets"] and after["tickets"] and before["mean_wait"] and after["mean_wait"] is not None:
            reform = {"before": before, "after": after,
                      "wait_change": round(100 * (after["mean_wait"] - before["mean_wait"]) / before["mean_wait"], 1),
                      "service_change": round(100 * (after["mean_service"] - before["mean_service"])
                                              / before["mean_service"], 1)
                      if before["mean_service"] and after["mean_service"] is not None else None}
    return render(request, "hall/stats.html", {
        "hall": h, "day": day, "data": data, "charts": charts, "halls": selectors.halls(), "reform": reform,
        "days": selectors.ticket_days(h, limit=30),
    })


@allow(Role.SUPERVISOR)
def stats_xlsx(request: HttpRequest, hall: str) -> HttpResponse:
    from onewindow.core.excel import xlsx_response

    h = _hall_or_404(hall)
    day = _stats_day(request, h)
    data = selectors.hall_stats(h, day)
    header = ["分组", "取号数", "办结数", "平均等候(分钟)", "P90等候(分钟)", "平均办理(分钟)", "过号率(%)", "利用率(%)"]

    def rows(items: list[dict]) -> list[list[Any]]:
        return [[r["label"], r["tickets"], r["finished"], r["mean_wait"], r["p90_wait"], r["mean_service"],
                 r["no_show_rate"], r["utilisation"]] for r in items]

    return xlsx_response(f"{h.code}-hall-stats-{day.isoformat()}.xlsx", {
        "合计": (header, rows([data["total"]])),
        "窗口类别": (header, rows(data["categories"])),
        "窗口": (header, rows(data["counters"])),
        "受理人员": (header, rows(data["clerks"])),
        "时段": (header, rows(data["hours"])),
    })
