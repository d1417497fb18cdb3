"""What the enterprise routers share: records by their public key (else 404 naming the field) and the roles."""

from django.utils.translation import gettext as _

from onewindow.core.access import Role
from onewindow.core.actors import Actor
from onewindow.core.errors import NotFound
from onewindow.enterprise import access
from onewindow.enterprise.models import ClassRegistration, ClassSession, Enterprise, Policy, PolicyApplication

APPLICANTS = (Role.CITIZEN, Role.CLERK)
DEPARTMENT_STAFF = (Role.REVIEWER, Role.DEPARTMENT_HEAD)
CLASS_RUNNERS = (Role.CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD)
READERS = (Role.CITIZEN, Role.CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR)


def enterprise_by_code(credit_code: str, actor: Actor, field: str = "credit_code") -> Enterprise:
    """An enterprise the actor may act for (its own account, or a clerk); anybody else: 404."""
    enterprise = Enterprise.objects.filter(credit_code=(credit_code or "").strip().upper()).first()
    if enterprise is None or not access.can_act_for(enterprise, actor):
        raise NotFound(_("未找到该企业：%(c)s") % {"c": credit_code}, field=field)
    return enterprise


def policy_by_code(code: str, *, published_only: bool = True) -> Policy:
    qs = Policy.objects.select_related("department")
    policy = (qs.filter(published=True) if published_only else qs).filter(code=code).first()
    if policy is None:
        raise NotFound(_("未找到该政策：%(c)s") % {"c": code}, field="code")
    return policy


def application_by_number(number: str, actor: Actor) -> PolicyApplication:
    application = PolicyApplication.objects.select_related("policy__department", "enterprise").filter(
        number=number).first()
    if application is None:
        raise NotFound(_("申报 %(n)s 不存在") % {"n": number}, field="number")
    access.require_read_application(application, actor)
    return application


def session_by_id(session_id: int) -> ClassSession:
    session = ClassSession.objects.select_related("speaker_department").filter(pk=session_id).first() \
        if 0 < session_id < 2**63 else None
    if session is None:
        raise NotFound(_("课程 %(n)s 不存在") % {"n": session_id}, field="session_id")
    return session


def registration_by_id(registration_id: int, actor: Actor) -> ClassRegistration:
    """A registration the actor may act on (its enterprise's account or a clerk); anybody else: 404."""
    registration = ClassRegistration.objects.select_related("session", "enterprise").filter(
        pk=registration_id).first() if 0 < registration_id < 2**63 else None
    if registration is None or not access.can_act_for(registration.enterprise, actor):
        raise NotFound(_("报名 %(n)s 不存在") % {"n": registration_id}, field="registration_id")
    return registration
