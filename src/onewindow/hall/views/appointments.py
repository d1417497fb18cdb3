"""Booking pages: a hall's open slots per category, the citizen's bookings, book and cancel."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.core.access import SIGNED_IN, allow
from onewindow.core.errors import ServiceError
from onewindow.core.inputs import int_param, safe_next
from onewindow.hall import selectors
from onewindow.hall.models import AppointmentSlot
from onewindow.hall.services.appointments import appointment_book as book
from onewindow.hall.services.appointments import appointment_cancel as cancel


@allow(SIGNED_IN)
def appointments(request: HttpRequest) -> HttpResponse:
    halls = selectors.queue_halls()
    code = request.GET.get("hall") or (halls[0].code if halls else "")
    hall = next((h for h in halls if h.code == code), None)
    cats = selectors.hall_categories(hall) if hall else []
    cat_code = request.GET.get("category") or (cats[0].category.code if cats else "")
    hc = next((c for c in cats if c.category.code == cat_code), None)
    slots = selectors.open_slots(hall, category=hc) if hall and hc else []
    days: dict[dt.date, list[AppointmentSlot]] = {}
    for s in slots:
        days.setdefault(s.date, []).append(s)
    return render(request, "hall/appointments.html", {
        "halls": halls, "hall": hall, "categories": cats, "category": hc, "days": sorted(days.items()),
        "mine": selectors.my_appointments(request.user), "phone": request.GET.get("phone", ""),
    })


@allow(SIGNED_IN)
@require_POST
def appointment_book(request: HttpRequest) -> HttpResponse:
    try:
        a = book(slot_id=int_param(request.POST.get("slot"), "slot", default=0, lo=0) or 0, citizen=request.user,
                 phone=request.POST.get("phone", ""), note=request.POST.get("note", ""))
        messages.success(request, _("预约成功，预约码 %(code)s，请在预约时段到大厅取号机签到") % {"code": a.code})
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(safe_next(request, request.POST.get("next"), reverse("hall:appointments")))


@allow(SIGNED_IN)
@require_POST
def appointment_cancel(request: HttpRequest, appointment: int) -> HttpResponse:
    try:
        cancel(appointment_id=appointment, actor=request.user)
        messages.success(request, _("预约已取消"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("hall:appointments")
