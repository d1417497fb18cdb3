"""Due dates in working days: set on acceptance, moved by special procedures, provisional while a year's
official calendar is not published, recomputed when it is; the 容缺 make-up period.

A promised limit counts working days from the day after acceptance (core.calendar); the working days a special
procedure lasted are added to it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.cases.models import Case
from onewindow.cases.services.transitions import move
from onewindow.core.calendar import calendar_refresh, deadline_after
from onewindow.core.errors import ServiceError
from onewindow.core.events import TransitionRefused

MAKEUP_MAX_DAYS = 20
#: the make-up period ends at least this many working days before the promised limit
MAKEUP_MARGIN_DAYS = 2


def compute_due(accepted_on: dt.date, limit: int, paused: int) -> tuple[dt.date, bool]:
    """The due date and whether it is provisional (falls in a year without an official calendar)."""
    d = deadline_after(accepted_on, int(limit) + int(paused))
    return d.date, d.provisional


def acceptance_dates(case: Case, today: dt.date) -> dict[str, Any]:
    """The columns acceptance sets: accepted today, due after the promised limit (plus any paused days)."""
    due, provisional = compute_due(today, case.promised_limit, case.paused_workdays)
    return {"accepted_on": today, "due_date": due, "due_provisional": provisional}


def default_makeup_days(case: Case) -> int:
    return max(0, min(MAKEUP_MAX_DAYS, case.promised_limit - MAKEUP_MARGIN_DAYS))


def check_makeup_days(case: Case, days: int) -> None:
    if days < 1:
        raise ServiceError(_("容缺补齐期限至少1个工作日"), field="makeup_days")
    if days > MAKEUP_MAX_DAYS:
        raise ServiceError(_("容缺补齐期限不能超过%(n)d个工作日") % {"n": MAKEUP_MAX_DAYS}, field="makeup_days")
    if days > case.promised_limit - MAKEUP_MARGIN_DAYS:
        raise ServiceError(_("容缺补齐期限须比承诺时限（%(limit)d个工作日）至少短%(margin)d个工作日")
                           % {"limit": case.promised_limit, "margin": MAKEUP_MARGIN_DAYS}, field="makeup_days")


def recompute_deadlines() -> int:
    """Recompute provisional due dates (after an admin imports a year's official calendar); one event each.

    A case that changed meanwhile (its version moved on) is left for the next run.
    """
    calendar_refresh()
    count = 0
    for case in Case.objects.select_related("application").filter(due_provisional=True,
                                                                  accepted_on__isnull=False).iterator():
        assert case.accepted_on is not None
        due, provisional = compute_due(case.accepted_on, case.promised_limit, case.paused_workdays)
        if due == case.due_date and provisional == case.due_provisional:
            continue
        before = case.due_date
        try:
            with transaction.atomic():
                move(case, to=case.status, allowed_from=[case.status], action="deadline_recomputed", actor=None,
                     data={"from": before.isoformat() if before else None, "to": due.isoformat(),
                           "provisional": provisional},
                     changes={"due_date": due, "due_provisional": provisional})
        except TransitionRefused:
            continue
        count += 1
    return count
