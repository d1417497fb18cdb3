"""Who may see a rating link and who may rate; who works a rectification or a suggestion.

    from onewindow.feedback.access import holder_rating_url
    url = holder_rating_url(user=request.user, holder=is_applicant, target_kind="application",
                            target_id=app.pk, channel="1")      # "" unless the viewer is the applicant

A rating link is a bearer token: whoever holds it can rate. So it is shown only on the holder's own pages
(the applicant's application page, the public progress page reached with number + phone digits, the
ticket's own follow page, the paired counter pad) and never to a signed-in staff member. A rating that
arrives from a signed-in member of staff who handled the service, or who works for the department
concerned, is refused (`rating_refusal`).

Rectifications and suggestions are worked by their department's reviewers and heads and by supervisors
(`can_work_rectification`, `can_work_suggestion`); an appeal against a bad review comes from the side that was
rated and never from the person who wrote it (`can_appeal_rectification`).
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.access import STAFF_ROLES, Role, has_role, user_department_id, user_roles
from onewindow.core.actors import Actor, actor_user
from onewindow.feedback import targets
from onewindow.feedback.conf import link_days
from onewindow.feedback.links import rating_url
from onewindow.feedback.models import Rectification, Suggestion


def rating_window_closed(target: targets.ServedTarget, *, issued_at: dt.datetime | None = None,
                         now: dt.datetime | None = None) -> bool:
    """True when the link is older than the rating period or the service finished longer ago than that."""
    now = now or clock.now()
    period = dt.timedelta(days=link_days())
    if issued_at is not None and now - issued_at > period:
        return True
    return target.served_at is not None and now - target.served_at > period


def is_staff_user(user: Actor) -> bool:
    return bool(user_roles(user) & STAFF_ROLES)


def rating_refusal(user: Actor, target: targets.ServedTarget) -> str:
    """Why `user` may not rate `target` ('' when they may): they handled it, or work for its department."""
    person = actor_user(user)
    if person is None:
        return ""
    if person.pk in target.staff_ids or (target.clerk_id is not None and person.pk == target.clerk_id):
        return _("您参与办理了这项服务，不能评价本人办理的服务")
    if has_role(person, Role.REVIEWER, Role.DEPARTMENT_HEAD):
        dept = user_department_id(person)
        if dept is not None and (dept == target.department_id or dept in target.department_ids):
            return _("本部门工作人员不能评价本部门办理的服务")
    return ""


def holder_rating_url(*, user: Actor, holder: bool, target_kind: str, target_id: int, channel: str) -> str:
    """The rating link for the holder's own page; '' for anybody else and on every staff member's screen."""
    if not holder or is_staff_user(user):
        return ""
    target = targets.resolve(target_kind, target_id)
    if target is None or not target.finished or rating_refusal(user, target) or rating_window_closed(target):
        return ""
    return rating_url(target_kind=target_kind, target_id=target_id, channel=channel)


def _works_for(user: Actor, department_id: int | None) -> bool:
    """Supervisors work every record; reviewers and department heads those of their own department."""
    if has_role(user, Role.SUPERVISOR):
        return True
    if has_role(user, Role.REVIEWER, Role.DEPARTMENT_HEAD):
        return department_id is not None and department_id == user_department_id(user)
    return False


def can_work_rectification(user: Actor, rec: Rectification) -> bool:
    return _works_for(user, rec.department_id)


def can_appeal_rectification(user: Actor, rec: Rectification) -> bool:
    """An appeal (申诉) comes from the side that was rated: a reviewer or head of the department concerned, or
    the staff member the review names. Never from the person who wrote the review, never from a supervisor
    (supervisors decide appeals), never from somebody without a staff role."""
    person = actor_user(user)
    if person is None:
        return False
    rating = rec.rating
    if rating.rater_id is not None and rating.rater_id == person.pk:
        return False
    if has_role(person, Role.REVIEWER, Role.DEPARTMENT_HEAD) and rec.department_id is not None \
            and rec.department_id == user_department_id(person):
        return True
    return rating.clerk_id == person.pk and has_role(person, Role.CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD)


def can_work_suggestion(user: Actor, s: Suggestion) -> bool:
    return _works_for(user, s.department_id)
