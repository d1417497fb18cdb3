"""The demo's own database is the embedded SQLite (the first README command), so its loaders and the seed figures
they reproduce are tested in scripts/test.sh's SQLite pass only; `pytest` alone still runs them on any engine."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.once_on_sqlite)
