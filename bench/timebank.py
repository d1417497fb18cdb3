#!/usr/bin/env python
"""Benchmark the time-bank ledger: transfers and order confirmations per second, alone and from threads
contending for the same accounts, then verify the ledger invariants.

Usage (throwaway database; PostgreSQL shows real concurrency, SQLite serialises writers):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ow_community_bench python bench/timebank.py [--threads 8]
    ONEWINDOW_VAR_DIR=/tmp/timebank-bench python bench/timebank.py

Prints: sequential transfers/s, concurrent transfers/s over --members shared accounts, order confirmations/s,
statement read time, and the ledger check (total 0, every transfer balanced, cached balances = entries).
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Bench:
    """What the phases share: the run's tag, the community's worker, members with logins, a menu item."""

    run: str
    threads: int
    worker: Any
    members: list[Any]
    compound: Any
    menu: Any


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--transfers", type=int, default=400, help="transfers per phase")
    parser.add_argument("--members", type=int, default=6, help="shared accounts the threads contend for")
    parser.add_argument("--orders", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    bench = _setup(threads=args.threads, members=args.members)
    print(f"database: {connection.vendor}, threads: {args.threads}, shared member accounts: {args.members}")
    _transfers(bench, args.transfers)
    _confirmations(bench, args.orders)
    return 0 if _reads(bench) else 1


def _setup(*, threads: int, members: int) -> Bench:
    from django.contrib.auth.models import Group, User

    from onewindow.community.models import CoBuildingUnit, Community, Compound, MenuItem, Street, Transfer
    from onewindow.community.services import ledger
    from onewindow.community.services.members import member_create
    from onewindow.core.access import Role

    run = f"{time.time():.0f}"
    street = Street.objects.create(name=f"基准街道{run}")
    community = Community.objects.create(street=street, name="基准社区")
    compound = Compound.objects.create(community=community, name="基准小区")
    employer = CoBuildingUnit.objects.create(name=f"基准单位{run}")
    menu = MenuItem.objects.create(name=f"基准服务{run}", category="public", suggested_minutes=60)
    worker = User.objects.create(username=f"bench-worker-{run}")
    worker.groups.add(Group.objects.get_or_create(name=Role.COMMUNITY_WORKER)[0])
    volunteers = Group.objects.get_or_create(name=Role.VOLUNTEER)[0]
    people = []
    for i in range(members):
        user = User.objects.create(username=f"bench-{run}-{i}")
        user.groups.add(volunteers)
        m = member_create(name=f"党员{i}", category="in_service", home_compound=compound, employer=employer,
                          user=user, actor=None)
        ledger.transfer_post(kind=Transfer.Kind.GRANT, reason="期初", idempotency_key=f"bench-{run}-grant-{i}",
                             legs=[(ledger.bank_account(), -100000), (ledger.account_for_member(m), 100000)])
        people.append(m)
    return Bench(run=run, threads=threads, worker=worker, members=people, compound=compound, menu=menu)


def _threaded(bench: Bench, fn: Callable[[int], object], items: list[int]) -> float:
    """Run `fn` over `items` from `bench.threads` threads; the seconds it took (the first error is raised)."""
    from django.db import connection

    chunks = [items[i::bench.threads] for i in range(bench.threads)]
    errors: list[BaseException] = []

    def work(chunk: list[int]) -> None:
        try:
            for k in chunk:
                fn(k)
        except BaseException as exc:  # noqa: BLE001 - raised below, in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(c,)) for c in chunks]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - t0


def _transfers(bench: Bench, n: int) -> None:
    from onewindow.community.services.ledger import donation_make

    members = bench.members

    def donate(k: int) -> None:
        giver, receiver = members[k % len(members)], members[(k * 7 + 1) % len(members)]
        if giver.pk == receiver.pk:
            receiver = members[(k + 1) % len(members)]
        donation_make(giver=giver, receiver=receiver, minutes=1 + k % 5, operator=None,
                      idempotency_key=f"bench-{bench.run}-{k}")

    start = time.perf_counter()
    for k in range(n):
        donate(k)
    elapsed = time.perf_counter() - start
    print(f"sequential transfers: {n / elapsed:8.1f}/s  ({elapsed * 1000 / n:.2f} ms each)")
    elapsed = _threaded(bench, donate, list(range(n, 2 * n)))
    print(f"concurrent transfers: {n / elapsed:8.1f}/s")


def _confirmations(bench: Bench, n: int) -> None:
    from onewindow.community.services import orders
    from onewindow.core import clock

    placed = []
    for k in range(n):
        order = orders.order_place(menu_item=bench.menu, compound=bench.compound, service_date=clock.today(),
                                   requester_kind="community", actor=bench.worker)
        taker = bench.members[k % len(bench.members)].user
        orders.order_take(order=order, actor=taker)
        orders.order_mark_done(order=order, actor=taker)
        placed.append(order)

    def confirm(k: int) -> None:
        orders.order_confirm(order=placed[k], minutes=30 + k % 31, rating=5, actor=bench.worker)  # ≤ suggested 60

    elapsed = _threaded(bench, confirm, list(range(n)))
    print(f"concurrent order confirmations: {n / elapsed:8.1f}/s")


def _reads(bench: Bench) -> bool:
    """Statement read time and the ledger check; whether the ledger holds."""
    from onewindow.community.selectors.ledger import ledger_check, statement
    from onewindow.community.services.ledger import account_for_member

    account = account_for_member(bench.members[0])
    t0 = time.perf_counter()
    rows = statement(account)
    print(f"statement of {len(rows)} rows: {(time.perf_counter() - t0) * 1000:.1f} ms")
    t0 = time.perf_counter()
    check = ledger_check()
    print(f"ledger check ({(time.perf_counter() - t0) * 1000:.0f} ms): total={check['total']} "
          f"unbalanced={len(check['unbalanced_transfers'])} drift={len(check['balance_drift_accounts'])} "
          f"ok={check['ok']}")
    return bool(check["ok"])


if __name__ == "__main__":
    raise SystemExit(main())
