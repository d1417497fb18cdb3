"""Feedback's settings, read from `settings.ONEWINDOW` (defaults in brackets; see docs/feedback.md):

    RATING_LINK_DAYS (30)              a rating link lives this long, and rates only services finished as recently
    DEFAULT_RATING_ENABLED (True)      the daily default rating (系统默认评价) runs at all
    DEFAULT_RATING_LEVEL ("basic")     the level it gives (never a bad one)
    DEFAULT_RATING_AFTER_DAYS (7)      how long a service stays unrated before it gets the default rating
    DEFAULT_RATING_LOOKBACK_DAYS (30)  how far before that cutoff the daily run looks
    BAD_REVIEW_FIX_WORKDAYS (15)       a bad review's rectification is due in this many working days
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def conf(name: str, default: Any) -> Any:
    """One key of settings.ONEWINDOW, or `default` when it is not set."""
    return getattr(settings, "ONEWINDOW", {}).get(name, default)


def fix_workdays() -> int:
    return int(conf("BAD_REVIEW_FIX_WORKDAYS", 15))


def link_days() -> int:
    return int(conf("RATING_LINK_DAYS", 30))
