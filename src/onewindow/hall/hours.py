"""A hall's clock: its local time, its opening periods of a day (weekday hours, lunch break, official holidays
and make-up working days) and whether it is open now.

Both the services (no ticket outside the opening hours) and the selectors (today's board, statistics per
local day) read time through here, so neither needs the other for it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from onewindow.core.calendar import is_workday
from onewindow.hall.models import Hall

Period = tuple[dt.time, dt.time]


def hall_tz(hall: Hall) -> ZoneInfo:
    return ZoneInfo(hall.timezone or "Asia/Shanghai")


def hall_local(hall: Hall, at: dt.datetime) -> dt.datetime:
    return at.astimezone(hall_tz(hall))


def hall_day_bounds(hall: Hall, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a local day of the hall."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=hall_tz(hall))
    return start, start + dt.timedelta(days=1)


def hall_open_periods(hall: Hall, day: dt.date) -> list[Period]:
    """The opening periods of `day` (empty when closed): weekday hours minus the lunch break.

    Statutory holidays close the hall; a make-up working day (调休) on a weekend opens with Monday's hours.
    """
    weekday = day.weekday()
    workday = is_workday(day)
    if weekday < 5 and not workday:
        return []
    if weekday >= 5 and workday:
        weekday = 0
    row = next((h for h in hall.opening_hours.all() if h.weekday == weekday), None)
    if row is None:
        return []
    if hall.no_lunch_break or not hall.lunch_start or not hall.lunch_end:
        return [(row.opens, row.closes)]
    periods = []
    if row.opens < hall.lunch_start:
        periods.append((row.opens, min(row.closes, hall.lunch_start)))
    if row.closes > hall.lunch_end:
        periods.append((max(row.opens, hall.lunch_end), row.closes))
    return periods


def hall_is_open(hall: Hall, at: dt.datetime) -> bool:
    local = hall_local(hall, at)
    t = local.time()
    return any(a <= t < b for a, b in hall_open_periods(hall, local.date()))


def hours_text(hall: Hall, day: dt.date) -> str:
    periods = hall_open_periods(hall, day)
    if not periods:
        return _("今日不开放")
    return "、".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in periods)
