"""`onewindow serve` refuses to start with the built-in secret key or with demo logins; `check --deploy` lists both;
`onewindow demo_logins --disable` ends the demo logins; the demo itself keeps working without a secret."""

from __future__ import annotations

import io
import os

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from onewindow.core.checks import DEMO_PASSWORD

STRONG_KEY = "q7Vd-2LmZr9xKc_T4wPbN8sYhE1uGjA6fQoX3tRkWnMv5zBiCyDp0aHeUlSgOj"


@pytest.fixture(autouse=True)
def fast_hashes(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def no_exec(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Replace os.execv: record the gunicorn command line instead of becoming gunicorn."""
    calls: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda path, argv: calls.append(list(argv)))
    return calls


def _serve_error() -> str:
    with pytest.raises(CommandError) as refused:
        call_command("serve", "--workers", "1")
    return str(refused.value)


@pytest.mark.django_db
def test_serve_refuses_the_built_in_secret_key_and_says_how_to_set_one(settings, no_exec) -> None:
    settings.SECRET_KEY = settings.BUILTIN_SECRET_KEY
    message = _serve_error()
    assert "ONEWINDOW_SECRET_KEY" in message and "built-in" in message
    assert "secrets.token_urlsafe(50)" in message and "/etc/onewindow.env" in message
    assert no_exec == []  # gunicorn never started


@pytest.mark.django_db
@pytest.mark.parametrize("key", [
    "too-short-but-random-Zq8",
    "a" * 60,
    "django-insecure-" + STRONG_KEY,
    "change-me-in-production-" + STRONG_KEY,
    "my-secret-key-for-onewindow-" + STRONG_KEY,
])
def test_serve_refuses_short_repetitive_or_obvious_secret_keys(settings, no_exec, key: str) -> None:
    settings.SECRET_KEY = key
    assert "ONEWINDOW_SECRET_KEY" in _serve_error()
    assert no_exec == []


@pytest.mark.django_db
def test_serve_refuses_while_any_account_has_the_demo_password_whatever_its_name(settings, no_exec) -> None:
    settings.SECRET_KEY = STRONG_KEY
    User.objects.create_user("clerk", password="a-real-clerk-password-2026")  # a demo name, a real password: fine
    User.objects.create_user("lin.xiaomei", password=DEMO_PASSWORD)  # renamed, still the demo password
    message = _serve_error()
    assert "1 account(s) still have the demo password (lin.xiaomei)" in message
    assert "onewindow demo_logins --disable" in message and "onewindow changepassword" in message
    assert no_exec == []


@pytest.mark.django_db
def test_an_inactive_account_with_the_demo_password_does_not_block_the_server(settings, no_exec) -> None:
    settings.SECRET_KEY = STRONG_KEY
    User.objects.create_user("old_demo", password=DEMO_PASSWORD, is_active=False)
    call_command("serve", "--workers", "1")
    assert len(no_exec) == 1


@pytest.mark.django_db
def test_serve_starts_gunicorn_with_request_limits_once_the_installation_is_fit(settings, no_exec) -> None:
    settings.SECRET_KEY = STRONG_KEY
    User.objects.create_user("admin", password="a-strong-admin-password-2026")
    call_command("serve", "--workers", "2", "--bind", "127.0.0.1:8123")
    (argv,) = no_exec
    assert argv[1:4] == ["-m", "gunicorn", "onewindow.wsgi:application"]
    for flag in ("--limit-request-line", "--limit-request-fields", "--limit-request-field_size"):
        assert flag in argv
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123"


@pytest.mark.django_db
def test_check_deploy_lists_the_built_in_secret_key_and_the_demo_logins(settings) -> None:
    settings.SECRET_KEY = settings.BUILTIN_SECRET_KEY
    from onewindow.demo.logins import load as load_demo_logins

    load_demo_logins()
    with pytest.raises(SystemCheckError) as report:
        call_command("check", deploy=True, stdout=io.StringIO(), stderr=io.StringIO())
    text = str(report.value)
    assert "onewindow.E001" in text and "ONEWINDOW_SECRET_KEY" in text
    assert "onewindow.E002" in text and "demo password" in text and "admin" in text


@pytest.mark.django_db
def test_check_deploy_is_quiet_about_both_once_fixed(settings) -> None:
    settings.SECRET_KEY = STRONG_KEY
    User.objects.create_user("admin", password="a-strong-admin-password-2026")
    try:
        call_command("check", deploy=True, stdout=io.StringIO(), stderr=io.StringIO())
        text = ""
    except SystemCheckError as exc:  # Django's own deploy warnings (HTTPS, cookies) may still be reported
        text = str(exc)
    assert "onewindow.E001" not in text and "onewindow.E002" not in text


@pytest.mark.django_db
def test_the_demo_runs_with_the_built_in_key_and_demo_logins_the_ordinary_check_passes(settings) -> None:
    settings.SECRET_KEY = settings.BUILTIN_SECRET_KEY
    from onewindow.demo.logins import load as load_demo_logins

    load_demo_logins()
    out = io.StringIO()
    call_command("check", stdout=out)  # what runserver (and so `onewindow demo`) runs: no deploy checks
    assert "no issues" in out.getvalue()


@pytest.mark.django_db
def test_demo_logins_lists_then_disables_every_account_with_the_demo_password(settings, no_exec) -> None:
    from django.test import Client

    from onewindow.core.models import AuditEntry
    from onewindow.demo.logins import DEMO_LOGINS
    from onewindow.demo.logins import load as load_demo_logins

    settings.SECRET_KEY = STRONG_KEY
    load_demo_logins()
    out = io.StringIO()
    with pytest.raises(CommandError, match="demo_logins --disable"):
        call_command("demo_logins", stdout=out)
    listed = set(out.getvalue().split())
    assert {login.username for login in DEMO_LOGINS} | {"admin"} <= listed
    call_command("demo_logins", "--disable", stdout=io.StringIO())
    assert not Client(REMOTE_ADDR="10.9.0.1").login(username="clerk", password=DEMO_PASSWORD)
    assert AuditEntry.objects.filter(action="auth.demo_login_disabled").count() == len(DEMO_LOGINS) + 1
    call_command("demo_logins", stdout=io.StringIO())  # nothing left: no error
    call_command("serve", "--workers", "1")
    assert len(no_exec) == 1
