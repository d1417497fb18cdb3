"""Shared fixtures: a user per role, signed-in clients, and a Playwright browser on Debian's chromium."""

import os
from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client

from onewindow.core.access import Role
from onewindow.core.models import Profile

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def is_postgres() -> bool:
    return connection.vendor == "postgresql"




def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` run only when DATABASE_URL points at PostgreSQL."""
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    if on_postgres:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a request in English must not leave English active."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> Iterator[None]:
    """Rate-limit counters and cached figures live in process memory (LocMemCache) in the embedded default, so
    they outlive a test's rolled-back transaction: each test starts with none (never a real Redis: not cleared)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from onewindow.hall import queue_line
    from onewindow.hall.services import lookups

    for alias in ("ratelimit", "figures"):
        if isinstance(caches[alias], LocMemCache):
            caches[alias].clear()
    queue_line.forget_all()
    lookups.forget_all()
    yield


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, *roles: str, department=None, display_name: str = "") -> User:
        user = User.objects.create_user(username=username, password="pw-for-tests-1")
        for role in roles:
            group, _ = Group.objects.get_or_create(name=str(role))
            user.groups.add(group)
        Profile.objects.create(user=user, department=department, display_name=display_name or username)
        return user

    return make


@pytest.fixture
def client_for(make_user: Callable[..., User]) -> Callable[..., Client]:
    """client_for(Role.CLERK) → a Client signed in as a fresh user with that role."""
    counter = {"n": 0}

    def make(*roles: str, department=None) -> Client:
        counter["n"] += 1
        user = make_user(f"u{counter['n']}_{'_'.join(roles) or 'plain'}", *roles, department=department)
        client = Client()
        client.force_login(user)
        client.user = user  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def citizen_client(client_for: Callable[..., Client]) -> Client:
    return client_for(Role.CITIZEN)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base_url = live_server.url  # type: ignore[attr-defined]
    yield pg
    context.close()


def browser_login(page, username: str, password: str = "pw-for-tests-1") -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-submit")
    page.wait_for_load_state()
