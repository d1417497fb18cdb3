"""The window team's JSON API (/api/v1/team/…): assessments, inspection errors, exams and attempts, the monthly
政务服务之星 (published ones public) and commendations (counts public)."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Router, Schema, Status

from onewindow.core import clock
from onewindow.core.access import PUBLIC, Role, allow, has_role
from onewindow.core.errors import Forbidden, NotFound, ServiceError
from onewindow.core.inputs import date_param, month_param
from onewindow.hall.models import Counter, Hall
from onewindow.supervision.models import Finding
from onewindow.team import selectors
from onewindow.team.access import MANAGERS, STAFF, me
from onewindow.team.models import Attempt, Exam, Star
from onewindow.team.services import assessments as assessment_services
from onewindow.team.services import commendations as commendation_services
from onewindow.team.services import exams as exam_services
from onewindow.team.services import stars as star_services

router = Router()


class MonthIn(Schema):
    month: str
    hall: str = ""


class ErrorIn(Schema):
    clerk: int
    found_on: str
    description: str
    finding: int | None = None
    key: str = ""


class ExamIn(Schema):
    code: str
    title: str
    month: str
    pass_line: int = 60
    count: int = 10
    category: str = ""
    allow_retake: bool = False


class AnswersIn(Schema):
    answers: dict[str, Any] = {}


class CommendationIn(Schema):
    kind: str
    received_on: str
    hall: str
    counter: int | None = None
    clerk: int | None = None
    giver: str = ""
    text: str = ""
    key: str = ""


def _hall(code: str) -> Hall | None:
    return _the_hall(code) if code else None


def _the_hall(code: str) -> Hall:
    hall = Hall.objects.filter(code=code[:40]).first()
    if hall is None:
        raise NotFound(_("请选择大厅"), field="hall")
    return hall


def _month(raw: str) -> dt.date:
    return month_param(raw, "month", default=clock.today().replace(day=1))


def _clerk(pk: int | None, field: str = "clerk") -> User | None:
    return None if pk is None else _the_clerk(pk, field)


def _the_clerk(pk: int, field: str = "clerk") -> User:
    user = User.objects.filter(pk=pk, groups__name=Role.CLERK.value).first()
    if user is None:
        raise NotFound(_("找不到该受理人员"), field=field)
    return user


def _finding(pk: int | None) -> Finding | None:
    if pk is None:
        return None
    finding = Finding.objects.filter(pk=pk).first()
    if finding is None:
        raise NotFound(_("找不到该督查发现"), field="finding")
    return finding


def _day(raw: str, field: str) -> dt.date:
    day = date_param(raw, field)
    if day is None:
        raise ServiceError(_("请填写日期"), field=field)
    return day


@router.get("assessments", summary=gettext_noop("月度考核（同一大厅同类窗口比较）"))
@allow(*MANAGERS)
def assessment_list(request: HttpRequest, month: str = "", hall: str = "") -> dict[str, Any]:
    m = _month(month)
    rows = selectors.assessments(month=m, hall=_hall(hall))
    return {"month": m.strftime("%Y-%m"), "formula": str(assessment_services.FORMULA),
            "results": [selectors.assessment_dict(r) for r in rows]}


@router.get("assessments/mine", summary=gettext_noop("本人的月度考核"))
@allow(Role.CLERK)
def assessment_mine(request: HttpRequest) -> dict[str, Any]:
    return {"formula": str(assessment_services.FORMULA),
            "results": [selectors.assessment_dict(r) for r in selectors.my_assessments(me(request))]}


@router.post("assessments/compute", summary=gettext_noop("计算（重算）某月考核"))
@allow(*MANAGERS)
def assessment_compute(request: HttpRequest, payload: MonthIn) -> dict[str, Any]:
    rows = assessment_services.assessment_compute_month(month=_month(payload.month), hall=_hall(payload.hall),
                                                        actor=me(request))
    return {"computed": len(rows)}


@router.post("assessments/publish", summary=gettext_noop("发布（冻结）某月考核"))
@allow(Role.SUPERVISOR)
def assessment_publish(request: HttpRequest, payload: MonthIn) -> dict[str, Any]:
    n = assessment_services.assessment_publish_month(month=_month(payload.month), hall=_hall(payload.hall),
                                                     actor=me(request))
    return {"published": n}


@router.post("errors", response={201: dict, 200: dict}, summary=gettext_noop("登记检查发现的差错"))
@allow(*MANAGERS)
def error_create(request: HttpRequest, payload: ErrorIn) -> Status:
    row, created = assessment_services.error_record(
        clerk=_the_clerk(payload.clerk), found_on=_day(payload.found_on, "found_on"),
        description=payload.description, finding=_finding(payload.finding), key=payload.key, actor=me(request))
    return Status(201 if created else 200, {"id": row.pk, "found_on": row.found_on.isoformat()})


def _exam(code: str) -> Exam:
    exam = Exam.objects.filter(code=code[:40]).first()
    if exam is None:
        raise NotFound(_("找不到该考试"), field="exam")
    return exam


def _attempt_dict(a: Attempt, *, with_paper: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"id": a.pk, "exam": a.exam.code, "number": a.number, "status": a.status,
                            "score": a.score, "passed": a.passed, "pass_line": a.exam.pass_line}
    if with_paper:
        body["questions"] = exam_services.paper(a.exam)
    return body


@router.get("exams", summary=gettext_noop("业务考试"))
@allow(*STAFF)
def exam_list(request: HttpRequest) -> dict[str, Any]:
    exams = Exam.objects.annotate(n_questions=Count("questions")).order_by("-month", "code")[:50]
    mine = {a.exam_id: a for a in Attempt.objects.filter(clerk=me(request)).order_by("number")}
    return {"results": [{"code": e.code, "title": e.title, "month": e.month.strftime("%Y-%m"),
                         "pass_line": e.pass_line, "questions": e.n_questions,
                         "mine": _attempt_dict(mine[e.pk], with_paper=False) if e.pk in mine else None}
                        for e in exams]}


@router.post("exams", response={201: dict, 200: dict}, summary=gettext_noop("组卷：从题库抽题生成考试"))
@allow(*MANAGERS)
def exam_create(request: HttpRequest, payload: ExamIn) -> Status:
    exam, created = exam_services.exam_create(
        code=payload.code, title=payload.title, month=_month(payload.month), pass_line=payload.pass_line,
        count=payload.count, category=payload.category, allow_retake=payload.allow_retake, actor=me(request))
    return Status(201 if created else 200, {"code": exam.code, "questions": exam.questions.count()})


@router.post("exams/{code}/attempts", response={201: dict, 200: dict}, summary=gettext_noop("开始答题（返回试卷，不含答案）"))
@allow(Role.CLERK)
def attempt_start(request: HttpRequest, code: str) -> Status:
    attempt, created = exam_services.attempt_start(exam=_exam(code), clerk=me(request))
    return Status(201 if created else 200, _attempt_dict(attempt, with_paper=True))


@router.post("attempts/{attempt_id}/submit", summary=gettext_noop("交卷（服务器计分；重复交卷不改变结果）"))
@allow(Role.CLERK)
def attempt_submit(request: HttpRequest, attempt_id: int, payload: AnswersIn) -> dict[str, Any]:
    attempt = Attempt.objects.select_related("exam").filter(pk=attempt_id).first()
    if attempt is None:
        raise NotFound(_("找不到该答卷"), field="attempt")
    if attempt.clerk_id != request.user.pk:
        raise Forbidden(_("不能替他人交卷"), field="attempt")
    attempt, _created = exam_services.attempt_submit(attempt=attempt, clerk=me(request), answers=payload.answers)
    return _attempt_dict(attempt, with_paper=False)


@router.get("exams/{code}/results", summary=gettext_noop("考试成绩（及格与否）"))
@allow(*MANAGERS)
def exam_results(request: HttpRequest, code: str) -> dict[str, Any]:
    exam = _exam(code)
    return {"exam": exam.code, "pass_line": exam.pass_line,
            "results": [{"clerk": selectors.staff_name(a.clerk), "clerk_id": a.clerk_id, "number": a.number,
                         "score": a.score, "passed": a.passed} for a in selectors.exam_results(exam)]}


@router.get("stars", summary=gettext_noop("已公布的政务服务之星"))
@allow(PUBLIC)
def star_list(request: HttpRequest, hall: str = "") -> dict[str, Any]:
    return {"results": [selectors.star_public(s) for s in selectors.published_stars(hall=_hall(hall))]}


@router.post("stars/choose", response={201: dict, 200: dict}, summary=gettext_noop("按月度考核推选政务服务之星"))
@allow(*MANAGERS)
def star_choose(request: HttpRequest, payload: MonthIn) -> Status:
    star, created = star_services.star_choose(hall=_the_hall(payload.hall),
                                              month=_month(payload.month), actor=me(request))
    return Status(201 if created else 200, {"id": star.pk, "status": star.status,
                                            "clerk": selectors.staff_name(star.clerk), "score": star.score})


@router.post("stars/{star_id}/publish", summary=gettext_noop("确认并公布政务服务之星"))
@allow(Role.SUPERVISOR)
def star_publish(request: HttpRequest, star_id: int) -> dict[str, Any]:
    star = Star.objects.filter(pk=star_id).first()
    if star is None:
        raise NotFound(_("找不到该推选"), field="star")
    star, _created = star_services.star_publish(star=star, actor=me(request))
    return {"id": star.pk, "status": star.status, **selectors.star_public(star)}


@router.get("commendations/counts", summary=gettext_noop("锦旗、表扬信数量（大厅合计、按窗口）"))
@allow(PUBLIC)
def commendation_counts(request: HttpRequest, hall: str = "") -> dict[str, Any]:
    h = _hall(hall)
    body: dict[str, Any] = {"hall": h.code if h else None, **selectors.commendation_counts(hall=h)}
    if h is not None:
        body["by_counter"] = selectors.commendations_by_counter(hall=h)
    return body


@router.get("commendations", summary=gettext_noop("锦旗、表扬信登记（受理人员只看本人的）"))
@allow(*STAFF)
def commendation_list(request: HttpRequest, hall: str = "") -> dict[str, Any]:
    manager = has_role(request.user, *MANAGERS)
    rows = selectors.commendation_list(hall=_hall(hall), clerk=None if manager else me(request))[:200]
    return {"results": [{**selectors.commendation_public(r), "id": r.pk, "text": r.text} for r in rows],
            "by_clerk": selectors.commendations_by_clerk(hall=_hall(hall), clerk=None if manager else me(request))}


@router.post("commendations", response={201: dict, 200: dict}, summary=gettext_noop("登记收到的锦旗、表扬信"))
@allow(*MANAGERS)
def commendation_create(request: HttpRequest, payload: CommendationIn) -> Status:
    hall = _the_hall(payload.hall)
    counter = None
    if payload.counter is not None:
        counter = Counter.objects.filter(hall=hall, number=payload.counter).first()
        if counter is None:
            raise NotFound(_("找不到该窗口"), field="counter")
    row, created = commendation_services.commendation_record(
        kind=payload.kind, received_on=_day(payload.received_on, "received_on"), hall=hall,
        counter=counter, clerk=_clerk(payload.clerk), giver=payload.giver, text=payload.text, key=payload.key,
        actor=me(request))
    return Status(201 if created else 200, {"id": row.pk, **selectors.commendation_public(row)})
