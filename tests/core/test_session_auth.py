"""core.session_auth reads the session and its user in one statement written once, on every request: nothing is
kept between requests, so whatever ends a sign-in ends it on the very next request."""

import datetime as dt

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from onewindow.core.models import UserSession as Session
from onewindow.core.session_auth import SessionStore, get_user

pytestmark = pytest.mark.django_db

WHO = "/api/v1/appointments"  # a signed-in-only operation: 401 for anybody else, 422 (empty body) for a user


def _signed_in(make_user) -> tuple[Client, User]:
    user = make_user("sa_clerk", "clerk")
    client = Client()
    client.force_login(user)
    return client, user


def _is_signed_in(client: Client) -> bool:
    status = client.post(WHO, {}, content_type="application/json").status_code
    assert status in (401, 422), status
    return status == 422


def test_a_signed_in_request_reads_its_user_and_session_from_the_database(make_user):
    client, user = _signed_in(make_user)
    assert _is_signed_in(client)
    request = client.get("/").wsgi_request
    assert request.user.pk == user.pk and request.user.username == "sa_clerk"
    assert isinstance(request.session, SessionStore)
    assert request.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"  # the written-once read
    assert request.user.date_joined == User.objects.get(pk=user.pk).date_joined  # converted as the ORM does


def test_a_deleted_session_is_refused_at_once(make_user):
    client, _user = _signed_in(make_user)
    assert _is_signed_in(client)
    Session.objects.all().delete()  # a sign-out in another server process, or an administrator ending sessions
    assert not _is_signed_in(client)


def test_an_expired_session_is_refused_at_once(make_user):
    client, _user = _signed_in(make_user)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert not _is_signed_in(client)


def test_a_deactivated_user_is_refused_at_once(make_user):
    client, user = _signed_in(make_user)
    assert _is_signed_in(client)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert not _is_signed_in(client)


def test_a_changed_password_ends_the_other_sessions_at_once(make_user):
    client, user = _signed_in(make_user)
    assert _is_signed_in(client)
    user.set_password("another-pw-for-tests-2")
    user.save()
    assert not _is_signed_in(client)
    assert not Session.objects.exists()  # the session that no longer verifies was flushed, as Django does


def test_a_deleted_user_is_refused_at_once(make_user):
    client, user = _signed_in(make_user)
    User.objects.filter(pk=user.pk).delete()
    assert not _is_signed_in(client)


def test_signing_out_ends_the_session_for_the_next_request(make_user):
    client, _user = _signed_in(make_user)
    assert _is_signed_in(client)
    copy = Client()
    copy.cookies = client.cookies  # the same browser session seen by another server process
    client.logout()
    assert not _is_signed_in(copy)


def test_an_unknown_session_key_is_anonymous_and_starts_afresh(rf):
    request = rf.get("/")
    request.session = SessionStore(session_key="x" * 32)
    assert get_user(request).is_anonymous
    assert request.session.session_key is None


def test_a_signed_in_request_reads_its_session_and_its_user_in_one_statement(make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, user = _signed_in(make_user)
    assert Session.objects.get().user_id == user.pk  # the id the session's data names, kept beside it
    with CaptureQueriesContext(connection) as sql:
        assert _is_signed_in(client)
    reads = [q["sql"] for q in sql.captured_queries if "auth_user" in (q["sql"] or "") or "core_session" in (q["sql"] or "")]
    assert len(reads) == 1 and "JOIN" in reads[0], reads


def test_signing_in_as_someone_else_in_the_same_browser_reads_the_new_user(make_user):
    client, first = _signed_in(make_user)
    other = make_user("sa_other", "clerk")
    client.force_login(other)
    assert client.get("/").wsgi_request.user.pk == other.pk
    assert set(Session.objects.values_list("user_id", flat=True)) <= {first.pk, other.pk}
    assert Session.objects.filter(session_key=client.session.session_key).get().user_id == other.pk
