"""The signed-in user of a request, read from the database on every request as Django does: the session row and
its user's row in one statement written once (core.rows), instead of two compiled per request.

bench/queue's profile (docs/operations.md): on a clerk's call-next or finish, loading the session row and the
user row through querysets was a fifth of the server's CPU, nearly all of it building the two one-row SELECTs.
Both reads still happen on every request, so nothing is cached: a session deleted (sign-out, `flush()`), expired
or rotated, a user deactivated or whose password changed is refused on the very next request, in every server
process.

- `SessionStore`: the embedded default's SESSION_ENGINE (without Redis): Django's database store on the table of
  core.models.UserSession, which keeps the signed-in user's id beside the session's data, so that one read
  (`SELECT session_data, user_id, <the user's columns> … LEFT JOIN auth_user … WHERE session_key = %s AND
  expire_date > now`) brings both. With Redis the cached_db store is Django's and the user is read by itself;
- `AuthenticationMiddleware`: Django's, whose `request.user` comes from `get_user()` below — Django's
  `auth.get_user` step for step, except that a session of the stock ModelBackend takes its user from that read
  (or, with another store, from one written-once statement). Any other backend's `get_user` is called as is.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth import _get_user_session_key as user_session_key  # type: ignore[attr-defined]
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from onewindow.core import rows

_NOT_READ = object()


class SessionStore(db.SessionStore):
    """The embedded default's session store (SESSION_ENGINE = "onewindow.core.session_auth"): Django's database
    store on the table of core.models.UserSession, whose row also carries the signed-in user's id. Reading the
    session reads that user's row in the same statement; `get_user` below takes it from there instead of a second
    SELECT. Every request still reads both from the database: nothing is kept between requests."""

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self.user_row: Any = _NOT_READ  # (user id, the user or None) once the row has been read

    @classmethod
    def get_model_class(cls) -> Any:
        from onewindow.core.models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        obj: Any = super().create_model_instance(data)
        user_id = str(data.get(SESSION_KEY, ""))
        obj.user_id = int(user_id) if user_id.isdigit() else None  # the id the session's data names, kept beside it
        return obj

    def _get_session_from_db(self) -> Any:
        model: Any = self.model
        User = get_user_model()
        connection = connections[router.db_for_read(model)]

        def build() -> str:
            table = rows.quote(connection, model._meta.db_table)
            users = rows.quote(connection, User._meta.db_table)
            user_id = f"{table}.{rows.quote(connection, 'user_id')}"
            return (f"SELECT {table}.{rows.quote(connection, 'session_data')}, {user_id},"
                    f" {rows.columns(connection, User, users)} FROM {table} LEFT JOIN {users}"
                    f" ON {users}.{rows.quote(connection, User._meta.pk.column)} = {user_id}"
                    f" WHERE {table}.{rows.quote(connection, 'session_key')} = %s"
                    f" AND {table}.{rows.quote(connection, 'expire_date')} > %s")

        key = self.session_key
        if not key:
            return None
        with rows.cursor(connection) as cursor:
            cursor.execute(rows.statement(connection, "core.session_and_user", build),
                           [key, connection.ops.adapt_datetimefield_value(timezone.now())])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's store: an unknown or expired key starts a new session
            return None
        user_id, user_columns = row[1], row[2:]
        found = rows.instance(connection, User, user_columns) if user_columns[0] is not None else None
        self.user_row = (user_id, found)
        return model(session_key=key, session_data=row[0], user_id=user_id)


def _user_by_pk(user_id: Any) -> Any:
    """ModelBackend.get_user(user_id) in one written-once statement: the user, or None."""
    User = get_user_model()
    connection = connections[router.db_for_read(User)]

    def build() -> str:
        table = rows.quote(connection, User._meta.db_table)
        return (f"SELECT {rows.columns(connection, User, table)} FROM {table}"
                f" WHERE {table}.{rows.quote(connection, User._meta.pk.column)} = %s")

    with rows.cursor(connection) as cursor:
        cursor.execute(rows.statement(connection, "core.user", build),
                       [User._meta.pk.get_db_prep_value(user_id, connection)])
        row = cursor.fetchone()
    return rows.instance(connection, User, row) if row is not None else None


def _backend_user(request: HttpRequest, backend: Any, user_id: Any) -> Any:
    if type(backend) is ModelBackend:  # exactly the stock backend: a subclass may load its users otherwise
        read: Any = getattr(request.session, "user_row", _NOT_READ)
        if read is not _NOT_READ and read[0] is not None and str(read[0]) == str(user_id):
            user = read[1]  # read with the session row, in the same statement
        else:
            user = _user_by_pk(user_id)
        return user if user is not None and backend.user_can_authenticate(user) else None
    return backend.get_user(user_id)


def get_user(request: HttpRequest) -> Any:
    """django.contrib.auth.get_user, step for step (the session's auth hash, its fallback keys, the flush of a
    session that no longer verifies); only the stock backend's user row is read by `_user_by_pk`."""
    user = None
    try:
        user_id = user_session_key(request)
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            backend = load_backend(backend_path)
            user = _backend_user(request, backend, user_id)
            if hasattr(user, "get_session_auth_hash"):
                session_hash = request.session.get(HASH_SESSION_KEY)
                if not session_hash:
                    session_hash_verified = False
                else:
                    session_auth_hash = user.get_session_auth_hash()
                    session_hash_verified = constant_time_compare(session_hash, session_auth_hash)
                if not session_hash_verified:
                    if session_hash and any(constant_time_compare(session_hash, fallback)
                                            for fallback in user.get_session_auth_fallback_hash()):
                        request.session.cycle_key()
                        request.session[HASH_SESSION_KEY] = session_auth_hash
                    else:
                        request.session.flush()
                        user = None
    return user or AnonymousUser()


def _cached_user(request: HttpRequest) -> Any:
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)  # the session check and request.auser (async views) stay Django's
        request.user = SimpleLazyObject(lambda: _cached_user(request))  # type: ignore[assignment]
