"""Object rules of intake: which outlet a member of staff works for, who may see and act on an application's
custody. Built on cases' own rule for who may see an application (`cases.selectors.can_view_application`)."""

from __future__ import annotations

from onewindow.cases.models import Application
from onewindow.cases.selectors import can_view_application, owns_application
from onewindow.core.access import Role, user_roles
from onewindow.core.actors import Actor, actor_user
from onewindow.intake.models import IntakeChannel, Outlet, OutletMembership


def outlet_of(user: Actor) -> Outlet | None:
    """The active outlet an outlet-staff account works for (None for anybody else)."""
    person = actor_user(user)
    if person is None or Role.OUTLET_STAFF not in user_roles(person):
        return None
    membership = (OutletMembership.objects.select_related("outlet__hall")
                  .filter(user=person, active=True, outlet__active=True).first())
    return membership.outlet if membership is not None else None


def _channel(application: Application) -> IntakeChannel | None:
    try:
        return application.intake_channel
    except IntakeChannel.DoesNotExist:
        return None


def outlet_may_see(user: Actor, application: Application) -> bool:
    """Outlet staff see the applications their own outlet brought in, and no other."""
    outlet = outlet_of(user)
    channel = _channel(application)
    return outlet is not None and channel is not None and channel.outlet_id == outlet.pk


def can_see_custody(user: Actor, application: Application) -> bool:
    if Role.OUTLET_STAFF in user_roles(user) and not (user_roles(user) - {Role.OUTLET_STAFF, Role.CITIZEN}):
        # an outlet account reads through its outlet only (not through having typed the form itself)
        return outlet_may_see(user, application)
    return can_view_application(user, application)


def can_act_for_applicant(user: Actor, application: Application) -> bool:
    """Book a locker drop, ask for an envelope, get a pickup code: the applicant, a hall clerk, or the outlet that
    brought the application in (acting for its customer). Department reviewers only read."""
    if Role.CLERK in user_roles(user):
        return True
    if Role.OUTLET_STAFF in user_roles(user):
        return outlet_may_see(user, application)
    return owns_application(user, application)


def is_hall_clerk(user: Actor) -> bool:
    return Role.CLERK in user_roles(user)
