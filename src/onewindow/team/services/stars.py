"""The monthly 政务服务之星: proposed from the month's assessments, published by a supervisor."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.actors import Actor
from onewindow.core.errors import Conflict, ServiceError
from onewindow.core.events import record_event, transition
from onewindow.hall.models import Hall
from onewindow.team.models import Assessment, Attempt, AttemptStatus, Exam, Star, StarEvent, StarStatus
from onewindow.team.services.assessments import month_start


def passed_exam_clerks(month: dt.date) -> set[int] | None:
    """Clerks who passed an exam of the month; None when the month had no exam (the condition then falls)."""
    if not Exam.objects.filter(month=month).exists():
        return None
    return set(Attempt.objects.filter(exam__month=month, status=AttemptStatus.SUBMITTED, passed=True)
               .values_list("clerk_id", flat=True))


def candidates(*, hall: Hall, month: dt.date) -> list[Assessment]:
    """The month's scored assessments of the hall whose clerk passed the month's exam, best first."""
    month = month_start(month)
    rows = list(Assessment.objects.filter(hall=hall, month=month, score__isnull=False)
                .select_related("clerk__profile", "counter").order_by("-score", "-served", "clerk_id"))
    passed = passed_exam_clerks(month)
    return [r for r in rows if passed is None or r.clerk_id in passed]


@transaction.atomic
def star_choose(*, hall: Hall, month: dt.date, actor: Actor) -> tuple[Star, bool]:
    """Propose the month's star: the top score among clerks with enough data who passed the exam.

    Idempotent; a proposal not yet published follows a recomputed assessment, a published star stays."""
    month = month_start(month)
    pick = next(iter(candidates(hall=hall, month=month)), None)
    if pick is None or pick.score is None:
        raise ServiceError(_("该月没有符合条件的人员（需有考核得分且考试及格）"), field="month")
    star = Star.objects.select_for_update().filter(hall=hall, month=month).first()
    now = clock.now()
    if star is None:
        star = Star.objects.create(hall=hall, month=month, clerk=pick.clerk, assessment=pick, counter=pick.counter,
                                   score=pick.score, updated_at=now)
        record_event(star, event_model=StarEvent, action="propose", actor=actor, to_status=StarStatus.PROPOSED,
                     data={"clerk": pick.clerk_id, "score": pick.score})
        return star, True
    if star.status == StarStatus.PUBLISHED or (star.clerk_id == pick.clerk_id and star.score == pick.score):
        return star, False
    Star.objects.filter(pk=star.pk).update(clerk=pick.clerk, assessment=pick, counter=pick.counter,
                                           score=pick.score, updated_at=now)
    star.refresh_from_db()
    record_event(star, event_model=StarEvent, action="propose", actor=actor, to_status=StarStatus.PROPOSED,
                 data={"clerk": pick.clerk_id, "score": pick.score})
    return star, True


@transaction.atomic
def star_publish(*, star: Star, actor: Actor) -> tuple[Star, bool]:
    """Confirm and publish the proposed star (a replay of a publish changes nothing)."""
    if star.status == StarStatus.PUBLISHED:
        return star, False
    if star.month >= month_start(clock.today()):
        raise Conflict(_("当月尚未结束，不能公布"), field="month")
    transition(star, to=StarStatus.PUBLISHED, allowed_from={StarStatus.PROPOSED}, action="publish",
               action_label=_("公布"), actor=actor, event_model=StarEvent, changes={"published_at": clock.now()})
    return star, True
