"""Who may see a rating link and who may rate: the person served, never the staff who served them.

    from onewindow.feedback.access import holder_rating_url
    url = holder_rating_url(user=request.user, holder=is_applicant, target_kind="application",
                            target_id=app.pk, channel="1")      # "" unless the viewer is the applicant

A rating link is a bearer token: whoever holds it can rate. So it is shown only on the holder's own pages
(the applicant's application page, the public progress page reached with number + phone digits, the
ticket's own follow page, the paired counter pad) and never to a signed-in staff member. A rating that
arrives from a signed-in member of staff who handled the service, or who works for the department
concerned, is refused (`rating_refusal`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.access import STAFF_ROLES, Role, has_role, user_department_id, user_roles
from onewindow.feedback import targets

DEFAULT_LINK_DAYS = 30


def link_days() -> int:
    """ONEWINDOW["RATING_LINK_DAYS"] (30): how long a link lives, and how long after the service it may rate."""
    return int(getattr(settings, "ONEWINDOW", {}).get("RATING_LINK_DAYS", DEFAULT_LINK_DAYS))


def rating_window_closed(target: targets.ServedTarget, *, issued_at: dt.datetime | None = None,
                         now: dt.datetime | None = None) -> bool:
    """True when the link is older than the rating period or the service finished longer ago than that."""
    now = now or clock.now()
    period = dt.timedelta(days=link_days())
    if issued_at is not None and now - issued_at > period:
        return True
    return target.served_at is not None and now - target.served_at > period


def is_staff_user(user: Any) -> bool:
    return bool(user_roles(user) & STAFF_ROLES)


def rating_refusal(user: Any, target: targets.ServedTarget) -> str:
    """Why `user` may not rate `target` ('' when they may): they handled it, or work for its department."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    if user.pk in target.staff_ids or (target.clerk_id is not None and user.pk == target.clerk_id):
        return _("您参与办理了这项服务，不能评价本人办理的服务")
    if has_role(user, Role.REVIEWER, Role.DEPARTMENT_HEAD):
        dept = user_department_id(user)
        if dept is not None and (dept == target.department_id or dept in target.department_ids):
            return _("本部门工作人员不能评价本部门办理的服务")
    return ""


def holder_rating_url(*, user: Any, holder: bool, target_kind: str, target_id: int, channel: str) -> str:
    """The rating link for the holder's own page; '' for anybody else and on every staff member's screen."""
    from onewindow.feedback.links import rating_url

    if not holder or is_staff_user(user):
        return ""
    target = targets.resolve(target_kind, target_id)
    if target is None or not target.finished or rating_refusal(user, target) or rating_window_closed(target):
        return ""
    return rating_url(target_kind=target_kind, target_id=target_id, channel=channel)
