"""Deployment checks: the built-in secret key and the demo logins must not reach production.

`onewindow check --deploy` lists both (system checks tagged `deploy`, ids onewindow.E001 and onewindow.E002), and
`onewindow serve` refuses to start while either is true (`serve_preflight`). `onewindow demo` and `runserver` are
not affected: the demo is meant to run with the built-in key and the demo logins.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

# The password every demo login shares (onewindow.demo.logins); production refuses to run while any account has it.
DEMO_PASSWORD = "onewindow-demo"

log = logging.getLogger(__name__)

SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 10
#: parts of keys copied from examples and tutorials (compared without case)
OBVIOUS_KEY_PARTS = ("insecure", "changeme", "change-me", "change_me", "dev-only", "example", "password", "secretkey",
                     "secret-key", "secret_key", "0123456789", "123456", "abcdef", "qwerty", "onewindow")

SECRET_KEY_HELP = (
    "Set ONEWINDOW_SECRET_KEY in the server's environment (e.g. /etc/onewindow.env) to a new random value of at "
    "least 50 characters, the same for every server process, and keep it secret:\n"
    "    python3 -c 'import secrets; print(secrets.token_urlsafe(50))'\n"
    "    echo \"ONEWINDOW_SECRET_KEY=<the printed value>\" >> /etc/onewindow.env"
)
DEMO_PASSWORD_HELP = (
    "Give each of these accounts its own password with `onewindow changepassword <username>`, or disable every "
    "account that still has the demo password with `onewindow demo_logins --disable` "
    "(list them with `onewindow demo_logins`)."
)


def secret_key_problem(key: object) -> str | None:
    """Why this secret key must not be used in production, or None when it looks like a real random secret."""
    text = "" if key is None else str(key)
    builtin = getattr(settings, "BUILTIN_SECRET_KEY", "")
    if not text:
        return "ONEWINDOW_SECRET_KEY is not set"
    if builtin and text == builtin:
        return "ONEWINDOW_SECRET_KEY is not set: the built-in key written in settings.py is in use"
    if len(text) < SECRET_KEY_MIN_LENGTH:
        return f"ONEWINDOW_SECRET_KEY is too short ({len(text)} characters; at least {SECRET_KEY_MIN_LENGTH})"
    if len(set(text)) < SECRET_KEY_MIN_UNIQUE:
        return f"ONEWINDOW_SECRET_KEY is not random (only {len(set(text))} different characters)"
    lowered = text.lower()
    if lowered.startswith("django-insecure"):
        return "ONEWINDOW_SECRET_KEY is Django's generated development key"
    obvious = next((part for part in OBVIOUS_KEY_PARTS if part in lowered), None)
    if obvious:
        return f"ONEWINDOW_SECRET_KEY looks like an example, not a random secret (it contains '{obvious}')"
    return None


# --------------------------------------------------------------------------- demo password

_CLEAR_MEMO_KEY = "onewindow:checks:not-demo-password"


def _digest(encoded: str) -> str:
    return hashlib.sha256(encoded.encode()).hexdigest()[:32]


def _load_memo() -> set[str]:
    from django.core.cache import cache

    try:
        memo = cache.get(_CLEAR_MEMO_KEY)
    except Exception:  # noqa: BLE001 - no cache table yet: check every account
        return set()
    return set(memo) if isinstance(memo, (set, frozenset, list, tuple)) else set()


def _save_memo(digests: set[str]) -> None:
    from django.core.cache import cache

    try:
        cache.set(_CLEAR_MEMO_KEY, digests, timeout=None)
    except Exception:
        log.info("could not remember the accounts checked for the demo password", exc_info=True)


def accounts_with_demo_password() -> list[str]:
    """Usernames of active accounts whose password is the demo password (DEMO_PASSWORD), whatever their
    name: every stored hash is verified with the password hasher.

    Verifying costs one Argon2 hash per account (~0.1 s). Hashes found not to match are remembered (as a digest of
    the stored hash, in the shared cache), so later runs verify only accounts whose password changed since.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import check_password, is_password_usable

    user_model = get_user_model()
    memo = _load_memo()
    clear: set[str] = set()
    found: list[str] = []
    rows = (user_model._default_manager.filter(is_active=True)
            .values_list(user_model.USERNAME_FIELD, "password").order_by("pk"))
    for username, encoded in rows.iterator():
        if not encoded or not is_password_usable(encoded):
            continue
        digest = _digest(encoded)
        if digest in memo:
            clear.add(digest)
        elif check_password(DEMO_PASSWORD, encoded):
            found.append(str(username))
        else:
            clear.add(digest)
    if clear != memo:
        _save_memo(clear)
    return found


def demo_password_problem() -> str | None:
    found = accounts_with_demo_password()
    if not found:
        return None
    shown = ", ".join(found[:12]) + (f" and {len(found) - 12} more" if len(found) > 12 else "")
    return f"{len(found)} account(s) still have the demo password ({shown})"


# --------------------------------------------------------------------------- system checks (check --deploy)

@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problem = secret_key_problem(settings.SECRET_KEY)
    if problem is None:
        return []
    return [Error(problem + "; every signed link (ratings, pads, receipts) and session could be forged.",
                  hint=SECRET_KEY_HELP, id="onewindow.E001")]


@register(Tags.security, deploy=True)
def check_demo_passwords(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from django.db import DatabaseError

    try:
        problem = demo_password_problem()
    except DatabaseError as exc:
        return [Error(f"Could not check the accounts for the demo password: {exc}".strip(),
                      hint="Run `onewindow migrate` against DATABASE_URL, then check again.", id="onewindow.E003")]
    if problem is None:
        return []
    return [Error(problem + "; anyone who has seen the demo can sign in with it.", hint=DEMO_PASSWORD_HELP,
                  id="onewindow.E002")]


def serve_preflight() -> list[str]:
    """What stops `onewindow serve` from starting: each entry says what is wrong and exactly what to do."""
    problems: list[str] = []
    for message in (*check_secret_key(), *check_demo_passwords()):
        problems.append(f"{message.msg}\n  What to do: {message.hint}")
    return problems
