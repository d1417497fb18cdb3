from collections.abc import Iterator

import pytest

from onewindow.core.calendar import calendar_refresh


@pytest.fixture(autouse=True)
def fresh_calendar_cache() -> Iterator[None]:
    """A test that changes the calendar rolls back its transaction: drop the cached calendar around each test."""
    calendar_refresh()
    yield
    calendar_refresh()


@pytest.fixture(autouse=True)
def seeded_calendar(request: pytest.FixtureRequest) -> None:
    """Transactional tests (here or elsewhere in the session) flush the tables the seed migration filled;
    put the official 2004–2026 schedules back when they are missing (inside the test's transaction)."""
    if not request.node.get_closest_marker("django_db"):
        return
    from onewindow.core.calendar_seed import seed
    from onewindow.core.models import CalendarRevision, CalendarYear, OfficialDay

    if not CalendarYear.objects.filter(year=2026).exists():
        seed(CalendarYear, OfficialDay, CalendarRevision)
        calendar_refresh()
