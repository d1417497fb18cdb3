"""Custody pages: an application's lockers and envelopes (applicant, staff, the outlet that brought it in), the
citizen's list of their applications, and the hall's locker desk (collect, sign for, place results, pair)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.cases.models import Application
from onewindow.core.access import SIGNED_IN, Role, allow
from onewindow.core.errors import ServiceError
from onewindow.intake import selectors
from onewindow.intake.access import can_act_for_applicant, can_see_custody, is_hall_clerk
from onewindow.intake.models import Custody, Locker
from onewindow.intake.services import custody as services
from onewindow.intake.services import lockers as locker_services

HALL_DESK = (Role.CLERK, Role.SUPERVISOR)


@allow(Role.CITIZEN)
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/mine.html", {"applications": selectors.my_applications(request.user)})


def _custody_page(request: HttpRequest, app: Application, *, new_code: dict[str, Any] | None = None,
                  errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    items = selectors.custody_of(app)
    for item in items:
        for event in item.events.all():
            event.label = services.ACTION_LABELS.get(event.action, event.action)  # type: ignore[attr-defined]
    return render(request, "intake/application.html", {
        "app": app, "items": items, "lockers": selectors.lockers(),
        "can_act": can_act_for_applicant(request.user, app), "is_clerk": is_hall_clerk(request.user),
        "new_code": new_code, "errors": errors or []}, status=status)


@allow(SIGNED_IN)
def application_custody(request: HttpRequest, number: str) -> HttpResponse:
    return _custody_page(request, selectors.custody_application(request.user, number))


def _locker(raw: str | None) -> Locker | None:
    return Locker.objects.filter(code=str(raw or "")[:40], active=True).select_related("hall").first()


@allow(SIGNED_IN)
@require_POST
def application_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """book_drop (a code shown once on the page that answers), envelope, place_result (clerk)."""
    app = selectors.custody_application(request.user, number)
    try:
        if action == "book_drop":
            item, code = services.custody_book_drop(application=app, locker=_locker(request.POST.get("locker")),
                                                    actor=request.user)
            return _custody_page(request, app, new_code={"code": code, "item": item})
        if action == "envelope":
            services.custody_request_envelope(application=app, actor=request.user)
            messages.success(request, _("已申领免跑腿信封，寄出后请登记快递单号。"))
        elif action == "place_result":
            services.custody_place_result(application=app, locker=_locker(request.POST.get("locker")),
                                          actor=request.user)
            messages.success(request, _("结果已放入文件柜，请申请人获取取件码。"))
        else:
            raise Http404("action")
    except ServiceError as exc:
        return _custody_page(request, app, errors=[exc.message], status=exc.status)
    return HttpResponseRedirect(reverse("intake:application", args=[app.number]))


@allow(SIGNED_IN)
@require_POST
def custody_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """collect, receive (clerk); mail, cancel, issue_code (applicant, clerk or the outlet)."""
    item = selectors.custody_item(number)
    app = item.application
    if not can_see_custody(request.user, app):
        raise Http404("custody")
    post = request.POST
    try:
        if action == "issue_code":
            code = services.custody_issue_code(custody=item, actor=request.user)
            return _custody_page(request, app, new_code={"code": code, "item": item})
        _run(action, item, post, request)
    except ServiceError as exc:
        return _custody_page(request, app, errors=[exc.message], status=exc.status)
    messages.success(request, _("已记录：%(a)s") % {"a": services.ACTION_LABELS.get(action, action)})
    desk = reverse("intake:lockers")
    return HttpResponseRedirect(desk if post.get("next") == desk else reverse("intake:application", args=[app.number]))


def _run(action: str, item: Custody, post: Any, request: HttpRequest) -> None:
    if action == "collect":
        services.custody_collect(custody=item, actor=request.user)
    elif action == "receive":
        services.custody_receive(custody=item, tracking_number=post.get("tracking_number", ""), actor=request.user)
    elif action == "mail":
        services.custody_mail(custody=item, tracking_number=post.get("tracking_number", ""), actor=request.user)
    elif action == "cancel":
        services.custody_cancel(custody=item, reason=post.get("reason", ""), actor=request.user)
    else:
        raise Http404("action")


@allow(*HALL_DESK)
def lockers_page(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/lockers.html", {"lockers": selectors.lockers(), **selectors.waiting_for_clerk()})


@allow(*HALL_DESK)
@require_POST
def locker_pairing(request: HttpRequest, code: str) -> HttpResponse:
    locker = _locker(code)
    if locker is None:
        raise Http404("locker")
    try:
        pairing = locker_services.locker_pairing_code(locker=locker, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("intake:lockers"))
    return render(request, "intake/locker_pairing.html", {"locker": locker, "pairing": pairing})
