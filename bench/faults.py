#!/usr/bin/env python
"""bench/faults: kill a server process and the background worker with SIGKILL under a mixed load, restart
them, and check that nothing was lost or done twice.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ow_fault .venv/bin/python bench/faults.py [--seconds 45]

`onewindow serve` (3 gunicorn workers) and `onewindow worker` run on a loopback port against a fresh
PostgreSQL database; the load of bench/load (submissions, ticket calls, ratings, time-bank confirmations) runs
throughout. A third of the way in one gunicorn worker process and the task worker are SIGKILLed (gunicorn
restarts its worker; the task worker is restarted by this script after tasks were queued while it was dead).
Checks afterwards: every application has all its cases and materials or does not exist; every ticket was
called at most once and none vanished; the hour ledger sums to zero and each order was credited once; every
background task queued ran. Prints what it checked and the counts; exits 1 on any violation.
"""

import argparse
import os
import signal
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_common as lc


def _overdue_tasks():  # noqa: ANN202
    from django.db.models import Q
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    due = Q(status="READY") & (Q(run_after__isnull=True) | Q(run_after__lte=timezone.now()))
    return DBTaskResult.objects.filter(due | Q(status="RUNNING"))


def checks(record: dict) -> list[str]:
    from django.db.models import Count, Sum
    from django_tasks_db.models import DBTaskResult

    from onewindow.bundles.models import BundleItem
    from onewindow.cases.models import Application, SubmittedMaterial
    from onewindow.community.models import Entry, Order, Transfer
    from onewindow.hall.models import Ticket, TicketEvent

    problems: list[str] = []
    expected_cases = BundleItem.objects.filter(bundle__code="FA-HIRE").count()
    apps = Application.objects.annotate(n_cases=Count("cases", distinct=True))
    materials = dict(SubmittedMaterial.objects.values_list("application_id").annotate(n=Count("id")))
    incomplete = [a.number for a in apps if a.n_cases != expected_cases or materials.get(a.pk, 0) < 2]
    missing = set(record["applications"]) - set(apps.values_list("number", flat=True))
    print(f"applications: {apps.count()} in the database, {len(record['applications'])} acknowledged to clients; "
          f"each must have {expected_cases} cases and 2 materials: {len(incomplete)} incomplete, "
          f"{len(missing)} acknowledged but missing")
    if incomplete or missing:
        problems.append(f"applications incomplete {incomplete[:5]} missing {sorted(missing)[:5]}")

    issued = set(record["tickets"])
    present = set(Ticket.objects.filter(pk__in=issued).values_list("pk", flat=True))
    calls = TicketEvent.objects.filter(action="called").values("ticket").annotate(n=Count("id")).filter(n__gt=1)
    print(f"tickets: {len(issued)} issued to clients, {len(issued - present)} vanished; "
          f"{TicketEvent.objects.filter(action='called').count()} calls, {calls.count()} tickets called more than once")
    if issued - present or calls.exists():
        problems.append("tickets vanished or called twice")

    total = Entry.objects.aggregate(s=Sum("amount"))["s"] or 0
    credited = Transfer.objects.filter(order__isnull=False).values("order").annotate(n=Count("id"))
    twice = [c["order"] for c in credited if c["n"] > 1]
    confirmed = Order.objects.filter(status="confirmed").count()
    uncredited = Order.objects.filter(status="confirmed").exclude(transfers__isnull=False).count()
    print(f"hour ledger: sum of {Entry.objects.count()} entries = {total} minutes; {confirmed} confirmed orders, "
          f"{len(twice)} credited twice, {uncredited} confirmed but not credited; "
          f"{len(record['confirmed'])} confirmations acknowledged")
    if total != 0 or twice or uncredited:
        problems.append("ledger does not balance or an order was credited twice/never")

    statuses = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")))
    overdue = _overdue_tasks().count()
    print(f"background tasks: {statuses}; {overdue} due but not run (READY with run_after in the future, e.g. the "
          f"nightly monitors, are not due)")
    if overdue:
        problems.append(f"background tasks left pending: {statuses}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=45)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ow_fault")
    if not url.startswith("postgres"):
        raise SystemExit("bench/faults needs PostgreSQL (DATABASE_URL=postgres://…)")
    var_dir = "/tmp/ow-fault-var"
    lc.fresh_database(url)
    lc.setup_django(url, var_dir)
    world = lc.seed()
    port = lc.free_port()
    server = lc.start_server(url, var_dir, port, workers=3)
    worker = lc.start_worker(url, var_dir)
    stats = lc.Stats()
    record: dict[str, list] = defaultdict(list)
    from onewindow.cases.tasks import send_pending_messages

    started = time.time()
    try:
        threads = lc.actors(port, world, stats, started + args.seconds, record)
        for t in threads:
            t.start()
        time.sleep(args.seconds / 3)
        victims = lc.gunicorn_workers(server.pid)
        victim = victims[0] if victims else None
        if victim:
            os.kill(victim, signal.SIGKILL)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        print(f"t={time.time() - started:.0f}s: SIGKILL server process {victim} (of {victims}) and worker {worker.pid}")
        queued = [send_pending_messages.enqueue() for _ in range(5)]  # queued while no worker runs
        time.sleep(args.seconds / 6)
        worker = lc.start_worker(url, var_dir)
        print(f"t={time.time() - started:.0f}s: worker restarted ({len(queued)} tasks queued meanwhile); "
              f"server processes now {lc.gunicorn_workers(server.pid)}")
        for t in threads:
            t.join()
        deadline = time.time() + 60
        while time.time() < deadline and _overdue_tasks().exists():
            time.sleep(1)
    finally:
        lc.stop(server)
        lc.stop(worker)
    elapsed = time.time() - started
    print(f"load under faults: {sum(len(v) for v in stats.latency.values())} requests in {elapsed:.0f} s; "
          f"errors by operation {dict(stats.errors) or 0} (requests cut by the killed process may fail; "
          f"what matters is the state below)")
    problems = checks(record)
    print("RESULT:", "all checks passed" if not problems else "; ".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
