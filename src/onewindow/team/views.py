"""Pages of the window team: the staff page (own figures for a clerk, the month's table and the forms for a
supervisor or department head), taking an exam, an exam's results, and the public page of stars and commendations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.core import clock
from onewindow.core.access import PUBLIC, Role, allow, has_role
from onewindow.core.errors import ServiceError
from onewindow.core.inputs import date_param, int_param, month_param
from onewindow.hall.models import Counter, Hall
from onewindow.team import selectors
from onewindow.team.access import MANAGERS, STAFF, me
from onewindow.team.models import Attempt, AttemptStatus, CommendationKind, Exam, Star, StarStatus
from onewindow.team.services import assessments as assessment_services
from onewindow.team.services import commendations as commendation_services
from onewindow.team.services import exams as exam_services
from onewindow.team.services import stars as star_services


def _last_month() -> dt.date:
    first = clock.today().replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


@allow(*STAFF)
def home(request: HttpRequest) -> HttpResponse:
    manager = has_role(request.user, *MANAGERS)
    month = month_param(request.GET.get("month"), "month", default=_last_month())
    halls = list(Hall.objects.filter(active=True, counters__isnull=False).distinct().order_by("sort_order", "code"))
    hall = next((h for h in halls if h.code == request.GET.get("hall")), halls[0] if halls else None)
    context: dict[str, Any] = {"manager": manager, "month": month, "halls": halls, "hall": hall,
                               "formula": assessment_services.FORMULA, "weights": assessment_services.weights(),
                               "exams": Exam.objects.order_by("-month", "code")[:12],
                               "kinds": CommendationKind.choices}
    if manager:
        context["rows"] = selectors.assessments(month=month, hall=hall)
        context["star"] = Star.objects.filter(hall=hall, month=month).select_related("clerk__profile").first()
        context["counts"] = selectors.commendation_counts(hall=hall) if hall else None
        context["by_counter"] = selectors.commendations_by_counter(hall=hall) if hall else []
        context["by_clerk"] = selectors.commendations_by_clerk(hall=hall) if hall else []
        context["counters"] = Counter.objects.filter(hall=hall).order_by("number") if hall else []
    else:
        context["rows"] = selectors.my_assessments(me(request))
        context["mine"] = {a.exam_id: a for a in Attempt.objects.filter(clerk=me(request))}
        context["commendations"] = selectors.commendation_list(clerk=me(request))[:50]
    return render(request, "team/home.html", context)


@allow(*MANAGERS)
@require_POST
def manage(request: HttpRequest, action: str) -> HttpResponse:
    """The supervisor's buttons: compute, publish the month, propose or publish the star, record a commendation."""
    hall = Hall.objects.filter(code=request.POST.get("hall", "")[:40]).first()
    if hall is None:
        raise Http404
    try:
        month = month_param(request.POST.get("month"), "month", default=_last_month())
        if action == "compute":
            rows = assessment_services.assessment_compute_month(month=month, hall=hall, actor=me(request))
            messages.success(request, _("已计算 %(n)d 人的月度考核") % {"n": len(rows)})
        elif action in ("publish", "star_publish") and not has_role(request.user, Role.SUPERVISOR):
            raise PermissionDenied(_("只有督查人员可以发布"))
        elif action == "publish":
            n = assessment_services.assessment_publish_month(month=month, hall=hall, actor=me(request))
            messages.success(request, _("已发布 %(n)d 人的月度考核") % {"n": n})
        elif action == "choose":
            star_services.star_choose(hall=hall, month=month, actor=me(request))
            messages.success(request, _("已推选政务服务之星，待确认公布"))
        elif action == "star_publish":
            star = get_object_or_404(Star, hall=hall, month=month)
            star_services.star_publish(star=star, actor=me(request))
            messages.success(request, _("已公布政务服务之星"))
        elif action == "commend":
            counter = Counter.objects.filter(hall=hall, number=int_param(request.POST.get("counter"), "counter",
                                                                         default=0, lo=0) or -1).first()
            clerk_id = int_param(request.POST.get("clerk"), "clerk", default=0, lo=0)
            clerk = User.objects.filter(pk=clerk_id, groups__name=Role.CLERK.value).first() if clerk_id else None
            received = date_param(request.POST.get("received_on"), "received_on")
            if received is None:
                raise ServiceError(_("请填写日期"), field="received_on")
            commendation_services.commendation_record(
                kind=request.POST.get("kind", ""), received_on=received, hall=hall, counter=counter, clerk=clerk,
                giver=request.POST.get("giver", ""), text=request.POST.get("text", ""),
                key=request.POST.get("key", "")[:80], actor=me(request))
            messages.success(request, _("已登记"))
        else:
            raise Http404
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(f"/team/?month={request.POST.get('month', '')}&hall={hall.code}")


@allow(Role.CLERK)
def exam_take(request: HttpRequest, code: str) -> HttpResponse:
    exam = get_object_or_404(Exam, code=code)
    attempt = Attempt.objects.filter(exam=exam, clerk=me(request)).order_by("-number").first()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "start":
                attempt, _c = exam_services.attempt_start(exam=exam, clerk=me(request))
            elif attempt is not None:
                answers = {q.code: request.POST.getlist(q.code) for q in exam.questions.all()
                           if request.POST.getlist(q.code)}
                attempt, _c = exam_services.attempt_submit(attempt=attempt, clerk=me(request), answers=answers)
                messages.success(request, _("已交卷，得分 %(score)s") % {"score": attempt.score})
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("team:exam", code=exam.code)
    show_paper = attempt is not None and attempt.status == AttemptStatus.STARTED
    return render(request, "team/exam.html", {"exam": exam, "attempt": attempt,
                                              "paper": exam_services.paper(exam) if show_paper else []})


@allow(*MANAGERS)
def exam_results(request: HttpRequest, code: str) -> HttpResponse:
    exam = get_object_or_404(Exam, code=code)
    return render(request, "team/results.html", {"exam": exam, "rows": selectors.exam_results(exam)})


@allow(PUBLIC)
def stars(request: HttpRequest) -> HttpResponse:
    halls = list(Hall.objects.filter(active=True, counters__isnull=False).distinct().order_by("sort_order", "code"))
    by_hall = selectors.commendation_counts_by_hall()
    counts = [(h, by_hall[h.pk]) for h in halls if h.pk in by_hall]
    return render(request, "team/stars.html", {
        "stars": [{**selectors.star_public(s), "hall_ref": s.hall} for s in selectors.published_stars()],
        "counts": [(h, c) for h, c in counts if c["total"]], "published": StarStatus.PUBLISHED})
