"""Bad-review rectification worklists: who sees which records, open and overdue ones, one record with its steps."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from onewindow.core import clock
from onewindow.core.access import Role, has_role, user_department_id
from onewindow.core.actors import Actor, actor_user
from onewindow.feedback.models import OPEN_RECT_STATES, Rectification


def rectification_scope(user: Actor) -> Q:
    """Supervisors see every record; department staff their department's; a clerk those of reviews naming them."""
    if has_role(user, Role.SUPERVISOR):
        return Q()
    if has_role(user, Role.REVIEWER, Role.DEPARTMENT_HEAD):
        return Q(department_id=user_department_id(user) or -1)
    person = actor_user(user)
    if person is not None and has_role(person, Role.CLERK):
        return Q(rating__clerk_id=person.pk)
    return Q(pk__in=[])


def rectifications_list(*, user: Actor, state: str = "", overdue_only: bool = False,
                        open_only: bool = False) -> QuerySet[Rectification]:
    qs = (Rectification.objects.filter(rectification_scope(user))
          .select_related("rating", "department", "rating__clerk__profile"))
    if state:
        qs = qs.filter(state=state)
    if open_only:
        qs = qs.filter(state__in=OPEN_RECT_STATES)
    if overdue_only:
        qs = qs.filter(state__in=OPEN_RECT_STATES, due_on__lt=clock.today())
    return qs.order_by("due_on", "id")


def is_overdue(rec: Rectification) -> bool:
    return rec.state in OPEN_RECT_STATES and rec.due_on < clock.today()


def rectification_detail(rect_id: int) -> Rectification | None:
    """One record with its rating and every step (each event names its actor in `actor_label`)."""
    return (Rectification.objects.select_related("rating", "department", "rating__clerk__profile")
            .prefetch_related("events").filter(pk=rect_id).first())
