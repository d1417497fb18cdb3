#!/usr/bin/env python
"""Benchmark the time-bank ledger: transfers and order confirmations per second, alone and from threads
contending for the same accounts, then verify the ledger invariants.

Usage (throwaway database; PostgreSQL shows real concurrency, SQLite serialises writers):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ow_community_bench python bench/timebank.py [--threads 8]
    ONEWINDOW_VAR_DIR=/tmp/timebank-bench python bench/timebank.py

Prints: sequential transfers/s, concurrent transfers/s over --members shared accounts, order confirmations/s,
statement read time, and the ledger check (total 0, every transfer balanced, cached balances = entries).
"""

import argparse
import os
import threading
import time


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
    from django.contrib.auth.models import Group, User

    from onewindow.community import selectors, services
    from onewindow.community.models import (
        CoBuildingUnit,
        Community,
        Compound,
        MenuItem,
        Street,
        Transfer,
    )
    from onewindow.core import clock
    from onewindow.core.access import Role

    run = f"{time.time():.0f}"
    street = Street.objects.create(name=f"基准街道{run}")
    community = Community.objects.create(street=street, name="基准社区")
    compound = Compound.objects.create(community=community, name="基准小区")
    employer = CoBuildingUnit.objects.create(name=f"基准单位{run}")
    menu = MenuItem.objects.create(name=f"基准服务{run}", category="public", suggested_minutes=60)
    worker = User.objects.create(username=f"bench-worker-{run}")
    worker.groups.add(Group.objects.get_or_create(name=Role.COMMUNITY_WORKER)[0])
    members = []
    for i in range(args.members):
        user = User.objects.create(username=f"bench-{run}-{i}")
        user.groups.add(Group.objects.get_or_create(name=Role.VOLUNTEER)[0])
        m = services.member_create(name=f"党员{i}", category="in_service", home_compound=compound, employer=employer,
                                   user=user, actor=None)
        services.transfer_post(kind=Transfer.Kind.GRANT, reason="期初", idempotency_key=f"bench-{run}-grant-{i}",
                               legs=[(services.bank_account(), -100000), (services.account_for_member(m), 100000)])
        members.append(m)
    print(f"database: {connection.vendor}, threads: {args.threads}, shared member accounts: {args.members}")

    def donate(k: int) -> None:
        giver, receiver = members[k % len(members)], members[(k * 7 + 1) % len(members)]
        if giver.pk == receiver.pk:
            receiver = members[(k + 1) % len(members)]
        services.donation_make(giver=giver, receiver=receiver, minutes=1 + k % 5, operator=None,
                               idempotency_key=f"bench-{run}-{k}")

    start = time.perf_counter()
    for k in range(args.transfers):
        donate(k)
    elapsed = time.perf_counter() - start
    print(f"sequential transfers: {args.transfers / elapsed:8.1f}/s  ({elapsed * 1000 / args.transfers:.2f} ms each)")

    def threaded(fn, items: list[int]) -> float:  # noqa: ANN001
        chunks = [items[i::args.threads] for i in range(args.threads)]
        errors: list[BaseException] = []

        def work(chunk: list[int]) -> None:
            try:
                for k in chunk:
                    fn(k)
            except BaseException as exc:  # noqa: BLE001
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

    items = list(range(args.transfers, 2 * args.transfers))
    elapsed = threaded(donate, items)
    print(f"concurrent transfers: {len(items) / elapsed:8.1f}/s")

    orders = []
    for k in range(args.orders):
        order = services.order_place(menu_item=menu, compound=compound, service_date=clock.today(),
                                     requester_kind="community", actor=worker)
        taker = members[k % len(members)].user
        services.order_take(order=order, actor=taker)
        services.order_mark_done(order=order, actor=taker)
        orders.append(order)

    def confirm(k: int) -> None:
        services.order_confirm(order=orders[k], minutes=30 + k % 31, rating=5, actor=worker)  # ≤ suggested 60

    elapsed = threaded(confirm, list(range(args.orders)))
    print(f"concurrent order confirmations: {args.orders / elapsed:8.1f}/s")

    account = services.account_for_member(members[0])
    t0 = time.perf_counter()
    rows = selectors.statement(account)
    print(f"statement of {len(rows)} rows: {(time.perf_counter() - t0) * 1000:.1f} ms")
    t0 = time.perf_counter()
    check = selectors.ledger_check()
    print(f"ledger check ({(time.perf_counter() - t0) * 1000:.0f} ms): total={check['total']} "
          f"unbalanced={len(check['unbalanced_transfers'])} drift={len(check['balance_drift_accounts'])} "
          f"ok={check['ok']}")
    return 0 if check["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
