"""The monthly assessment: computed from the records by `assessment_compute_month` (idempotent per clerk and
month: a recomputation replaces the month's draft rows), published (frozen) by a supervisor; inspection errors."""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.cases.models import CaseEvent
from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.core.errors import Conflict, ServiceError
from onewindow.core.events import transition
from onewindow.feedback.figures import first_rating_counts, good_rate
from onewindow.feedback.models import Rating, TargetKind
from onewindow.hall.hours import hall_local, hall_open_periods
from onewindow.hall.models import ClerkSession, Counter, Hall, Ticket, TicketStatus
from onewindow.team.models import (
    Assessment,
    AssessmentEvent,
    AssessmentStatus,
    AssessmentWeights,
    InspectionError,
)

# the window's acts on a case (cases.models.ACTION_LABELS) counted as the clerk's cases handled
CASE_ACTIONS = ("receive", "accept", "accept_deferral", "not_accept", "supplement")

FORMULA = gettext_lazy(
    "综合得分 = (办件量权重 × 办件量得分率 + 好评率权重 × 好评率 + 差错权重 × 差错得分率 + 准时签到权重 × 准时签到率)"
    " ÷ 有数据各项权重之和 × 100。办件量得分率 = 本人服务人次 ÷ 同一大厅同类窗口人员中的最高服务人次；"
    "好评率按好差评统一口径（非常满意 + 满意）÷ 主动评价数；差错得分率 = 1 − 差错数 × 每项差错扣分（不低于0）；"
    "准时签到率 = 开门前签到的天数 ÷ 签到天数。服务人次少于计分最少人次者显示为无数据，不计分、不排名。")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    """The first day of the following month."""
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def weights() -> AssessmentWeights:
    row = AssessmentWeights.objects.order_by("id").first()
    return row if row is not None else AssessmentWeights.objects.create()


@dataclass
class _Raw:
    clerk: User
    hall: Hall | None
    counter: Counter | None
    served: int
    cases: int
    ratings: dict[str, int]
    errors: int
    days_signed: int
    days_on_time: int


def _raw(clerk: User, month: dt.date) -> _Raw | None:
    end = month_end(month)
    tickets = Ticket.objects.filter(clerk=clerk, status=TicketStatus.FINISHED, day__gte=month, day__lt=end)
    served = tickets.count()
    counters = Tally(tickets.values_list("counter_id", flat=True))
    sessions = list(ClerkSession.objects.filter(clerk=clerk, started_at__date__gte=month - dt.timedelta(days=1),
                                                started_at__date__lt=end + dt.timedelta(days=1))
                    .select_related("counter__hall").order_by("started_at"))
    if not counters:
        counters = Tally(s.counter_id for s in sessions)
    errors = InspectionError.objects.filter(clerk=clerk, found_on__gte=month, found_on__lt=end).count()
    if not counters and not errors:
        return None
    counter_id = counters.most_common(1)[0][0] if counters else None
    counter = Counter.objects.select_related("hall").filter(pk=counter_id).first() if counter_id else None
    ratings = Rating.objects.filter(target_kind=TargetKind.TICKET, target_id__in=tickets.values("pk")).aggregate(
        **first_rating_counts())
    first_in: dict[dt.date, dt.datetime] = {}
    halls: dict[dt.date, Hall] = {}
    for s in sessions:
        hall = s.counter.hall
        local = hall_local(hall, s.started_at)
        if month <= local.date() < end and local.date() not in first_in:
            first_in[local.date()], halls[local.date()] = local, hall
    on_time = 0
    for day, at in first_in.items():
        periods = hall_open_periods(halls[day], day)
        if not periods or at.time() <= periods[0][0]:
            on_time += 1
    cases = (CaseEvent.objects.filter(actor=clerk, action__in=CASE_ACTIONS, at__date__gte=month, at__date__lt=end)
             .values("case_id").distinct().count())
    return _Raw(clerk=clerk, hall=counter.hall if counter else None, counter=counter, served=served, cases=cases,
                ratings=ratings, errors=errors, days_signed=len(first_in), days_on_time=on_time)


def _score(raw: _Raw, top_served: int, w: AssessmentWeights) -> dict[str, Any]:
    active = raw.ratings.get("active", 0)
    rate = good_rate(very=raw.ratings.get("very", 0), satisfied=raw.ratings.get("satisfied", 0), active=active)
    parts: dict[str, float | None] = {
        "volume_part": round(raw.served / top_served, 4) if top_served else None,
        "rating_part": rate,
        "error_part": round(max(0.0, 1 - raw.errors * w.error_step / 100), 4),
        "punctuality_part": round(raw.days_on_time / raw.days_signed, 4) if raw.days_signed else None,
    }
    pairs = [(w.volume, parts["volume_part"]), (w.rating, parts["rating_part"]), (w.errors, parts["error_part"]),
             (w.punctuality, parts["punctuality_part"])]
    counted = [(weight, part) for weight, part in pairs if part is not None and weight]
    total = sum(weight for weight, _p in counted)
    enough = raw.served >= w.min_served
    score = round(sum(weight * part for weight, part in counted) / total * 100, 2) if enough and total else None
    return {**parts, "good_rate": rate, "ratings_active": active, "score": score}


@transaction.atomic
def assessment_compute_month(*, month: dt.date, actor: Actor, hall: Hall | None = None,
                             clerks: list[User] | None = None) -> list[Assessment]:
    """Compute (or recompute) the month's assessment of every clerk who served, signed in or erred in it.

    Idempotent: each clerk's month is one row, replaced by a recomputation; a published month is frozen
    (Conflict). Clerks are compared with the others of the same hall and window kind (volume share, rank).
    """
    month = month_start(month)
    if month > clock.today():
        raise ServiceError(_("不能考核未来的月份"), field="month")
    end = month_end(month)
    if clerks is None:
        ids = set(Ticket.objects.filter(day__gte=month, day__lt=end, status=TicketStatus.FINISHED,
                                        clerk__isnull=False).values_list("clerk_id", flat=True))
        ids |= set(ClerkSession.objects.filter(started_at__date__gte=month, started_at__date__lt=end)
                   .values_list("clerk_id", flat=True))
        ids |= set(InspectionError.objects.filter(found_on__gte=month, found_on__lt=end)
                   .values_list("clerk_id", flat=True))
        clerks = list(User.objects.filter(pk__in=ids))
    raws = [r for r in (_raw(c, month) for c in clerks) if r is not None]
    if hall is not None:
        raws = [r for r in raws if r.hall == hall]
    if Assessment.objects.filter(month=month, clerk__in=[r.clerk for r in raws],
                                 status=AssessmentStatus.PUBLISHED).exists():
        raise Conflict(_("该月考核已发布，不能重新计算"), field="month")
    w = weights()
    groups: dict[tuple[int | None, str], list[_Raw]] = {}
    for r in raws:
        groups.setdefault((r.hall.pk if r.hall else None, r.counter.kind if r.counter else ""), []).append(r)
    now = clock.now()
    out: list[Assessment] = []
    for (_hall_id, kind), members in groups.items():
        top = max(r.served for r in members)
        scored = [(r, _score(r, top, w)) for r in members]
        ranked = sorted((s["score"] for _r, s in scored if s["score"] is not None), reverse=True)
        for r, s in scored:
            rank = ranked.index(s["score"]) + 1 if s["score"] is not None else None
            values = {"hall": r.hall, "counter": r.counter, "counter_kind": kind, "served": r.served,
                      "cases_handled": r.cases,
                      "errors": r.errors, "days_signed": r.days_signed, "days_on_time": r.days_on_time,
                      "rank": rank, "peers": len(ranked), "computed_at": now, "updated_at": now, **s}
            row, created = Assessment.objects.update_or_create(clerk=r.clerk, month=month, defaults=values)
            out.append(row)
    return out


@transaction.atomic
def assessment_publish_month(*, month: dt.date, actor: Actor, hall: Hall | None = None) -> int:
    """Freeze and publish the month's assessments (of one hall or all): each row moves draft → published."""
    rows = Assessment.objects.filter(month=month_start(month), status=AssessmentStatus.DRAFT)
    if hall is not None:
        rows = rows.filter(hall=hall)
    n = 0
    for row in rows.select_for_update(of=("self",)):
        transition(row, to=AssessmentStatus.PUBLISHED, allowed_from={AssessmentStatus.DRAFT}, action="publish",
                   action_label=_("发布"), actor=actor, event_model=AssessmentEvent)
        n += 1
    return n


@transaction.atomic
def error_record(*, clerk: User, found_on: dt.date, description: str, actor: Actor, finding: Any = None,
                 key: str = "") -> tuple[InspectionError, bool]:
    """Record an error inspection found in a clerk's work (idempotent with `key`)."""
    description = (description or "").strip()
    if not description:
        raise ServiceError(_("请填写差错内容"), field="description")
    if found_on > clock.today():
        raise ServiceError(_("发现日期不能晚于今天"), field="found_on")
    if key:
        existing = InspectionError.objects.filter(key=key).first()
        if existing is not None:
            return existing, False
    if Assessment.objects.filter(clerk=clerk, month=month_start(found_on),
                                 status=AssessmentStatus.PUBLISHED).exists():
        raise Conflict(_("该月考核已发布，不能再登记差错"), field="found_on")
    row = InspectionError.objects.create(clerk=clerk, found_on=found_on, description=description[:300],
                                         finding=finding, key=key[:80], recorded_by=actor_user(actor),
                                         created_at=clock.now())
    return row, True
