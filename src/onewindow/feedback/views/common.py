"""What the feedback pages share: who is staff, the filters every rating page takes, form errors, names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext as _

from onewindow.catalog.models import Department
from onewindow.core import clock
from onewindow.core.access import Role, has_role, user_department_id
from onewindow.core.actors import Actor
from onewindow.core.errors import ServiceError
from onewindow.core.inputs import MAX_ID, date_param, int_param
from onewindow.feedback.models import Channel
from onewindow.feedback.selectors.ratings import StatsFilter

STAFF = (Role.CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR)
DEPT_STAFF = (Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR)

RATE_KEYS = {"active_rate", "good_rate", "very_rate", "satisfaction_rate", "bad_rate", "fix_rate"}


def date_filter(value: str | None, field: str = "date") -> dt.date | None:
    """Not a date → None (the filter is ignored); a date out of range → 400 naming the field."""
    return date_param(value, field, lenient=True)


def int_filter(value: str | None, field: str = "id") -> int | None:
    """Not a number → None (the filter is ignored); a number out of range → 400 naming the field."""
    return int_param(value, field, lo=-MAX_ID, lenient=True)


def stats_filter(request: HttpRequest) -> StatsFilter:
    """The period (default: the last six months), department and channel of a rating page."""
    today = clock.today()
    start = date_filter(request.GET.get("start"), "start") or \
        (today.replace(day=1) - dt.timedelta(days=150)).replace(day=1)
    end = date_filter(request.GET.get("end"), "end") or today
    channel = request.GET.get("channel", "")
    return StatsFilter(start=start, end=end, department_id=int_filter(request.GET.get("department"), "department"),
                       channel=channel if channel in Channel.values else "")


def error_dict(exc: ServiceError) -> dict[str, str]:
    return {(p.field or "all"): p.message for p in exc.problems}


def departments(user: Actor) -> list[Department]:
    """The departments a filter offers: all for supervisors, else the user's own."""
    if has_role(user, Role.SUPERVISOR):
        return list(Department.objects.order_by("sort_order", "code"))
    dept_id = user_department_id(user)
    return list(Department.objects.filter(pk=dept_id)) if dept_id else []


def staff_name(user: User | None) -> str:
    """A member of staff as pages name them: the display name, else the username; '' for nobody."""
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return getattr(profile, "display_name", "") or user.get_username()


def event_actor(label: str) -> str:
    """Who took a step, as the timeline shows it: the actor the event names, else the system or the citizen."""
    return label or _("系统/群众")


def fmt(key: str, value: Any) -> str:
    """A figure as a page or workbook shows it: rates as percentages, nothing as a dash."""
    if value is None:
        return "—"
    if key in RATE_KEYS:
        return f"{value * 100:.2f}%"
    return str(value)
