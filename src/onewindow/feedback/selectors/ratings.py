"""Who sees which ratings, the rating list, and the filter every figure and export takes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.core.access import Role, has_role, user_department_id
from onewindow.core.actors import Actor, actor_user
from onewindow.core.masking import mask_name
from onewindow.feedback.models import BAD_LEVELS, Rating


@dataclass
class StatsFilter:
    start: dt.date | None = None
    end: dt.date | None = None
    department_id: int | None = None
    channel: str = ""


def rating_period(start: dt.date | None, end: dt.date | None) -> Q:
    """Ratings given from the start of `start` to the end of `end` (local days; either may be open)."""
    q = Q()
    tz = timezone.get_default_timezone()
    if start:
        q &= Q(rated_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end:
        q &= Q(rated_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return q


def rating_scope(user: Actor) -> Q:
    """Supervisors see every rating; department staff their department; a clerk the ratings they received."""
    if has_role(user, Role.SUPERVISOR):
        return Q()
    if has_role(user, Role.REVIEWER, Role.DEPARTMENT_HEAD):
        return Q(department_id=user_department_id(user) or -1)
    person = actor_user(user)
    if person is not None and has_role(person, Role.CLERK):
        return Q(clerk_id=person.pk)
    return Q(pk__in=[])


def rating_base(filters: StatsFilter, scope: Q) -> QuerySet[Rating]:
    """The ratings in `scope` that the filter keeps (period, department, channel)."""
    qs = Rating.objects.filter(scope & rating_period(filters.start, filters.end))
    if filters.department_id:
        qs = qs.filter(department_id=filters.department_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs


def ratings_list(*, user: Actor, filters: StatsFilter, level: str = "", bad_only: bool = False,
                 include_default: bool = True) -> QuerySet[Rating]:
    qs = rating_base(filters, rating_scope(user)).select_related("department", "clerk__profile", "rectification")
    if level:
        qs = qs.filter(level=level)
    if bad_only:
        qs = qs.filter(level__in=list(BAD_LEVELS), is_default=False)
    if not include_default:
        qs = qs.filter(is_default=False)
    return qs.order_by("-rated_at", "-id")


def rater_display(rating: Rating) -> str:
    """What staff may see of the rater: nothing for anonymous ratings."""
    if rating.is_default:
        return _("系统默认")
    if rating.anonymous:
        return _("匿名")
    return mask_name(rating.rater_name) or _("实名")


def ratings_of_service(target_kind: str, target_id: int) -> list[Rating]:
    """The citizen's own ratings of one service (first, then the follow-up), as the rating page lists them."""
    return list(Rating.objects.filter(target_kind=target_kind, target_id=target_id, is_default=False)
                .order_by("sequence"))
