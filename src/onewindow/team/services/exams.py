"""Business exams: an exam draws questions from the bank; a clerk starts an attempt, answers and submits it; the
score is computed here, never sent by the client. One attempt per clerk and exam unless a retake is allowed."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.actors import Actor
from onewindow.core.errors import Conflict, Forbidden, ServiceError
from onewindow.core.events import record_event, transition
from onewindow.team.models import Attempt, AttemptEvent, AttemptStatus, Exam, Question, QuestionKind
from onewindow.team.services.assessments import month_start


def question_check(*, kind: str, options: list[str], answer: list[int]) -> None:
    if kind not in QuestionKind.values:
        raise ServiceError(_("题型无效"), field="kind")
    if len(options) < 2:
        raise ServiceError(_("至少需要两个选项"), field="options")
    if not answer or any(not isinstance(a, int) or not 0 <= a < len(options) for a in answer):
        raise ServiceError(_("正确答案须为选项序号"), field="answer")
    if kind == QuestionKind.SINGLE and len(answer) != 1:
        raise ServiceError(_("单选题只能有一个正确答案"), field="answer")


@transaction.atomic
def question_upsert(*, code: str, category: str, kind: str, text: str, options: list[str], answer: list[int],
                    actor: Actor, active: bool = True) -> tuple[Question, bool]:
    """Add a question to the bank or update it (by code)."""
    if not code.strip():
        raise ServiceError(_("请填写题号"), field="code")
    if not text.strip():
        raise ServiceError(_("请填写题干"), field="text")
    question_check(kind=kind, options=options, answer=answer)
    values = {"category": category[:40], "kind": kind, "text": text, "options": options,
              "answer": sorted(set(answer)), "active": active}
    existing = Question.objects.filter(code=code).first()
    if existing is not None:
        if all(getattr(existing, k) == v for k, v in values.items()):
            return existing, False
        Question.objects.filter(pk=existing.pk).update(**values)
        existing.refresh_from_db()
        return existing, False
    return Question.objects.create(code=code[:40], **values), True


@transaction.atomic
def exam_create(*, code: str, title: str, month: dt.date, pass_line: int, count: int, actor: Actor,
                category: str = "", allow_retake: bool = False, seed: str = "") -> tuple[Exam, bool]:
    """Create the month's exam, drawing `count` active questions of the bank (idempotent by code)."""
    existing = Exam.objects.filter(code=code).first()
    if existing is not None:
        return existing, False
    if not title.strip():
        raise ServiceError(_("请填写考试名称"), field="title")
    if not 0 < pass_line <= 100:
        raise ServiceError(_("及格线须在1到100之间"), field="pass_line")
    bank = Question.objects.filter(active=True)
    if category:
        bank = bank.filter(category=category)
    pool = list(bank.order_by("code"))
    if count < 1 or count > len(pool):
        raise ServiceError(_("题库中可用试题不足"), field="count")
    exam = Exam.objects.create(code=code[:40], title=title[:120], month=month_start(month), pass_line=pass_line,
                               allow_retake=allow_retake, created_at=clock.now())
    exam.questions.set(random.Random(seed or code).sample(pool, count))
    return exam, True


def paper(exam: Exam) -> list[dict[str, Any]]:
    """The questions as a clerk sees them before submitting: no answers."""
    return [{"code": q.code, "category": q.category, "kind": q.kind, "text": q.text, "options": q.options}
            for q in exam.questions.order_by("code")]


@transaction.atomic
def attempt_start(*, exam: Exam, clerk: User) -> tuple[Attempt, bool]:
    """Start (or resume) the clerk's attempt. A submitted attempt may be followed by another only on a retake exam."""
    last = Attempt.objects.filter(exam=exam, clerk=clerk).order_by("-number").first()
    if last is not None and last.status == AttemptStatus.STARTED:
        return last, False
    if last is not None and not exam.allow_retake:
        raise Conflict(_("本次考试每人只能参加一次"), field="exam")
    now = clock.now()
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(exam=exam, clerk=clerk, number=(last.number + 1) if last else 1,
                                             started_at=now, updated_at=now)
    except IntegrityError as exc:  # a second start at the same moment
        raise Conflict(_("已开始答题，请刷新"), field="exam") from exc
    record_event(attempt, event_model=AttemptEvent, action="start", actor=clerk, to_status=AttemptStatus.STARTED,
                 audit=False)
    return attempt, True


def _clean_answers(exam: Exam, answers: dict[str, Any]) -> dict[str, list[int]]:
    codes = {q.code: q for q in exam.questions.all()}
    cleaned: dict[str, list[int]] = {}
    for code, given in (answers or {}).items():
        if code not in codes:
            raise ServiceError(_("试题不属于本次考试：%(code)s") % {"code": code}, field=f"answers.{code}")
        values = given if isinstance(given, list) else [given]
        try:
            picked = sorted({int(v) for v in values})
        except (TypeError, ValueError) as exc:
            raise ServiceError(_("答案须为选项序号"), field=f"answers.{code}") from exc
        if any(not 0 <= v < len(codes[code].options) for v in picked):
            raise ServiceError(_("答案须为选项序号"), field=f"answers.{code}")
        cleaned[code] = picked
    return cleaned


def score_of(exam: Exam, answers: dict[str, list[int]]) -> int:
    """Percentage of questions answered exactly right (every correct option and no other), rounded."""
    questions = list(exam.questions.all())
    right = sum(1 for q in questions if answers.get(q.code) == sorted(q.answer))
    return round(100 * right / len(questions)) if questions else 0


@transaction.atomic
def attempt_submit(*, attempt: Attempt, clerk: User, answers: dict[str, Any]) -> tuple[Attempt, bool]:
    """Submit the answers; the score and pass/fail are computed here. A replay of a submit changes nothing."""
    if attempt.clerk_id != clerk.pk:
        raise Forbidden(_("不能替他人交卷"), field="attempt")
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.status == AttemptStatus.SUBMITTED:
        return attempt, False
    exam = attempt.exam
    cleaned = _clean_answers(exam, answers)
    score = score_of(exam, cleaned)
    transition(attempt, to=AttemptStatus.SUBMITTED, allowed_from={AttemptStatus.STARTED}, action="submit",
               action_label=_("交卷"), actor=clerk, event_model=AttemptEvent, audit=False,
               changes={"answers": cleaned, "score": score, "passed": score >= exam.pass_line,
                        "submitted_at": clock.now()}, data={"score": score})
    return attempt, True
