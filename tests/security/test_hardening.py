"""Login lockout, password hashing, cookies, CSRF on the API, security headers and public rate limits."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onewindow.core.access import Role

ERROR_SHAPE_KEYS = {"detail", "errors"}


@pytest.fixture
def real_hashers(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def _login(client: Client, username: str, password: str, **extra: str) -> object:
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_from_that_address_with_a_chinese_page(make_user) -> None:
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
def test_locked_out_json_caller_gets_the_api_error_shape(make_user) -> None:
    make_user("wang_reviewer", Role.REVIEWER)
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(5):
        _login(client, "wang_reviewer", "nope")
    response = _login(client, "wang_reviewer", "nope", HTTP_ACCEPT="application/json")
    assert response.status_code == 429
    body = response.json()
    assert set(body) == ERROR_SHAPE_KEYS and "登录失败次数过多" in body["detail"]


@pytest.mark.django_db
def test_lockout_cools_off_after_fifteen_minutes(make_user) -> None:
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
def test_test_clients_can_still_sign_in_with_login_and_force_login(make_user) -> None:
    make_user("fixture_user", Role.CITIZEN)
    assert Client().login(username="fixture_user", password="pw-for-tests-1")


@pytest.mark.django_db
def test_passwords_are_stored_with_argon2(real_hashers) -> None:
    user = User.objects.create_user("argon", password="a-long-passphrase-1")
    assert user.password.startswith("argon2$argon2id$")
    assert Client(REMOTE_ADDR="10.0.0.9").post(
        "/accounts/login/", {"username": "argon", "password": "a-long-passphrase-1"}).status_code == 302


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_httponly_samesite_and_secure_when_configured(make_user, settings) -> None:
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
def test_session_authenticated_api_writes_need_the_csrf_token(make_user) -> None:
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
def test_pages_and_api_carry_the_security_headers(client_for) -> None:
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
def test_rendered_pages_contain_no_inline_script_or_event_handlers(client_for) -> None:
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
def test_public_ticket_issue_is_rate_limited_per_address_with_the_error_shape(settings) -> None:
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
def test_forwarded_address_is_believed_only_from_a_trusted_proxy(settings) -> None:
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
def test_nul_characters_are_refused_with_400_before_reaching_the_database(client_for) -> None:
    client = client_for(Role.COMMUNITY_WORKER)
    response = client.get("/api/v1/community/members", {"q": "林\x00"})
    assert response.status_code == 400 and set(response.json()) == ERROR_SHAPE_KEYS
    response = client.post("/api/v1/feedback/suggestions/lookup", '{"number": "S\\u0000", "phone_last4": "1234"}',
                           content_type="application/json")
    assert response.status_code == 400
    assert client.get("/catalog/", {"q": "a\x00"}).status_code == 400
    assert client.get("/api/v1/community/members", {"q": "林"}).status_code == 200


# --------------------------------------------------------------------------- passwords


@pytest.mark.django_db
def test_staff_passwords_need_ten_characters_citizens_eight(make_user) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    citizen = make_user("pw_citizen", Role.CITIZEN)
    clerk = make_user("pw_clerk", Role.CLERK)
    supervisor = make_user("pw_supervisor", Role.SUPERVISOR)
    admin_flag = make_user("pw_staff_flag")
    admin_flag.is_staff = True
    admin_flag.save()
    validate_password("Lx7#kq2v", citizen)  # 8 characters: enough for a citizen
    for user in (clerk, supervisor, admin_flag, None):
        with pytest.raises(ValidationError) as short:
            validate_password("Lx7#kq2v", user)
        assert "10" in " ".join(short.value.messages)
        validate_password("Lx7#kq2v-9p", user)  # 11 characters
    with pytest.raises(ValidationError):
        validate_password("Lx7#kq2", citizen)  # 7


@pytest.mark.django_db
def test_common_numeric_and_name_like_passwords_are_refused(make_user) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = make_user("linxiaomei", Role.CITIZEN)
    for weak in ("password123", "3509811990", "linxiaomei1"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)


@pytest.mark.django_db
def test_the_admin_refuses_a_short_password_for_a_clerk(make_user, settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clerk = make_user("admin_pw_clerk", Role.CLERK)
    admin = Client()
    admin.force_login(User.objects.create_superuser("pw_admin", "", "a-long-admin-passphrase"))
    response = admin.post(f"/admin/auth/user/{clerk.pk}/password/",
                          {"password1": "Kq8!zu3w", "password2": "Kq8!zu3w", "usable_password": "true"})
    assert response.status_code == 200 and "至少需要10个字符" in response.content.decode()  # the form again, with the rule
    clerk.refresh_from_db()
    assert clerk.check_password("pw-for-tests-1")


# --------------------------------------------------------------------------- password spraying


@pytest.mark.django_db
def test_spraying_one_username_from_many_addresses_locks_that_username(make_user, settings) -> None:
    make_user("sprayed_clerk", Role.CLERK)
    limit = settings.AXES_USERNAME_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    for n in range(limit - 1):
        response = _login(Client(REMOTE_ADDR=f"10.{n // 200}.{n % 200}.9"), "sprayed_clerk", f"guess-{n}")
        assert response.status_code == 200, n  # each address alone stays far below its own limit
    assert _login(Client(REMOTE_ADDR="10.99.0.1"), "sprayed_clerk", "guess-last").status_code == 429
    # now even the right password from a fresh address is refused, and no session is made
    fresh = Client(REMOTE_ADDR="10.99.0.2")
    assert _login(fresh, "sprayed_clerk", "pw-for-tests-1").status_code == 429
    assert "_auth_user_id" not in fresh.session
    # other accounts are not affected
    make_user("other_clerk", Role.CLERK)
    assert _login(Client(REMOTE_ADDR="10.99.0.1"), "other_clerk", "pw-for-tests-1").status_code == 302


# --------------------------------------------------------------------------- appointment check-in codes


@pytest.fixture
def booked(db) -> object:
    """A hall open all day and one appointment booked for today (clock frozen), with its code."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from onewindow.catalog.models import WindowCategory
    from onewindow.core import clock
    from onewindow.hall.models import Appointment, AppointmentSlot, Hall, HallCategory, OpeningHours

    now = dt.datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    hall = Hall.objects.create(code="sechall", name="测试大厅", no_lunch_break=True)
    for weekday in range(7):
        OpeningHours.objects.create(hall=hall, weekday=weekday, opens=dt.time(8), closes=dt.time(18))
    category, _ = WindowCategory.objects.get_or_create(code="social", defaults={"name": "社会民生",
                                                                               "default_ticket_prefix": "A"})
    hc = HallCategory.objects.create(hall=hall, category=category, prefix="A", default_service_minutes=6)
    slot = AppointmentSlot.objects.create(hall=hall, category=hc, date=now.date(), start=dt.time(10, 30),
                                          end=dt.time(11), capacity=5, booked=1)
    appointment = Appointment.objects.create(slot=slot, phone="13905931234", code="48213579", created_at=now)
    with clock.frozen(now):
        yield appointment


def _check_in(client: Client, code: str) -> object:
    return client.post("/api/v1/halls/sechall/check-in", {"code": code}, content_type="application/json")


@pytest.mark.django_db
def test_check_in_code_guesses_are_limited_per_address(booked) -> None:
    guesser = Client(REMOTE_ADDR="198.51.100.70")
    for n in range(10):
        assert _check_in(guesser, f"{10000000 + n}").status_code == 400
    _assert_rate_limited(_check_in(guesser, booked.code))  # even the right code, once limited
    booked.refresh_from_db()
    assert booked.status == "booked"
    assert _check_in(Client(REMOTE_ADDR="198.51.100.71"), booked.code).status_code == 201


@pytest.mark.django_db
def test_one_check_in_code_is_limited_across_addresses(booked) -> None:
    for n in range(5):
        assert _check_in(Client(REMOTE_ADDR=f"198.51.100.{80 + n}"), "99999999").status_code == 400
    _assert_rate_limited(_check_in(Client(REMOTE_ADDR="198.51.100.90"), "99999999"))


@pytest.mark.django_db
def test_kiosk_check_in_guesses_are_limited_too(booked) -> None:
    kiosk = Client(REMOTE_ADDR="198.51.100.60")
    for n in range(10):
        kiosk.post("/hall/sechall/kiosk/", {"code": f"{20000000 + n}", "checkin": "1"})
    response = kiosk.post("/hall/sechall/kiosk/", {"code": booked.code, "checkin": "1"}, follow=True)
    assert "操作过于频繁" in response.content.decode()
    booked.refresh_from_db()
    assert booked.status == "booked"
