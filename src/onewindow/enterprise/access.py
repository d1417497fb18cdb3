"""Who may act on enterprise records, beyond the role each route declares.

- An enterprise is acted for by its own account (the enterprise user, a citizen-role login linked on the
  profile) or by a window clerk on its behalf (窗口代办).
- A policy application is reviewed and its payment recorded only by staff (reviewer or department head) of
  the policy's issuing department. Supervisors read everything; nobody else sees an application (404, the
  same answer as for one that does not exist).
- A class is run (sign-in at the door, cancellation) by window clerks or staff of its speaker department.
- An industry licence is issued by window clerks or department heads; revoked by staff of its issuing
  department.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from onewindow.core.access import Role, has_role, user_department_id
from onewindow.core.actors import Actor, actor_user
from onewindow.core.errors import Forbidden, NotFound

from .models import ClassSession, Enterprise, IndustryLicence, Policy, PolicyApplication

DEPARTMENT_STAFF = (Role.REVIEWER, Role.DEPARTMENT_HEAD)


def is_owner(enterprise: Enterprise, actor: Actor) -> bool:
    user = actor_user(actor)
    return user is not None and enterprise.user_id == user.pk


def can_act_for(enterprise: Enterprise, actor: Actor) -> bool:
    """The enterprise's own account, or a window clerk on its behalf."""
    return is_owner(enterprise, actor) or has_role(actor, Role.CLERK)


def require_act_for(enterprise: Enterprise, actor: Actor) -> None:
    if not can_act_for(enterprise, actor):
        raise Forbidden(_("只能为本企业办理，或由窗口工作人员代办"), field="enterprise")


def staff_of(department_id: int | None, actor: Actor) -> bool:
    user = actor_user(actor)
    if user is None or department_id is None:
        return False
    if user.is_superuser:
        return True
    return has_role(user, *DEPARTMENT_STAFF) and user_department_id(user) == department_id


def can_review(policy: Policy, actor: Actor) -> bool:
    return staff_of(policy.department_id, actor)


def require_review(policy: Policy, actor: Actor) -> None:
    if not can_review(policy, actor):
        raise Forbidden(_("只有政策兑现部门的工作人员可以审核和兑付"), field="department")


def can_read_application(application: PolicyApplication, actor: Actor) -> bool:
    return (can_act_for(application.enterprise, actor) or can_review(application.policy, actor)
            or has_role(actor, Role.SUPERVISOR))


def require_read_application(application: PolicyApplication, actor: Actor) -> None:
    if not can_read_application(application, actor):
        raise NotFound(_("申报 %(n)s 不存在") % {"n": application.number}, field="number")


def can_run_class(session: ClassSession, actor: Actor) -> bool:
    return has_role(actor, Role.CLERK) or staff_of(session.speaker_department_id, actor)


def require_run_class(session: ClassSession, actor: Actor) -> None:
    if not can_run_class(session, actor):
        raise Forbidden(_("只有窗口工作人员或主讲部门工作人员可以办理"), field="session")


def can_issue_licence(actor: Actor) -> bool:
    return has_role(actor, Role.CLERK, Role.DEPARTMENT_HEAD)


def can_revoke_licence(licence: IndustryLicence, actor: Actor) -> bool:
    return staff_of(licence.department_id, actor)
