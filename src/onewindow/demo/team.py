"""Demo for the window team (建队伍、立机制): the question bank of business questions, one exam a month for the
last few months taken by the demo halls' clerks, the months' assessments computed from the hall demo's tickets,
ratings and sign-ins, the 政务服务之星 proposed and published, and the commendations Huli's comprehensive windows
received since the November 2019 reform (the seed's 4 锦旗 and 44 表扬信).

Everything goes through onewindow.team's services; the data lives in data/team/*.yaml. Idempotent: questions,
exams and commendations are found by code or key, an attempt or an assessment month that exists is left as it
is, a published star stays, so a second run writes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import cache
from pathlib import Path
from typing import Any, TextIO

import yaml
from django.contrib.auth.models import User
from django.db import transaction

from onewindow.core import clock
from onewindow.core.calendar import is_workday
from onewindow.core.errors import ServiceError
from onewindow.hall.models import ClerkSession, Counter, CounterKind, Hall
from onewindow.team.models import Assessment, Attempt, Star
from onewindow.team.services import assessments, commendations, exams, stars

DATA_DIR = Path(__file__).resolve().parent / "data" / "team"


@cache
def _data(name: str) -> Any:
    return yaml.safe_load((DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def _say(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _months_before(today: dt.date, n: int) -> list[dt.date]:
    """The `n` full months before the current one, oldest first."""
    out, month = [], today.replace(day=1)
    for _ in range(n):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        out.append(month)
    return sorted(out)


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=clock.now().tzinfo)


def _questions(actor: User | None) -> None:
    for q in _data("questions"):
        exams.question_upsert(code=q["code"], category=q["category"], kind=q["kind"], text=q["text"],
                              options=list(q["options"]), answer=list(q["answer"]), actor=actor)


def _exams(months: list[dt.date], clerks: list[User], actor: User | None) -> int:
    spec = _data("team")["exam"]
    taken = 0
    for month in months:
        exam, _ = exams.exam_create(code=f"demo-{month:%Y-%m}", title=f"{month.year}年{month.month}月业务考试",
                                    month=month, pass_line=spec["pass_line"], count=spec["questions"], actor=actor,
                                    seed=f"{spec['seed']}-{month:%Y-%m}")
        done = set(Attempt.objects.filter(exam=exam).values_list("clerk_id", flat=True))
        questions = list(exam.questions.order_by("code"))
        for clerk in clerks:
            if clerk.pk in done:
                continue
            rnd = random.Random(f"{spec['seed']}-{month:%Y-%m}-{clerk.username}")
            skill = min(1.0, max(0.3, rnd.gauss(spec["answer_right"], 0.1)))
            answers = {q.code: (list(q.answer) if rnd.random() < skill else [(q.answer[0] + 1) % len(q.options)])
                       for q in questions}
            with clock.frozen(_noon(month + dt.timedelta(days=20))):
                attempt, _ = exams.attempt_start(exam=exam, clerk=clerk)
                exams.attempt_submit(attempt=attempt, clerk=clerk, answers=answers)
            taken += 1
    return taken


def _assess_and_star(months: list[dt.date], halls: list[Hall], actor: User | None) -> tuple[int, int]:
    computed = published = 0
    for month in months:
        if not Assessment.objects.filter(month=month).exists():
            computed += len(assessments.assessment_compute_month(month=month, actor=actor))
        assessments.assessment_publish_month(month=month, actor=actor)
        for hall in halls:
            if Star.objects.filter(hall=hall, month=month).exists():
                star = Star.objects.get(hall=hall, month=month)
            else:
                try:
                    star, _ = stars.star_choose(hall=hall, month=month, actor=actor)
                except ServiceError:
                    continue  # no clerk of this hall has a score this month
            published += int(stars.star_publish(star=star, actor=actor)[1])
    current = clock.today().replace(day=1)
    if not Assessment.objects.filter(month=current).exists():  # this month so far, a draft
        computed += len(assessments.assessment_compute_month(month=current, actor=actor))
    return computed, published


def _working_days(since: dt.date, until: dt.date) -> list[dt.date]:
    return [d for d in (since + dt.timedelta(days=k) for k in range((until - since).days + 1)) if is_workday(d)]


def _commendations(actor: User | None) -> int:
    spec = _data("team")["commendations"]
    hall = Hall.objects.filter(code=spec["hall"]).first()
    if hall is None:
        return 0
    counters = {c.number: c for c in Counter.objects.filter(hall=hall, kind=CounterKind.COMPREHENSIVE,
                                                            number__lte=spec["counters"])}
    if not counters:
        return 0
    rnd = random.Random(spec["seed"])
    days = _working_days(spec["since"], clock.today() - dt.timedelta(days=1))
    written = 0
    for kind, n, texts in (("banner", spec["banners"], spec["banner_texts"]),
                           ("letter", spec["letters"], spec["letter_texts"])):
        for i in range(1, n + 1):
            number = rnd.choice(sorted(counters))
            counter = counters[number]
            day = rnd.choice(days)
            session = (ClerkSession.objects.filter(counter=counter).order_by("-started_at")
                       .select_related("clerk").first())
            _row, created = commendations.commendation_record(
                kind=kind, received_on=day, hall=hall, counter=counter, clerk=session.clerk if session else None,
                giver=rnd.choice(spec["givers"]), text=rnd.choice(texts), key=f"demo-team-{hall.code}-{kind}-{i}",
                actor=actor)
            written += int(created)
    return written


@transaction.atomic
def load(*, scale: int = 0, stdout: TextIO | None = None) -> None:
    actor = User.objects.filter(username="supervisor").first()
    halls = list(Hall.objects.filter(counters__isnull=False).distinct().order_by("sort_order", "code"))
    if not halls:
        _say(stdout, "   team: the demo halls are missing, nothing to load")
        return
    months = _months_before(clock.today(), int(_data("team")["months"]))
    _questions(actor)
    clerks = list(User.objects.filter(pk__in=ClerkSession.objects.values("clerk_id")).order_by("username"))
    taken = _exams(months, clerks, actor)
    computed, published = _assess_and_star(months, halls, actor)
    written = _commendations(actor)
    _say(stdout, f"   team: {taken} exam attempts, {computed} assessments, {published} stars published, "
                 f"{written} commendations")
