"""The guide's warm-up (dictionaries and index loaded when a server starts): on a fresh database, before
`migrate`, it builds nothing and says so in one line — no "no such table" traceback — and `onewindow demo`, which
migrates and loads before it hands over to gunicorn, does not warm up in its own process at all."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from onewindow.navigator import apps, selectors

WARM_UP_ON_A_FRESH_DATABASE = """
import django
django.setup()
from onewindow.navigator import selectors
print("tables ready:", selectors.index_tables_ready())
print("built:", selectors.warm_up())
"""


@pytest.mark.once_on_sqlite
def test_the_warm_up_on_a_database_not_migrated_yet_skips_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"ONEWINDOW_VAR_DIR": str(tmp_path), "ONEWINDOW_LOG_LEVEL": "INFO",
                "DJANGO_SETTINGS_MODULE": "onewindow.settings"})
    done = subprocess.run([sys.executable, "-c", WARM_UP_ON_A_FRESH_DATABASE], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["tables ready: False", "built: False"]
    assert "the catalog tables are not there yet" in done.stderr
    assert "Traceback" not in done.stderr and "no such table" not in done.stderr


@pytest.mark.django_db
def test_the_warm_up_builds_the_index_once_the_tables_are_there() -> None:
    assert selectors.index_tables_ready()
    built: list[bool] = []
    # in a thread of its own, as a server starts it (the warm-up closes its connection when done)
    thread = threading.Thread(target=lambda: built.append(selectors.warm_up()))
    thread.start()
    thread.join(timeout=120)
    assert built == [True]


@pytest.mark.parametrize(("argv", "serving"), [
    (["/venv/bin/onewindow", "demo"], False),  # migrates and loads first, then gunicorn's workers warm up
    (["/venv/bin/onewindow", "demo", "--no-serve"], False),
    (["/venv/bin/onewindow", "serve"], False),  # hands over to gunicorn too
    (["/venv/bin/onewindow", "migrate"], False),
    (["/venv/lib/python3.12/site-packages/gunicorn/__main__.py", "onewindow.wsgi:application"], True),
    (["manage.py", "runserver"], True),
])
def test_only_the_processes_that_answer_requests_warm_up(monkeypatch: pytest.MonkeyPatch, argv: list[str],
                                                        serving: bool) -> None:
    monkeypatch.setattr(sys, "argv", argv)
    assert apps._serving() is serving


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_after_the_warm_up_the_first_search_page_fills_no_url_table(client, monkeypatch: pytest.MonkeyPatch,
                                                                      language: str) -> None:
    """The menu of every page reverses a score of names; a new process fills the resolver's tables (once per
    language and namespace) in its first page unless the warm-up did: a few hundred ms of a citizen's first search."""
    from django.urls import URLResolver, clear_url_caches

    clear_url_caches()  # as in a process that has answered nothing yet
    selectors.warm_pages()
    filled: list[str] = []
    original = URLResolver._populate

    def counting(self: URLResolver) -> None:
        filled.append(str(self.pattern))
        original(self)

    monkeypatch.setattr(URLResolver, "_populate", counting)
    response = client.get("/navigator/", {"q": "社保卡"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert filled == []
