"""Login lockout, password hashing, cookies, CSRF on the API, security headers and public rate limits."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onewindow.core.access import Role

ERROR_SHAPE_KEYS = {"detail", "errors"}


@pytest.fixture
def real_hashers(settings) -> None:  # noqa: ANN001
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def _login(client: Client, username: str, password: str, **extra: str) -> object:
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_from_that_address_with_a_chinese_page(make_user) -> None:  # noqa: ANN001
    make_user("lin_clerk", Role.CLERK)
    client = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(4):
        response = _login(client, "lin_clerk", "wrong-password")
        assert response.status_code == 200  # the form again, with its error
    response = _login(client, "lin_clerk", "wrong-password")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode() and "15 分钟" in response.content.decode()
    # even the right password is refused while locked, and no session is created
    response = _login(client, "lin_clerk", "pw-for-tests-1")
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    # the same user from another address, and another user from this address, are not locked
    assert _login(Client(REMOTE_ADDR="10.0.0.6"), "lin_clerk", "pw-for-tests-1").status_code == 302
    make_user("chen_clerk", Role.CLERK)
    assert _login(Client(REMOTE_ADDR="10.0.0.5"), "chen_clerk", "pw-for-tests-1").status_code == 302


@pytest.mark.django_db
def test_locked_out_json_caller_gets_the_api_error_shape(make_user) -> None:  # noqa: ANN001
    make_user("wang_reviewer", Role.REVIEWER)
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(5):
        _login(client, "wang_reviewer", "nope")
    response = _login(client, "wang_reviewer", "nope", HTTP_ACCEPT="application/json")
    assert response.status_code == 429
    body = response.json()
    assert set(body) == ERROR_SHAPE_KEYS and "登录失败次数过多" in body["detail"]


@pytest.mark.django_db
def test_lockout_cools_off_after_fifteen_minutes(make_user) -> None:  # noqa: ANN001
    import datetime as dt

    from axes.models import AccessAttempt

    make_user("zhao", Role.CITIZEN)
    client = Client(REMOTE_ADDR="10.0.0.8")
    for _ in range(5):
        _login(client, "zhao", "nope")
    assert _login(client, "zhao", "pw-for-tests-1").status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert _login(client, "zhao", "pw-for-tests-1").status_code == 302


@pytest.mark.django_db
def test_test_clients_can_still_sign_in_with_login_and_force_login(make_user) -> None:  # noqa: ANN001
    make_user("fixture_user", Role.CITIZEN)
    assert Client().login(username="fixture_user", password="pw-for-tests-1")


@pytest.mark.django_db
def test_passwords_are_stored_with_argon2(real_hashers) -> None:  # noqa: ANN001
    user = User.objects.create_user("argon", password="a-long-passphrase-1")
    assert user.password.startswith("argon2$argon2id$")
    assert Client(REMOTE_ADDR="10.0.0.9").post(
        "/accounts/login/", {"username": "argon", "password": "a-long-passphrase-1"}).status_code == 302


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_httponly_samesite_and_secure_when_configured(make_user, settings) -> None:  # noqa: ANN001
    make_user("cookie_user", Role.CITIZEN)
    client = Client(REMOTE_ADDR="10.0.0.10")
    response = _login(client, "cookie_user", "pw-for-tests-1")
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax"
    page = Client().get("/accounts/login/")
    assert page.cookies["csrftoken"]["samesite"] == "Lax"
    import subprocess
    import sys

    code = ("import django,os;os.environ['DJANGO_SETTINGS_MODULE']='onewindow.settings';django.setup();"
            "from django.conf import settings as s;"
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS>0, s.SECURE_PROXY_SSL_HEADER)")
    import os

    env = {**os.environ, "ONEWINDOW_SECURE_COOKIES": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True True True ('HTTP_X_FORWARDED_PROTO', 'https')"


@pytest.mark.django_db
def test_session_authenticated_api_writes_need_the_csrf_token(make_user) -> None:  # noqa: ANN001
    user = make_user("csrf_clerk", Role.CLERK)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    refused = browser.post("/api/v1/clerk/sign-out", "{}", content_type="application/json")
    assert refused.status_code == 403
    assert set(refused.json()) == ERROR_SHAPE_KEYS and "CSRF" in refused.json()["detail"]
    browser.get("/accounts/login/")  # sets the csrftoken cookie, as any of our pages does
    token = browser.cookies["csrftoken"].value
    accepted = browser.post("/api/v1/clerk/sign-out", "{}", content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code != 403
    # reads need no token, and anonymous public writes carry no session to abuse
    assert browser.get("/api/v1/catalog/departments").status_code != 403
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post("/api/v1/feedback/suggestions/lookup", {"number": "X", "phone_last4": "1234"},
                          content_type="application/json").status_code in (404, 400, 422)


@pytest.mark.django_db
def test_pages_and_api_carry_the_security_headers(client_for) -> None:  # noqa: ANN001
    client = client_for(Role.CLERK)
    for url in ("/", "/accounts/login/", "/api/v1/catalog/departments", "/healthz"):
        response = client.get(url)
        headers = response.headers
        policy = headers["Content-Security-Policy"]
        script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, url
        assert "object-src 'none'" in policy and "frame-ancestors" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_rendered_pages_contain_no_inline_script_or_event_handlers(client_for) -> None:  # noqa: ANN001
    import re

    client = client_for(Role.CLERK)
    for url in ("/", "/accounts/login/", "/catalog/", "/cases/worklist/", "/hall/"):
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+\s*=\s*\"", html), url


def _assert_rate_limited(response: object) -> None:
    assert response.status_code == 429, response.status_code  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == ERROR_SHAPE_KEYS and "操作过于频繁" in body["detail"]


@pytest.mark.django_db
def test_public_ticket_issue_is_rate_limited_per_address_with_the_error_shape(settings) -> None:  # noqa: ANN001
    from onewindow.hall.api import TICKET_RATE_LIMIT

    client = Client(REMOTE_ADDR="198.51.100.1")
    for _ in range(TICKET_RATE_LIMIT):
        response = client.post("/api/v1/halls/nohall/tickets", {"category": "x"}, content_type="application/json")
        assert response.status_code == 404  # counted even when refused for another reason
    _assert_rate_limited(client.post("/api/v1/halls/nohall/tickets", {"category": "x"},
                                     content_type="application/json"))
    # another address is not affected; a kiosk network can be exempted
    assert Client(REMOTE_ADDR="198.51.100.2").post("/api/v1/halls/nohall/tickets", {"category": "x"},
                                                   content_type="application/json").status_code == 404
    settings.RATE_LIMIT_EXEMPT = ["198.51.100.0/24"]
    assert client.post("/api/v1/halls/nohall/tickets", {"category": "x"},
                       content_type="application/json").status_code == 404


@pytest.mark.django_db
def test_rating_suggestion_lookup_and_open311_are_rate_limited() -> None:
    client = Client(REMOTE_ADDR="198.51.100.3")
    for _ in range(20):
        client.post("/api/v1/feedback/suggestions/lookup", {"number": "S1", "phone_last4": "0000"},
                    content_type="application/json")
    _assert_rate_limited(client.post("/api/v1/feedback/suggestions/lookup", {"number": "S1", "phone_last4": "0000"},
                                     content_type="application/json"))
    for _ in range(30):
        client.post("/api/v1/feedback/ratings", {"token": "bad", "level": "satisfied"}, content_type="application/json")
    _assert_rate_limited(client.post("/api/v1/feedback/ratings", {"token": "bad", "level": "satisfied"},
                                     content_type="application/json"))
    for _ in range(20):
        client.post("/open311/v2/requests.json", {"service_code": "none", "description": "x"})
    response = client.post("/open311/v2/requests.json", {"service_code": "none", "description": "x"})
    assert response.status_code == 429


@pytest.mark.django_db
def test_progress_lookup_by_number_and_phone_digits_is_rate_limited() -> None:
    client = Client(REMOTE_ADDR="198.51.100.4")
    statuses = [client.post("/cases/progress/", {"number": f"FA{n}", "last4": "1234"}).status_code for n in range(12)]
    assert statuses[:10] == [200] * 10 and statuses[-1] == 429


@pytest.mark.django_db
def test_forwarded_address_is_believed_only_from_a_trusted_proxy(settings) -> None:  # noqa: ANN001
    from django.test import RequestFactory

    from onewindow.core.security import client_ip

    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_ip(request) == "127.0.0.1"  # no proxy trusted: the header is ignored
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    assert client_ip(request) == "203.0.113.9"  # the right-most address nginx saw, not the forged one
    direct = factory.get("/", REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_FOR="9.9.9.9")
    assert client_ip(direct) == "203.0.113.50"


@pytest.mark.django_db
def test_nul_characters_are_refused_with_400_before_reaching_the_database(client_for) -> None:  # noqa: ANN001
    client = client_for(Role.COMMUNITY_WORKER)
    response = client.get("/api/v1/community/members", {"q": "林\x00"})
    assert response.status_code == 400 and set(response.json()) == ERROR_SHAPE_KEYS
    response = client.post("/api/v1/feedback/suggestions/lookup", '{"number": "S\\u0000", "phone_last4": "1234"}',
                           content_type="application/json")
    assert response.status_code == 400
    assert client.get("/catalog/", {"q": "a\x00"}).status_code == 400
    assert client.get("/api/v1/community/members", {"q": "林"}).status_code == 200
