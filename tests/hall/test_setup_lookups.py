"""A hall's setup on the queue's hot path (hall.services.lookups): kept in this process's memory for
LOCAL_SECONDS in front of the figures cache, a change saved here read at once, another process's within
CONFIG_SECONDS + LOCAL_SECONDS."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.core.errors import NotFound
from onewindow.hall.models import Counter
from onewindow.hall.services import lookups
from tests.hall.conftest import counter

pytestmark = pytest.mark.django_db


class CountingReads:
    """The figures cache with its reads counted."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reads = 0
        cache = caches["figures"]
        original = cache.get

        def get(*args, **kwargs):
            self.reads += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(cache, "get", get)


def test_the_counter_and_its_hall_are_read_once_then_kept_in_this_process(hall, monkeypatch):
    pk = counter(hall, 1).pk
    reads = CountingReads(monkeypatch)
    first = lookups.get_counter(pk)
    with CaptureQueriesContext(connection) as sql:
        again = lookups.get_counter(pk)
        categories = lookups.hall_categories(again.hall)
        categories_again = lookups.hall_categories(again.hall)
    assert again is first and categories_again is categories  # the same objects: no copy per read
    assert reads.reads == 2  # the counter's first read and the categories' first read, nothing after
    assert [q["sql"] for q in sql.captured_queries if "hall_counter" in q["sql"]] == []


def test_a_change_saved_in_this_process_is_read_at_once(hall):
    one = counter(hall, 1)
    assert lookups.get_counter(one.pk).name == "社会民生"
    one.name = "社保医保"
    one.save()
    assert lookups.get_counter(one.pk).name == "社保医保"


def test_a_change_made_by_another_process_is_read_once_both_periods_have_passed(hall, monkeypatch):
    pk = counter(hall, 1).pk
    assert lookups.get_counter(pk).active
    Counter.objects.filter(pk=pk).update(active=False)  # no signal here: as if another server process did it
    assert lookups.get_counter(pk).active  # kept in this process
    caches["figures"].clear()  # CONFIG_SECONDS later the shared copy has expired; this process's has not
    assert lookups.get_counter(pk).active
    clock = lookups.time.monotonic() + lookups.LOCAL_SECONDS + 0.01
    monkeypatch.setattr(lookups.time, "monotonic", lambda: clock)  # LOCAL_SECONDS later
    with pytest.raises(NotFound):
        lookups.get_counter(pk)


def test_unknown_names_are_not_kept(hall, monkeypatch):
    monkeypatch.setattr(lookups, "LOCAL_ENTRIES", 3)
    for missing in range(900_000, 900_010):
        with pytest.raises(NotFound):
            lookups.get_counter(missing)
    assert lookups._local == {}
    for n in (1, 2, 5):
        lookups.get_counter(counter(hall, n).pk)
    lookups.hall_by_code(hall.code)  # the fourth key: the process forgets the others first
    assert len(lookups._local) == 1
