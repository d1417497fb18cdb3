"""The queue's hot reads, written once as SQL: the next waiting ticket, the counter's open clerk session and the
current ticket a clerk finishes, each locked. (The people ahead of a ticket: hall.queue_line.)

They run on every issue, call-next and finish (16 counters calling while the kiosks issue). Built as querysets,
compiling them (joins, subqueries, select_related, ordering) cost more CPU than everything else a call or finish
does: bench/queue measured a third of a server's time in the ORM's query compiler. The statements are the same
ones the querysets produced (same tables, conditions, order and row locks), kept as text; only the values are
bound per call. The rows become model instances through core.rows (`Model.from_db` with the backend's own
converters), so SQLite and PostgreSQL read the same values the ORM would.

Writes still go through `core.events.transition()` and `record_event()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, models

from onewindow.core import rows
from onewindow.core.models import Profile
from onewindow.core.rows import M
from onewindow.hall.models import ClerkSession, Counter, HallCategory, Ticket, TicketStatus


def _q(name: str) -> str:
    return rows.quote(connection, name)


def _columns(model: type[models.Model], alias: str) -> str:
    return rows.columns(connection, model, alias)


def _instance(model: type[M], row: Sequence[Any]) -> M:
    return rows.instance(connection, model, row)


def _sql(name: str, build: Callable[[], str]) -> str:
    return rows.statement(connection, f"hall.{name}", build)


def _lock(of: str, *, skip_locked: bool = False) -> str:
    """FOR UPDATE on PostgreSQL (the row named by `of` only); nothing on SQLite, whose project transactions begin
    IMMEDIATE (one writer at a time), as `select_for_update` does there."""
    if not connection.features.has_select_for_update:
        return ""
    text = " FOR UPDATE"
    if connection.features.has_select_for_update_of:
        text += f" OF {of}"
    if skip_locked and connection.features.has_select_for_update_skip_locked:
        text += " SKIP LOCKED"
    return text


def _datetime(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


_TICKET_N = len(Ticket._meta.concrete_fields)
_PROFILE_N = len(Profile._meta.concrete_fields)
_SESSION_N = len(ClerkSession._meta.concrete_fields)
_PROFILE_REL: Any = get_user_model()._meta.get_field("profile")  # the reverse one-to-one (its cache)


def _with_profile(user: Any, row: Sequence[Any]) -> None:
    """Give `user` the profile read in the same row (or none), as select_related("clerk__profile") did: the
    events name the clerk by the profile's display name (core.actors.actor_label) without another query."""
    if _PROFILE_REL.is_cached(user):
        return
    profile = _instance(Profile, row) if row[0] is not None else None
    _PROFILE_REL.set_cached_value(user, profile)


def _with_category(ticket: Ticket, categories: list[HallCategory]) -> Ticket:
    """The ticket's category (with its catalog category) from the hall's cached setup; an inactive one is left to
    load on first use."""
    for hc in categories:
        if hc.pk == ticket.category_id:
            ticket.category = hc
            break
    return ticket


_WAITING = TicketStatus.WAITING.value  # a plain word, written into SQL below
_STATUSES = frozenset(TicketStatus.values)  # the only words written into SQL as statuses


def next_waiting_sql(skills: int) -> str:
    """The statement next_waiting_ticket runs for a counter serving `skills` categories; its parameters are the
    hall, the moment, the categories and the counter."""
    t = _q(Ticket._meta.db_table)
    placeholders = ", ".join(["%s"] * skills)
    # The status is written into the statement, not bound: the statement is prepared (core.rows.cursor), and a
    # generic plan for `status = $n` cannot prove that the partial index ticket_waiting_queue (status =
    # 'waiting') applies, so it would read the hall's tickets of every status (docs/operations.md "Hot paths").
    return (f"SELECT {_columns(Ticket, t)} FROM {t}"
            f" WHERE {t}.{_q('hall_id')} = %s AND {t}.{_q('status')} = '{_WAITING}'"
            f" AND {t}.{_q('effective_time')} <= %s"
            f" AND (({t}.{_q('category_id')} IN ({placeholders}) AND {t}.{_q('target_counter_id')} IS NULL)"
            f" OR {t}.{_q('target_counter_id')} = %s)"
            f" ORDER BY {t}.{_q('priority')} DESC, {t}.{_q('effective_time')} ASC, {t}.{_q('id')} ASC LIMIT 1"
            f"{_lock(t, skip_locked=True)}")


def next_waiting_ticket(counter: Counter, skills: list[int], at: dt.datetime,
                        categories: list[HallCategory]) -> Ticket | None:
    """The next ticket for `counter`, locked, skipping rows other counters hold: highest priority, then earliest
    effective time, then id, among the waiting tickets of the categories it serves (not sent to one counter)
    and those sent to it."""
    with rows.cursor(connection) as cursor:
        cursor.execute(_sql(f"next_waiting.{len(skills)}", lambda: next_waiting_sql(len(skills))),
                       [counter.hall_id, _datetime(at), *skills, counter.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    return _with_category(_instance(Ticket, row), categories)


def _open_session_of_counter(s: str) -> str:
    """The condition, order and lock that find a counter's open session in table `s` (parameter: the counter)."""
    return (f" WHERE {s}.{_q('counter_id')} = %s AND {s}.{_q('ended_at')} IS NULL"
            f" ORDER BY {s}.{_q('started_at')} DESC LIMIT 1{_lock(s)}")


def open_session_row(counter: Counter) -> tuple[ClerkSession, Sequence[Any]] | None:
    """The counter's open clerk session, locked (the session row only), and its clerk's profile columns (the
    first one None when the clerk has no profile); None when nobody is signed in."""
    def build() -> str:
        s, p = _q(ClerkSession._meta.db_table), _q(Profile._meta.db_table)
        return (f"SELECT {_columns(ClerkSession, s)}, {_columns(Profile, p)} FROM {s}"
                f" LEFT OUTER JOIN {p} ON {p}.{_q('user_id')} = {s}.{_q('clerk_id')}{_open_session_of_counter(s)}")

    with rows.cursor(connection) as cursor:
        cursor.execute(_sql("open_session", build), [counter.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    return _instance(ClerkSession, row[:_SESSION_N]), row[_SESSION_N:]


def open_session_and_next_sql(skills: int) -> str:
    """PostgreSQL's statement for open_session_and_next: open_session_row's read, its row locked first (a
    materialized WITH runs before the join asks for a ticket, so the lock order stays session, then ticket, as
    when they were two statements), joined to next_waiting_sql's ticket (LATERAL: nothing when none waits). Its
    parameters are the counter, then next_waiting_ticket's."""
    s, p = _q(ClerkSession._meta.db_table), _q(Profile._meta.db_table)
    return (f"WITH s AS MATERIALIZED (SELECT {_columns(ClerkSession, s)} FROM {s}{_open_session_of_counter(s)})"
            f" SELECT {_columns(ClerkSession, 's')}, {_columns(Profile, p)}, {_columns(Ticket, 't')} FROM s"
            f" LEFT OUTER JOIN {p} ON {p}.{_q('user_id')} = s.{_q('clerk_id')}"
            f" LEFT OUTER JOIN LATERAL ({next_waiting_sql(skills)}) t ON TRUE")


def open_session_and_next(counter: Counter, skills: list[int], at: dt.datetime, categories: list[HallCategory]
                          ) -> tuple[ClerkSession, Sequence[Any], Ticket | None] | None:
    """open_session_row and next_waiting_ticket in one statement, on PostgreSQL: the counter's open session
    (locked), its clerk's profile columns and the next ticket for the counter (locked, or None when nobody
    waits). None when nobody is signed in at the counter, and always elsewhere (SQLite has no LATERAL): the
    caller then asks the two questions one by one."""
    if connection.vendor != "postgresql":
        return None
    with rows.cursor(connection) as cursor:
        cursor.execute(_sql(f"open_session_and_next.{len(skills)}", lambda: open_session_and_next_sql(len(skills))),
                       [counter.pk, counter.hall_id, _datetime(at), *skills, counter.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    session = _instance(ClerkSession, row[:_SESSION_N])
    ticket_row = row[_SESSION_N + _PROFILE_N:]
    ticket = _with_category(_instance(Ticket, ticket_row), categories) if ticket_row[0] is not None else None
    return session, row[_SESSION_N:_SESSION_N + _PROFILE_N], ticket


def session_with_clerk(session: ClerkSession, user: Any, profile_row: Sequence[Any]) -> ClerkSession:
    """`session` with `user` (its clerk, already checked) as `session.clerk`, profile attached."""
    _with_profile(user, profile_row)
    session.clerk = user
    return session


def current_of_session_sql(statuses: Sequence[str]) -> str:
    """The statement current_ticket_of_session runs; its parameters are the user, the counter and the user."""
    if not set(statuses) <= _STATUSES:
        raise ValueError(f"not a ticket status: {sorted(set(statuses) - _STATUSES)}")
    # The statuses are written into the statement, not bound, so that even the prepared statement's generic plan
    # can use the partial unique index ticket_one_current_per_counter (at most one row) rather than every ticket
    # the clerk ever called (see next_waiting_sql).
    literals = ", ".join(f"'{status}'" for status in statuses)
    t, s, p = _q(Ticket._meta.db_table), _q(ClerkSession._meta.db_table), _q(Profile._meta.db_table)
    return (f"SELECT {_columns(Ticket, t)}, {s}.{_q('id')}, {s}.{_q('state')}, {_columns(Profile, p)}"
            f" FROM {t} INNER JOIN {s} ON {s}.{_q('counter_id')} = {t}.{_q('counter_id')}"
            f" AND {s}.{_q('clerk_id')} = %s AND {s}.{_q('ended_at')} IS NULL"
            f" LEFT OUTER JOIN {p} ON {p}.{_q('user_id')} = {t}.{_q('clerk_id')}"
            f" WHERE {t}.{_q('counter_id')} = %s AND {t}.{_q('clerk_id')} = %s AND {t}.{_q('status')} IN ({literals})"
            f" ORDER BY {t}.{_q('id')} DESC LIMIT 1{_lock(t)}")


def current_ticket_of_session(counter: Counter, user: Any, statuses: Sequence[str],
                              categories: list[HallCategory]) -> tuple[ClerkSession, Ticket] | None:
    """The counter's current ticket in one of `statuses`, locked (the ticket row only), called by `user`, at a
    counter whose open session is `user`'s; with that session (its id and state) and `user`'s profile. None
    when any of that does not hold."""
    wanted = list(dict.fromkeys(statuses))
    with rows.cursor(connection) as cursor:
        cursor.execute(_sql(f"current_of_session.{'.'.join(wanted)}", lambda: current_of_session_sql(wanted)),
                       [user.pk, counter.pk, user.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    ticket = _with_category(_instance(Ticket, row[:_TICKET_N]), categories)
    ticket.counter = counter
    ticket.clerk = user
    _with_profile(user, row[_TICKET_N + 2:])
    session = ClerkSession(pk=row[_TICKET_N], counter=counter, clerk=user, state=row[_TICKET_N + 1])
    return session, ticket

