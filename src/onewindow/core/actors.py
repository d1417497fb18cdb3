"""Who acts: the one type every service takes as `actor`.

A service is called by a signed-in person (`request.user`), by an anonymous visitor (`AnonymousUser`, e.g. a
citizen at the kiosk), or by the system itself (`None`: nightly jobs, the demo loader, migrations).

    def case_accept(*, case: Case, actor: Actor) -> Case: ...
    user = actor_user(actor)      # the User, or None for anonymous and system callers
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import AnonymousUser

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Actor: TypeAlias = "User | AnonymousUser | None"


def actor_user(actor: Actor) -> User | None:
    """The signed-in user behind `actor`, or None for anonymous visitors and the system."""
    if actor is None or isinstance(actor, AnonymousUser) or not actor.is_authenticated:
        return None
    return actor


def actor_label(actor: Actor) -> str:
    """How the actor is named in an event row: the staff member's display name, else the username, else ''."""
    user = actor_user(actor)
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    name = getattr(profile, "display_name", "") if profile is not None else ""
    return name or user.get_username()
