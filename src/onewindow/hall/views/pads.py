"""A counter's rating pad: the pad page itself (only a paired device sees the service just finished and its
rating link), pairing a device from the pairing address, and the counter's list of pads (pair, revoke)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from onewindow.core import clock
from onewindow.core.access import PUBLIC, Role, allow
from onewindow.core.errors import ServiceError
from onewindow.core.qr import qr_svg
from onewindow.hall import config, selectors
from onewindow.hall.models import Counter, PadDevice
from onewindow.hall.services import pads


def pairing_context(request: HttpRequest, counter: Counter) -> dict[str, Any]:
    """The pairing address of `counter` as link and QR code (for the console and the pads page)."""
    code = pads.pad_pairing_code(counter=counter, actor=request.user)
    url = request.build_absolute_uri(reverse("hall:pad_pair", args=[code]))
    return {"pair_url": url, "pair_qr": mark_safe(qr_svg(url, scale=3)),
            "pair_minutes": config.pad_pairing_minutes()}


@allow(PUBLIC)
@never_cache
def pad(request: HttpRequest, counter: int) -> HttpResponse:
    """The counter's rating pad. Only a device paired to this counter sees the service just finished and its
    rating link (the template asks the feedback app); any other browser gets the "pair this device" page."""
    c = get_object_or_404(Counter.objects.select_related("hall"), pk=counter, active=True)
    partial = getattr(request, "htmx", False)
    if pads.pad_device_for(counter=c, secret=request.COOKIES.get(pads.PAD_COOKIE)) is None:
        return render(request, "hall/_pad_unpaired.html" if partial else "hall/pad_unpaired.html", {"counter": c})
    context = {"counter": c, "prompt": selectors.pad_prompt(c)}
    return render(request, "hall/_pad_prompt.html" if partial else "hall/pad.html", context)


@allow(PUBLIC)
@never_cache
def pad_pair(request: HttpRequest, code: str) -> HttpResponse:
    """Opened on the pad from the console's pairing link or QR code: confirm, and the device is paired."""
    try:
        pairing = pads.pad_pairing_read(code)
    except ServiceError as exc:
        return render(request, "hall/pad_pair.html", {"error": exc.message}, status=exc.status)
    if request.method != "POST":
        return render(request, "hall/pad_pair.html", {"counter": pairing.counter, "code": code})
    try:
        device, secret = pads.pad_pair(code=code, user=request.user, label=request.headers.get("User-Agent", "")[:120])
    except ServiceError as exc:
        return render(request, "hall/pad_pair.html", {"counter": pairing.counter, "error": exc.message},
                      status=exc.status)
    response = redirect("hall:pad", counter=device.counter_id)
    response.set_cookie(pads.PAD_COOKIE, secret, max_age=config.pad_device_days() * 86400, httponly=True,
                        samesite="Lax", secure=request.is_secure() or settings.SESSION_COOKIE_SECURE, path="/")
    return response


@allow(Role.CLERK, Role.SUPERVISOR, Role.CATALOG_ADMIN)
@never_cache
def pad_devices(request: HttpRequest, counter: int) -> HttpResponse:
    """A counter's paired pads: pair another one (link and QR code), revoke one."""
    c = get_object_or_404(Counter.objects.select_related("hall"), pk=counter)
    if not pads.can_pair_pad(request.user, c):
        raise PermissionDenied(_("只有在该窗口签入的受理人员或大厅管理员可以配对评价器"))
    if request.method == "POST":
        try:
            raw = (request.POST.get("device") or "").strip()
            pads.pad_revoke(device_id=int(raw) if raw.isdigit() and len(raw) <= 18 else 0, actor=request.user)
            messages.success(request, _("已撤销该评价器"))
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("hall:pad_devices", counter=c.pk)
    devices = list(PadDevice.objects.filter(counter=c).select_related("paired_by__profile", "revoked_by"))
    now = clock.now()
    return render(request, "hall/pad_devices.html", {
        "counter": c, "hall": c.hall, "now": now, **pairing_context(request, c),
        "devices": [{"d": d, "active": d.revoked_at is None and d.expires_at > now} for d in devices]})
