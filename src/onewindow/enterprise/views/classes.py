"""Growth class pages: the schedule and figures (public), sign-up and cancellation, the seat's QR code, the
door (sign-in by scanning the QR), feedback after the class."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.core.access import PUBLIC, Role, allow, has_role
from onewindow.core.errors import ServiceError
from onewindow.core.qr import qr_svg
from onewindow.enterprise import access
from onewindow.enterprise.api.common import APPLICANTS, CLASS_RUNNERS, enterprise_by_code, registration_by_id
from onewindow.enterprise.models import ClassRegistration, ClassSession, Topic
from onewindow.enterprise.selectors import classes as selectors
from onewindow.enterprise.selectors import policies as policy_selectors
from onewindow.enterprise.services import classes
from onewindow.enterprise.views.common import datetime_value, int_value, run


@allow(PUBLIC)
def class_list(request: HttpRequest) -> HttpResponse:
    topic = request.GET.get("topic", "")
    return render(request, "enterprise/classes.html", {
        "upcoming": selectors.sessions(upcoming=True, topic=topic)[:100],
        "past": selectors.sessions(upcoming=False, topic=topic)[:20], "topics": Topic.choices, "topic": topic,
        "figures": selectors.figures_by_topic(), "can_create": has_role(request.user, *CLASS_RUNNERS),
        "departments": Department.objects.order_by("sort_order", "code") if has_role(request.user, *CLASS_RUNNERS)
        else []})


@allow(*CLASS_RUNNERS)
@require_POST
def class_create(request: HttpRequest) -> HttpResponse:
    p = request.POST

    def create() -> ClassSession:
        try:
            department = Department.objects.get(pk=int_value(p.get("speaker_department"), "speaker_department"))
        except Department.DoesNotExist:
            raise ServiceError(_("请选择主讲部门"), field="speaker_department") from None
        return classes.session_create(topic=p.get("topic", ""), title=p.get("title", ""),
                                      speaker_department=department, place=p.get("place", ""),
                                      starts_at=datetime_value(p.get("starts_at"), "starts_at"),
                                      ends_at=datetime_value(p.get("ends_at"), "ends_at"),
                                      capacity=int_value(p.get("capacity"), "capacity"), actor=request.user)

    return run(request, create, _("课程已发布"), reverse("enterprise:classes"),
               then=lambda s: reverse("enterprise:class_detail", args=[s.pk]))


@allow(PUBLIC)
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.sessions(), pk=pk)
    runner = access.can_run_class(session, request.user)
    mine = policy_selectors.enterprises_of(request.user) if has_role(request.user, Role.CITIZEN) else None
    return render(request, "enterprise/class_detail.html", {
        "s": session, "runner": runner, "door": selectors.door_list(session) if runner else None,
        "can_sign_up": has_role(request.user, *APPLICANTS), "my_enterprises": mine,
        "is_clerk": has_role(request.user, Role.CLERK), "open": session.status == "scheduled"
        and clock.now() < session.starts_at})


@allow(*APPLICANTS)
@require_POST
def class_sign_up(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(ClassSession, pk=pk)

    def sign_up() -> ClassRegistration:
        return classes.class_sign_up(session=session,
                                     enterprise=enterprise_by_code(request.POST.get("credit_code", ""), request.user),
                                     actor=request.user)

    def said(r: ClassRegistration) -> str:
        return _("报名成功") if r.status == ClassRegistration.Status.REGISTERED else _("名额已满，已进入候补")

    return run(request, sign_up, said, reverse("enterprise:class_detail", args=[pk]))


def _registration(request: HttpRequest, pk: int) -> ClassRegistration:
    try:
        return registration_by_id(pk, request.user)
    except ServiceError as exc:
        raise Http404(exc.message) from None


@allow(*APPLICANTS)
@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    return run(request, lambda: classes.registration_cancel(registration=registration, actor=request.user),
               _("已取消报名"), reverse("enterprise:me"))


@allow(Role.CITIZEN)
@require_POST
def registration_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    p = request.POST
    return run(request, lambda: classes.feedback_give(registration=registration,
                                                     score=int_value(p.get("score"), "score"),
                                                     comment=p.get("comment", ""), actor=request.user),
               _("感谢您的评价"), reverse("enterprise:me"))


@allow(*APPLICANTS)
def registration_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The seat's QR code as SVG: the door's sign-in address with the signed token."""
    registration = _registration(request, pk)
    if registration.status != ClassRegistration.Status.REGISTERED:
        raise Http404(_("该报名没有有效的签到码"))
    url = request.build_absolute_uri(reverse("enterprise:checkin", args=[classes.checkin_token(registration)]))
    response = HttpResponse(qr_svg(url, scale=6), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@allow(*CLASS_RUNNERS)
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """What the door sees after scanning: the enterprise and the class, and a button to sign it in (POST)."""
    try:
        registration = classes.registration_for_token(token)
    except ServiceError as exc:
        return render(request, "enterprise/checkin.html", {"error": exc.message}, status=exc.status)
    if request.method == "POST":
        return run(request, lambda: classes.attendance_check_in(token=token, actor=request.user),
                   _("签到成功：%(e)s") % {"e": registration.enterprise.name},
                   reverse("enterprise:checkin", args=[token]),
                   then=lambda r: reverse("enterprise:class_detail", args=[r.session_id]))
    return render(request, "enterprise/checkin.html", {"r": registration, "token": token,
                                                       "runner": access.can_run_class(registration.session,
                                                                                      request.user)})


@allow(*CLASS_RUNNERS)
@require_POST
def class_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(ClassSession, pk=pk)
    return run(request, lambda: classes.session_cancel(session=session, reason=request.POST.get("reason", ""),
                                                       actor=request.user),
               _("课程已取消"), reverse("enterprise:class_detail", args=[pk]))


