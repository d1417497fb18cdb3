"""系统默认评价: services left unrated for `DEFAULT_RATING_AFTER_DAYS` days get `DEFAULT_RATING_LEVEL`, counted
apart from the ratings citizens gave (run daily by tasks.apply_default_ratings and `onewindow
feedback_default_ratings`). The system gives them: their RatingEvent names no actor and, as for every rating,
no audit entry is written (the event row is the trail of this nightly bulk)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.errors import ServiceError
from onewindow.core.events import record_event
from onewindow.feedback import targets
from onewindow.feedback.conf import conf
from onewindow.feedback.models import BAD_LEVELS, Level, Rating, RatingEvent
from onewindow.feedback.services.ratings import rating_attribution


def _default_level() -> str:
    level = str(conf("DEFAULT_RATING_LEVEL", Level.BASIC))
    if level not in Level.values:
        raise ServiceError(_("默认评价等级配置无效：%(v)s") % {"v": level}, field="DEFAULT_RATING_LEVEL")
    if level in BAD_LEVELS:
        raise ServiceError(_("默认评价不能是差评"), field="DEFAULT_RATING_LEVEL")
    return level


def rating_default_apply(*, now: dt.datetime | None = None, since: dt.datetime | None = None,
                         limit: int = 5000) -> int:
    """Give the configured default rating to services unrated for DEFAULT_RATING_AFTER_DAYS days.

    Only services served after `since` are considered (default: DEFAULT_RATING_LOOKBACK_DAYS, 30, before the
    cutoff — the task runs daily, and services from before the rating system existed are left alone).
    Returns the number of default ratings written; 0 when DEFAULT_RATING_ENABLED is off."""
    if not conf("DEFAULT_RATING_ENABLED", True):
        return 0
    level = _default_level()
    now = now or clock.now()
    after = int(conf("DEFAULT_RATING_AFTER_DAYS", 7))
    cutoff = now - dt.timedelta(days=after)
    since = since or cutoff - dt.timedelta(days=int(conf("DEFAULT_RATING_LOOKBACK_DAYS", 30)))
    rated = set(Rating.objects.filter(sequence=1).values_list("target_kind", "target_id"))
    written = 0
    for target in targets.unrated_before(cutoff, rated, since=since, limit=limit):
        # dated when the rating period ran out (the day the task should have given it), never later
        due = target.served_at + dt.timedelta(days=after) if target.served_at else now
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    target_kind=target.kind, target_id=target.id, sequence=1, level=level, channel="",
                    reasons=[], anonymous=True, is_default=True, rated_at=min(due, now),
                    **rating_attribution(target))
                record_event(rating, event_model=RatingEvent, action=RatingEvent.Action.DEFAULTED, actor=None,
                             at=now, audit=False, data={"level": level, "after_days": after})
        except IntegrityError:
            continue  # rated meanwhile
        written += 1
    return written
