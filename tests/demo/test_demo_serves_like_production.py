"""`onewindow demo` serves with the production server of `onewindow serve` (gunicorn), not Django's development
server, with a background worker beside it, and starts without the missing-static-directory warning."""

from __future__ import annotations

import sys
from typing import Any

import pytest


def test_the_demo_serves_with_gunicorn_like_onewindow_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    from onewindow.demo.management.commands import demo

    calls: list[tuple[str, list[str]]] = []
    # a copy of the environment: what the demo sets for its server process stays out of the other tests
    monkeypatch.setattr(demo.os, "environ", {k: v for k, v in demo.os.environ.items()
                                             if k != "ONEWINDOW_DEMO_HALLS_ALWAYS_OPEN"})
    monkeypatch.setattr(demo.os, "execv", lambda path, argv: calls.append((path, argv)))
    workers: list[list[str]] = []
    monkeypatch.setattr("subprocess.Popen", lambda argv, **kwargs: workers.append(argv))
    demo.Command().serve("127.0.0.1:8001")
    # a background worker beside the server runs what pages hand over (the simulation's heavy plans), without
    # the daily jobs that would change the demo's records
    assert workers == [[sys.executable, "-m", "onewindow.cli", "worker", "--no-scheduler"]]
    (path, argv), = calls
    assert argv[0] == path and argv[1:4] == ["-m", "gunicorn", "onewindow.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8001"
    assert "runserver" not in argv
    assert demo.os.environ["ONEWINDOW_DEMO_HALLS_ALWAYS_OPEN"] == "1"  # the hall journey works at any hour


def test_the_demo_creates_the_static_root_whitenoise_looks_for(monkeypatch: pytest.MonkeyPatch, settings: Any,
                                                                tmp_path: Any) -> None:
    from onewindow.demo.management.commands import demo

    settings.VAR_DIR = tmp_path / "var"
    settings.STATIC_ROOT = tmp_path / "var" / "static"
    monkeypatch.setattr(demo, "call_command", lambda *a, **k: None)
    monkeypatch.setattr(demo, "demo_steps", lambda: [])
    monkeypatch.setattr(demo.Command, "_print_logins", lambda self: None)
    demo.Command().handle(scale=0, no_serve=True, host="127.0.0.1", port=8000)
    assert settings.STATIC_ROOT.is_dir()
