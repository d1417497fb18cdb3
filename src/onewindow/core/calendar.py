"""The working-day calendar (工作日历): deadlines counted in working days.

A working day is Monday–Friday, except statutory holidays (法定节假日), plus the make-up working days
(调休上班日) that fall on a weekend. Years with an official State Council schedule are stored in
`OfficialDay`/`CalendarYear` (seeded from `chinese-calendar`/`holidays`, new years via `calendar_import`);
other years are *provisional*: weekends plus the statutory holidays the `holidays` package estimates.

    from onewindow.core.calendar import add_workdays, workdays_between, deadline_after
    due = add_workdays(date(2026, 9, 30), 5)          # the 5th working day after 30 Sept (date itself not counted)
    left = workdays_between(clock.today(), due)        # working days after today up to and including `due`
    d = deadline_after(start, 20); d.date, d.provisional

Fast: counting is arithmetic on whole weeks corrected by two sorted lists of exceptions (weekday holidays,
weekend make-up days) searched with `bisect`; nothing loops day by day. The lists are cached per process and
re-read when the `CalendarRevision` row changes (checked at most every
settings.ONEWINDOW["CALENDAR_REVISION_TTL"] seconds; `calendar_refresh()` forces the check now).
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from django.conf import settings

__all__ = [
    "Deadline",
    "add_workdays",
    "calendar_refresh",
    "deadline_after",
    "estimated_holidays",
    "is_official_year",
    "is_workday",
    "provisional_years",
    "workdays_between",
]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Deadline:
    date: date
    provisional: bool  # True when a year touched has no official schedule yet (estimated holidays)


def estimated_holidays(year: int) -> dict[date, str]:
    """The statutory holidays the `holidays` package computes for a year (no make-up days): provisional."""
    import holidays

    try:
        days = holidays.China(years=year, language="zh_CN")
    except Exception:  # noqa: BLE001 - an older package without translations
        days = holidays.China(years=year)
    return {d: str(name) for d, name in days.items()}


@dataclass
class _State:
    revision: int = -1
    official_years: frozenset[int] = frozenset()
    covered: tuple[int, int] = (0, -1)  # year range whose exceptions are in the lists
    lo_ord: int = 0  # ordinal range of those years
    hi_ord: int = -1
    off: list[int] = field(default_factory=list)  # ordinals of weekday holidays (Mon–Fri off)
    on: list[int] = field(default_factory=list)  # ordinals of weekend make-up working days
    off_set: frozenset[int] = frozenset()
    on_set: frozenset[int] = frozenset()
    official_off: dict[int, list[int]] = field(default_factory=dict)  # year -> ordinals (from the DB)
    official_on: dict[int, list[int]] = field(default_factory=dict)
    check_after: float = float("-inf")  # time.monotonic() after which the revision is read again


_state = _State()
_lock = threading.RLock()


def _ttl() -> float:
    return float(getattr(settings, "ONEWINDOW", {}).get("CALENDAR_REVISION_TTL", 1.0))


def _read_revision() -> int:
    from onewindow.core.models import CalendarRevision

    row = CalendarRevision.objects.filter(pk=1).values_list("revision", flat=True).first()
    return int(row) if row is not None else 0


def _load(revision: int) -> _State:
    from onewindow.core.models import CalendarYear, OfficialDay

    db_years = dict(CalendarYear.objects.values_list("year", "official"))
    db_official = {y for y, official in db_years.items() if official}
    days: list[tuple[date, str]] = list(
        OfficialDay.objects.filter(calendar_year__official=True).values_list("date", "kind"))
    # The schedules packaged with chinese-calendar/holidays (the same data the seed migration stores) fill in
    # any year the database has no row for — e.g. when a test flushed the tables. A database row always wins.
    packaged_years, packaged_days = _packaged()
    fill = packaged_years - db_years.keys()
    days.extend((d, kind) for d, kind in packaged_days if d.year in fill)
    official_years = frozenset(db_official | fill)
    off: dict[int, list[int]] = {}
    on: dict[int, list[int]] = {}
    for d, kind in days:
        weekend = d.weekday() >= 5
        if kind == "holiday" and not weekend:
            off.setdefault(d.year, []).append(d.toordinal())
        elif kind == "workday" and weekend:
            on.setdefault(d.year, []).append(d.toordinal())
    state = _State(revision=revision, official_years=official_years, official_off=off, official_on=on)
    today = date.today().year
    lo = min([*official_years, today]) - 1
    hi = max([*official_years, today]) + 5
    _cover(state, lo, hi)
    return state


@cache
def _packaged() -> tuple[frozenset[int], tuple[tuple[date, str], ...]]:
    from onewindow.core.calendar_seed import official_days, official_years

    return frozenset(official_years()), tuple((d, kind) for d, kind, _name in official_days())


def _cover(state: _State, lo: int, hi: int) -> None:
    """Rebuild the exception lists so that they cover years lo..hi (inclusive)."""
    lo = min(lo, state.covered[0]) if state.covered[1] >= state.covered[0] else lo
    hi = max(hi, state.covered[1])
    off: list[int] = []
    on: list[int] = []
    for year in range(lo, hi + 1):
        if year in state.official_years:
            off.extend(state.official_off.get(year, ()))
            on.extend(state.official_on.get(year, ()))
        else:
            off.extend(d.toordinal() for d in estimated_holidays(year) if d.weekday() < 5)
    off.sort()
    on.sort()
    state.off, state.on = off, on
    state.off_set, state.on_set = frozenset(off), frozenset(on)
    state.covered = (lo, hi)
    state.lo_ord, state.hi_ord = date(lo, 1, 1).toordinal(), date(hi, 12, 31).toordinal()


def _current(lo_ord: int = 0, hi_ord: int = 0) -> _State:
    """The cached calendar, re-read if the revision changed, covering the ordinals lo_ord..hi_ord."""
    global _state
    state = _state
    if time.monotonic() > state.check_after:
        with _lock:
            revision = _read_revision()
            if revision != _state.revision:
                _state = _load(revision)
            _state.check_after = time.monotonic() + _ttl()
            state = _state
    if lo_ord and (lo_ord < state.lo_ord or hi_ord > state.hi_ord):
        with _lock:
            state = _state
            if lo_ord < state.lo_ord or hi_ord > state.hi_ord:
                lo_year = date.fromordinal(max(1, lo_ord)).year
                hi_year = date.fromordinal(min(hi_ord, date(9998, 12, 31).toordinal())).year
                _cover(state, max(1, lo_year - 1), min(9998, hi_year + 1))
    return state


def calendar_refresh() -> None:
    """Drop this process's cached calendar: the next call re-reads the revision (and the days if it moved)."""
    global _state
    with _lock:
        _state = _State()


# --- arithmetic ---------------------------------------------------------------------------------------------

def _weekdays_upto(ordinal: int) -> int:
    """Number of Monday–Friday days with ordinal in [1, ordinal] (ordinal 1 = 0001-01-01, a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _count(state: _State, a: int, b: int) -> int:
    """Working days with ordinal in (a, b]; requires a <= b. (_weekdays_upto inlined: this is the hot path.)"""
    wa, ra = divmod(a, 7)
    wb, rb = divmod(b, 7)
    weekdays = (wb - wa) * 5 + (rb if rb < 5 else 5) - (ra if ra < 5 else 5)
    off, on = state.off, state.on
    return (weekdays - bisect_right(off, b) + bisect_right(off, a)
            + bisect_right(on, b) - bisect_right(on, a))


def _add_weekdays(ordinal: int, n: int) -> int:
    """The nth Monday–Friday day after `ordinal` (n >= 1), pure arithmetic."""
    target = _weekdays_upto(ordinal) + n  # index of the weekday we want, counted from ordinal 1
    weeks, rest = divmod(target, 5)
    if rest == 0:
        return weeks * 7 - 2  # the Friday closing week `weeks`
    return weeks * 7 + rest


def _is_workday_ordinal(state: _State, o: int) -> bool:
    if (o - 1) % 7 >= 5:  # ordinal 1 is a Monday
        return o in state.on_set
    return o not in state.off_set


def is_workday(d: date) -> bool:
    """True on a working day (Mon–Fri not a holiday, or a make-up working day on a weekend)."""
    o = d.toordinal()
    return _is_workday_ordinal(_current(o, o), o)


def workdays_between(a: date, b: date) -> int:
    """Working days after `a` up to and including `b`; 0 when b <= a."""
    if b <= a:
        return 0
    ao, bo = a.toordinal(), b.toordinal()
    return _count(_current(ao, bo), ao, bo)


def add_workdays(start: date, n: int) -> date:
    """The nth working day after `start` (start itself not counted); n=0 returns start.

    A negative n gives the |n|th working day before `start`.
    """
    if n == 0:
        return start
    if n < 0:
        return _sub_workdays(start, -n)
    a = start.toordinal()
    # Guess with plain weekdays; holidays only push the answer later, make-up days earlier.
    guess = _add_weekdays(a, n)
    state = _current(a, guess)
    lo = a  # count(lo) < n
    hi = guess
    c = _count(state, a, hi)
    while c < n:
        lo = hi
        hi = _add_weekdays(hi, n - c)
        if hi > state.hi_ord:
            state = _current(a, hi)
        c = _count(state, a, hi)
    if c == n and _is_workday_ordinal(state, hi):
        return date.fromordinal(hi)
    # smallest x in (lo, hi] with count(a, x) >= n (count only steps up on working days, so x is one)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _count(state, a, mid) >= n:
            hi = mid
        else:
            lo = mid
    return date.fromordinal(hi)


def _sub_workdays(start: date, n: int) -> date:
    """The nth working day before `start` (n >= 1): largest x < start with count(x-1.., start-1) == n."""
    b = start.toordinal() - 1  # count working days in [x, b] = count(x-1, b)
    span = n * 2 + 40  # a generous bracket: no stretch of n working days spans more calendar days than this
    state = _current(b - span, b + 1)
    lo = b - span
    while _count(state, lo, b) < n:
        lo -= span
        state = _current(lo, b + 1)
    hi = b + 1  # count(hi-1, b) = 0 < n ; want largest x with count(x-1, b) >= n
    lo += 1  # count(lo-1, b) >= n
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _count(state, mid - 1, b) >= n:
            lo = mid
        else:
            hi = mid
    return date.fromordinal(lo)


def is_official_year(year: int) -> bool:
    """True when the year's official holiday schedule is known (otherwise answers are provisional)."""
    return year in _current().official_years


def deadline_after(start: date, n: int) -> Deadline:
    """`add_workdays` plus whether the answer is provisional (a year touched has no official schedule)."""
    result = add_workdays(start, n)
    lo, hi = sorted((start.year, result.year))
    official = _current().official_years
    provisional = any(y not in official for y in range(lo, hi + 1))
    return Deadline(date=result, provisional=provisional)


def provisional_years(a: date, b: date) -> list[int]:
    """The years from a to b (either order) that have no official schedule."""
    lo, hi = sorted((a.year, b.year))
    official = _current().official_years
    return [y for y in range(lo, hi + 1) if y not in official]
