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
from onewindow.hall import config
from onewindow.hall.models import WEEKDAY_LABELS, Hall

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
    """Open now: within an opening period — or always, when the demo setting keeps the halls open."""
    if config.demo_halls_always_open():
        return True
    local = hall_local(hall, at)
    t = local.time()
    return any(a <= t < b for a, b in hall_open_periods(hall, local.date()))


#: how far ahead the next opening is looked for (a hall closed longer than this has none to show)
NEXT_OPENING_DAYS = 21


def next_opening(hall: Hall, at: dt.datetime) -> dt.datetime | None:
    """When the hall next opens after `at` (local time), skipping holidays and the lunch break; None when it
    has no opening period in the next NEXT_OPENING_DAYS days."""
    local = hall_local(hall, at)
    for offset in range(NEXT_OPENING_DAYS + 1):
        day = local.date() + dt.timedelta(days=offset)
        for opens, _closes in hall_open_periods(hall, day):
            start = dt.datetime.combine(day, opens, tzinfo=hall_tz(hall))
            if start > local:
                return start
    return None


def next_opening_text(hall: Hall, at: dt.datetime) -> str:
    """「下次开放：12月7日（周一）09:00」 for a closed hall; empty when none is known."""
    start = next_opening(hall, at)
    if start is None:
        return ""
    local = hall_local(hall, at)
    if start.date() == local.date():
        when = _("今天 %(t)s") % {"t": f"{start:%H:%M}"}
    elif start.date() == local.date() + dt.timedelta(days=1):
        when = _("明天 %(t)s") % {"t": f"{start:%H:%M}"}
    else:
        when = _("%(y)s年%(m)s月%(d)s日（%(w)s）%(t)s") % {
            "y": start.year, "m": start.month, "d": start.day, "w": WEEKDAY_LABELS[start.weekday()],
            "t": f"{start:%H:%M}"}
    return _("下次开放：%(when)s") % {"when": when}


def hours_text(hall: Hall, day: dt.date) -> str:
    periods = hall_open_periods(hall, day)
    if not periods:
        return _("今日不开放")
    return "、".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in periods)
