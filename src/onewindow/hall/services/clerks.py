"""A clerk's session at a counter: sign in, break and back, sign out. A call or a finish
does not move the session (the counter's current ticket says it is serving); a call ends a break.

A session's state lives in `ClerkSession.state`, its history in `ClerkStateEvent` (utilisation is computed
from those rows). The clerk's own acts (sign in, break, back, sign out) are audited; the moves the queue makes
on every call and finish are not: their cause is in the ticket's events, and the queue is the hot path.
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.core.errors import Conflict, Forbidden, ServiceError
from onewindow.core.events import record_event, transition
from onewindow.hall import selectors
from onewindow.hall.models import ClerkAction, ClerkSession, ClerkState, ClerkStateEvent, Counter
from onewindow.hall.services.lookups import get_counter

OPEN_STATES: frozenset[str] = frozenset({ClerkState.AVAILABLE, ClerkState.SERVING, ClerkState.BREAK, ClerkState.AWAY})
# the clerk's choice on the console → the action that records it
CHOSEN_STATES = {ClerkState.AVAILABLE: ClerkAction.RESUME, ClerkState.BREAK: ClerkAction.BREAK,
                 ClerkState.AWAY: ClerkAction.AWAY}


def _only_self() -> tuple[str, ...]:
    # lock only the session row (its clerk and profile are joined for the event's actor label)
    return ("self",) if connection.features.has_select_for_update_of else ()


def open_session(counter: Counter, actor: Actor) -> ClerkSession:
    """The counter's open session, locked: two clicks on "call next" at one counter run one after the other
    (other counters are not held up). Only its clerk (or the system) acts through it."""
    session = (ClerkSession.objects.select_for_update(of=_only_self()).select_related("clerk__profile")
               .filter(counter=counter, ended_at__isnull=True).first())
    if session is None:
        raise Conflict(_("%(counter)s 尚未签入，请先在窗口签入") % {"counter": counter}, field="counter")
    user = actor_user(actor)
    if actor is not None and session.clerk_id != (user.pk if user else None):
        raise Forbidden(_("该窗口由其他受理人员签入"), field="counter")
    return session


def clerk_move(session: ClerkSession, *, to: str, action: str, audit: bool = False) -> None:
    """Move the session to `to` (nothing when it is there already). The actor is the session's clerk."""
    if session.state == to:
        return
    transition(session, to=to, allowed_from=OPEN_STATES - {to}, action=action, actor=session.clerk,
               event_model=ClerkStateEvent, state_field="state", version_field=None, timestamp_field=None,
               audit=audit)


def _my_open_session(clerk: Actor) -> ClerkSession:
    user = actor_user(clerk)
    session = (ClerkSession.objects.select_for_update(of=_only_self()).select_related("clerk__profile", "counter")
               .filter(clerk=user, ended_at__isnull=True).first()) if user else None
    if session is None:
        raise Conflict(_("您尚未在窗口签入"), field="counter")
    return session


def clerk_session_start(*, counter: Counter | int, clerk: Actor) -> ClerkSession:
    """Sign `clerk` in at `counter` (again at the same counter: the open session). One open session per
    counter and per clerk (partial unique constraints back the checks)."""
    counter = get_counter(counter)
    user = actor_user(clerk)
    if user is None:
        raise Forbidden(_("请先登录"))
    with transaction.atomic():
        mine = ClerkSession.objects.filter(clerk=user, ended_at__isnull=True).first()
        if mine is not None:
            if mine.counter_id == counter.pk:
                return mine
            raise Conflict(_("您已在 %(counter)s 签入，请先签出") % {"counter": mine.counter}, field="counter")
        if ClerkSession.objects.filter(counter=counter, ended_at__isnull=True).exists():
            raise Conflict(_("%(counter)s 已有人员签入") % {"counter": counter}, field="counter")
        at = clock.now()
        try:
            with transaction.atomic():
                session = ClerkSession.objects.create(counter=counter, clerk=user, state=ClerkState.AVAILABLE,
                                                      started_at=at)
        except IntegrityError:
            raise Conflict(_("%(counter)s 已有人员签入") % {"counter": counter}, field="counter") from None
        record_event(session, event_model=ClerkStateEvent, action=ClerkAction.SIGN_IN, actor=user,
                     to_status=ClerkState.AVAILABLE, at=at)
        return session


def clerk_session_set_state(*, clerk: Actor, state: str) -> ClerkSession:
    """Pause (break, away) or resume serving; refused while a ticket is current at the counter."""
    if state not in CHOSEN_STATES:
        raise ServiceError(_("状态无效"), field="state")
    with transaction.atomic():
        session = _my_open_session(clerk)
        if state != ClerkState.AVAILABLE and selectors.counter_has_current_ticket(session.counter):
            raise Conflict(_("请先办结当前的号"), field="state")
        clerk_move(session, to=state, action=CHOSEN_STATES[ClerkState(state)], audit=True)
        return session


def clerk_session_end(*, clerk: Actor) -> ClerkSession:
    """Sign out; refused while a ticket is current at the counter."""
    with transaction.atomic():
        session = _my_open_session(clerk)
        if selectors.counter_has_current_ticket(session.counter):
            raise Conflict(_("请先办结、转移或过号当前的号，再签出"), field="ticket")
        transition(session, to=ClerkState.SIGNED_OUT, allowed_from=OPEN_STATES, action=ClerkAction.SIGN_OUT,
                   actor=session.clerk, event_model=ClerkStateEvent, state_field="state", version_field=None,
                   timestamp_field=None, changes={"ended_at": clock.now()})
        return session
