"""Many counters calling next while tickets are issued at the same time: every ticket is called exactly once,
none is lost, and numbers stay unique and gapless per category and day."""

import contextlib
import sqlite3
import tempfile
import threading
from collections import Counter as Tally
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection, connections
from django.test import Client

from onewindow.core import clock
from onewindow.core.access import Role
from onewindow.hall.models import ClerkSession, Counter, Hall, HallCategory, Ticket, TicketEvent
from onewindow.hall.services.clerks import clerk_session_start
from tests.hall.conftest import at


@contextlib.contextmanager
def _threads_database() -> Iterator[None]:
    """Threads get their own connections. On PostgreSQL that is the test database as it is. SQLite's
    in-memory test database uses a shared cache whose table locks fail at once instead of waiting, which no
    deployment uses; so the worker threads get a file copy of it (WAL + BEGIN IMMEDIATE, as in production)."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "queue.sqlite3")
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        saved = dict(connections.settings["default"])
        connections.settings["default"]["NAME"] = path
        try:
            yield
        finally:
            connections.settings["default"].clear()
            connections.settings["default"].update(saved)


def _in_thread(fn: Callable[[], object]) -> object:
    """Run `fn` on a fresh thread (and so on that thread's own database connection)."""
    out: dict[str, object] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001
            out["error"] = exc
        finally:
            connection.close()

    t = threading.Thread(target=run)
    t.start()
    t.join(120)
    if "error" in out:
        raise out["error"]  # type: ignore[misc]
    return out.get("value")


def _clerks(hall: Hall, n: int) -> list[tuple[Client, Counter]]:
    """n comprehensive counters (every category), each with a clerk signed in and a client logged in as them."""
    group, _ = Group.objects.get_or_create(name=Role.CLERK.value)
    out = []
    for k in range(n):
        counter = Counter.objects.create(hall=hall, number=100 + k, name=f"综合{k}")
        counter.categories.set(HallCategory.objects.filter(hall=hall))
        user = User.objects.create_user(f"clerk{k}", password="x")
        user.groups.add(group)
        clerk_session_start(counter=counter, clerk=user)
        c = Client()
        c.force_login(user)
        out.append((c, counter))
    return out


class _Race:
    """Issuers take numbers while clerks call and finish; every answer that is not a success is an error."""

    def __init__(self, hall: Hall, *, parties: int, per_issuer: int) -> None:
        self.hall = hall
        self.per_issuer = per_issuer
        self.categories = list(HallCategory.objects.filter(hall=hall).values_list("category__code", flat=True))
        self.errors: list[str] = []
        self.issued: list[int] = []
        self.called: list[int] = []
        self.lock = threading.Lock()
        self.issuing_done = threading.Event()
        self.start = threading.Barrier(parties)

    def issuer(self, k: int) -> None:
        try:
            c = Client()
            self.start.wait()
            for i in range(self.per_issuer):
                r = c.post(f"/api/v1/halls/{self.hall.code}/tickets",
                           {"category": self.categories[(k + i) % len(self.categories)]},
                           content_type="application/json")
                if r.status_code != 201:
                    self.errors.append(f"issue {r.status_code} {r.content[:200]!r}")
                    continue
                with self.lock:
                    self.issued.append(r.json()["id"])
        except Exception as exc:  # noqa: BLE001
            self.errors.append(f"issuer: {exc!r}")
        finally:
            connection.close()

    def _serve_one(self, c: Client, counter: Counter) -> bool | None:
        """Call and finish one ticket: True when served, False when nobody waited, None on an error."""
        r = c.post(f"/api/v1/counters/{counter.pk}/call-next")
        if r.status_code != 200:
            self.errors.append(f"call {r.status_code} {r.content[:200]!r}")
            return None
        ticket = r.json()["ticket"]
        if ticket is None:
            return False
        with self.lock:
            self.called.append(ticket["id"])
        f = c.post(f"/api/v1/counters/{counter.pk}/finish", {}, content_type="application/json")
        if f.status_code != 200:
            self.errors.append(f"finish {f.status_code} {f.content[:200]!r}")
            return None
        return True

    def clerk(self, c: Client, counter: Counter) -> None:
        try:
            self.start.wait()
            idle_after_done = 0
            while idle_after_done < 2:
                served = self._serve_one(c, counter)
                if served is None:
                    return
                if not served and self.issuing_done.is_set():
                    idle_after_done += 1
        except Exception as exc:  # noqa: BLE001
            self.errors.append(f"clerk: {exc!r}")
        finally:
            connection.close()


def _run(hall: Hall, *, clerks: int, issuers: int, per_issuer: int) -> None:
    clients = _clerks(hall, clerks)
    race = _Race(hall, parties=clerks + issuers, per_issuer=per_issuer)
    threads = [threading.Thread(target=race.issuer, args=(k,)) for k in range(issuers)]
    clerk_threads = [threading.Thread(target=race.clerk, args=pair) for pair in clients]
    with _threads_database(), clock.frozen(at(10, 0)):
        for t in threads + clerk_threads:
            t.start()
        for t in threads:
            t.join(120)
        race.issuing_done.set()
        for t in clerk_threads:
            t.join(120)
        assert not race.errors, race.errors[:5]
        assert not any(t.is_alive() for t in threads + clerk_threads)
        _in_thread(lambda: _check(hall, clerks=clerks, total=issuers * per_issuer, issued=race.issued,
                                  called=race.called))


def _check(hall: Hall, *, clerks: int, total: int, issued: list[int], called: list[int]) -> None:
    assert len(issued) == total
    assert Ticket.objects.filter(hall=hall).count() == total  # none lost
    assert sorted(called) == sorted(issued)  # every ticket called exactly once
    calls = Tally(TicketEvent.objects.filter(action="called").values_list("ticket_id", flat=True))
    assert set(calls.values()) == {1} and len(calls) == total
    assert Ticket.objects.filter(hall=hall).exclude(status="finished").count() == 0
    for hc in HallCategory.objects.filter(hall=hall):
        seqs = sorted(Ticket.objects.filter(issued_category=hc).values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))  # unique and gapless
        numbers = list(Ticket.objects.filter(issued_category=hc).values_list("number", flat=True))
        assert len(set(numbers)) == len(numbers)
    assert ClerkSession.objects.filter(ended_at__isnull=True).count() == clerks


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sixteen_clerks_call_concurrently_while_tickets_are_issued_on_postgres(hall):
    _run(hall, clerks=16, issuers=4, per_issuer=25)


@pytest.mark.django_db(transaction=True)
def test_clerks_call_concurrently_while_tickets_are_issued_on_any_database(hall):
    _run(hall, clerks=4, issuers=2, per_issuer=15)
