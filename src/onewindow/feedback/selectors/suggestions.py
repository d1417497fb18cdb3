"""Suggestion worklists and details, the citizen's lookup, and what Open311 publishes."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.access import Role, has_role, user_department_id
from onewindow.core.actors import Actor
from onewindow.core.errors import NotFound, ServiceError
from onewindow.feedback.models import OPEN_SUGGESTION_STATES, Suggestion, SuggestionCategory, SuggestionState

OPEN311_DEFAULT_DAYS = 90  # GeoReport v2: without dates, the requests of the last 90 days


def suggestion_categories(*, active_only: bool = False) -> list[SuggestionCategory]:
    """The categories a form offers (the active ones) or a filter lists (all)."""
    qs = SuggestionCategory.objects.all()
    return list(qs.filter(active=True) if active_only else qs)


def suggestion_category(code: str, *, active_only: bool = True) -> SuggestionCategory | None:
    """One category by its code (the Open311 service_code)."""
    qs = SuggestionCategory.objects.filter(code=code)
    return (qs.filter(active=True) if active_only else qs).first()


def suggestion_scope(user: Actor) -> Q:
    if has_role(user, Role.SUPERVISOR):
        return Q()
    if has_role(user, Role.REVIEWER, Role.DEPARTMENT_HEAD):
        return Q(department_id=user_department_id(user) or -1)
    return Q(pk__in=[])


def suggestions_list(*, user: Actor, state: str = "", category: str = "", department_id: int | None = None,
                     overdue_only: bool = False, q: str = "") -> QuerySet[Suggestion]:
    qs = Suggestion.objects.filter(suggestion_scope(user)).select_related("category", "department")
    if state == "open":
        qs = qs.filter(state__in=OPEN_SUGGESTION_STATES)
    elif state:
        qs = qs.filter(state=state)
    if category:
        qs = qs.filter(category__code=category)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if overdue_only:
        qs = qs.filter(answered_at__isnull=True, due_on__lt=clock.today())
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(description__icontains=q))
    return qs.order_by("-received_at", "-id")


def suggestion_overdue(s: Suggestion) -> bool:
    return s.answered_at is None and s.due_on < clock.today()


def suggestion_detail(suggestion_id: int) -> Suggestion | None:
    """One suggestion with its replies and every step (each event names its actor in `actor_label`)."""
    return (Suggestion.objects.select_related("category", "department")
            .prefetch_related("replies__department", "events").filter(pk=suggestion_id).first())


def suggestion_lookup(*, number: str, phone_last4: str) -> Suggestion:
    """The citizen's view: by number plus the last four digits of the phone given when reporting."""
    number = (number or "").strip().upper()
    last4 = (phone_last4 or "").strip()
    if not number:
        raise ServiceError(_("请填写受理编号"), field="number")
    if not re.fullmatch(r"\d{4}", last4):
        raise ServiceError(_("请填写手机号码后四位（4位数字）"), field="phone_last4")
    s = Suggestion.objects.select_related("category", "department").filter(number=number).first()
    if s is None or len(s.phone) < 4 or s.phone[-4:] != last4:
        raise NotFound(_("编号或手机号码后四位不正确"), field="number")
    return s


def is_self_filed(s: Suggestion) -> bool:
    """Recorded by a member of staff of the unit that answers it: not counted in that unit's figures."""
    profile = getattr(s.recorded_by, "profile", None) if s.recorded_by_id else None
    return profile is not None and s.department_id is not None and profile.department_id == s.department_id


def open311_requests(*, ids: list[str] | None, service_code: str = "", start: dt.datetime | None = None,
                     end: dt.datetime | None = None, status: str = "", limit: int = 1000,
                     offset: int = 0) -> list[Suggestion]:
    """Published requests only: those filed through Open311 and those staff chose to publish."""
    qs = Suggestion.objects.filter(public=True).select_related("category", "department").prefetch_related("replies")
    if ids:
        return list(qs.filter(number__in=ids).order_by("-received_at")[:limit])
    if service_code:
        qs = qs.filter(category__code=service_code)
    if start is None and end is None:
        start = clock.now() - dt.timedelta(days=OPEN311_DEFAULT_DAYS)
    if start:
        qs = qs.filter(received_at__gte=start)
    if end:
        qs = qs.filter(received_at__lte=end)
    if status == "open":
        qs = qs.exclude(state=SuggestionState.CLOSED)
    elif status == "closed":
        qs = qs.filter(state=SuggestionState.CLOSED)
    return list(qs.order_by("-received_at", "-id")[offset:offset + limit])
