from collections.abc import Iterator

import pytest

from onewindow.core.calendar import calendar_refresh


@pytest.fixture(autouse=True)
def fresh_calendar_cache() -> Iterator[None]:
    """A test that changes the calendar rolls back its transaction: drop the cached calendar around each test."""
    calendar_refresh()
    yield
    calendar_refresh()
