#!/usr/bin/env python
# ruff: noqa: B023 — the lambdas given to call() are called at once, inside the loop iteration
"""The drill of `scripts/cluster.sh drill` (run by it, with the cluster's environment loaded).

Mixed load through nginx (kiosk tickets, clerks calling, finishing and accepting applications, applications with
files, ratings, time-bank orders, the board), from many citizen addresses (X-Forwarded-For, believed from nginx):
a third of the way in, one app server (its gunicorn master and workers) and the task worker are SIGKILLed; tasks
are enqueued while no worker runs; both are started again. Clients retry what they may retry: a request cut by
the kill (502 from nginx, a reset connection) is sent again with the same Idempotency-Key (applications) or is
safe to repeat (a call, a finish, an acceptance, a rating, a confirmation answer 409 the second time); a ticket or
an order placement, which have no key, is not retried and is counted as cut in flight.

Then it checks, and prints one summary line:
- requests: none failed except the non-retried ones cut in flight (at most one per client thread);
- rate limits hold across the cluster (counted in Redis: the 31st ticket from one address within 10 minutes is
  refused whichever server answers);
- tickets: every acknowledged ticket exists, none vanished, none was called twice, no number was given twice;
- applications: every acknowledged application exists, each with all its cases and both files (none half-written);
- the hour ledger sums to zero, no order was credited twice, every confirmed order was credited;
- tasks: every job enqueued on RQ ran exactly once (one successful result, none failed, none left running or
  queued; jobs abandoned by the killed worker are run again by core.rqworker), every outbox message was sent, and
  the SMS ledger holds each sent message exactly once;
- the replica caught up (replayed the primary's last WAL position, same row counts);
- read-your-writes on the real replica: with replay paused, the supervisor who has just written reads the new
  figure (primary) while another supervisor still reads the replica's older one.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import load_common as lc  # noqa: E402

DIR = Path(os.environ["OW_CLUSTER_DIR"])
LB = int(os.environ["OW_LB_PORT"])
APPS = [int(p) for p in os.environ["OW_APP_PORTS"].split()]
SCRIPT = os.environ["OW_CLUSTER_SCRIPT"]
TRANSIENT = {502, 503, 504}
EXPECTED_CASES = 2  # lc.seed's bundle FA-HIRE: two items, two materials


def address() -> str:
    return f"198.18.{random.randint(0, 255)}.{random.randint(1, 254)}"


class Ledger:
    """What every request came to, by operation."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.retried = 0  # succeeded on a later attempt
        self.failed: list[str] = []  # retryable and still failing, or an unexpected answer
        self.cut: collections.Counter[str] = collections.Counter()  # not retryable, cut in flight

    def done(self, op: str, attempts: int, ok: bool, detail: str) -> None:
        with self.lock:
            self.requests += 1
            self.retried += attempts > 1 and ok
            if not ok:
                self.failed.append(f"{op}: {detail[:160]}")

    def cut_in_flight(self, op: str) -> None:
        with self.lock:
            self.requests += 1
            self.cut[op] += 1


def call(ledger: Ledger, op: str, send: Callable[[], requests.Response], ok: tuple[int, ...], *,
         retry: bool) -> requests.Response | None:
    attempts = 0
    while True:
        attempts += 1
        try:
            response: requests.Response | None = send()
            transient = response is not None and response.status_code in TRANSIENT
        except requests.RequestException:
            response, transient = None, True
        if response is not None and not transient:
            good = response.status_code in ok
            ledger.done(op, attempts, good, f"{response.status_code} {response.text}")
            return response
        if not retry:
            ledger.cut_in_flight(op)
            return None
        if attempts >= 6:
            ledger.done(op, attempts, False, f"gave up: {response.status_code if response is not None else 'no answer'}")
            return None
        time.sleep(0.4 * attempts)


class Load:
    def __init__(self, world: dict[str, Any], stop_at: float) -> None:
        self.world = world
        self.stop_at = stop_at
        self.ledger = Ledger()
        self.lock = threading.Lock()
        self.tickets: list[int] = []
        self.applications: list[str] = []
        self.finished: list[int] = []
        self.confirmed: list[int] = []

    def running(self) -> bool:
        return time.time() < self.stop_at

    def citizen(self, k: int) -> None:
        http, anon = lc.Http(LB, self.world["citizens"][k]), lc.Http(LB)
        bundle, hall = self.world["bundle"], self.world["hall"]
        n = 0
        while self.running():
            n += 1
            call(self.ledger, "browse_bundle", lambda: anon.get(f"/api/v1/bundles/{bundle}"), (200,), retry=True)
            r = call(self.ledger, "take_ticket", lambda: anon.post(
                f"/api/v1/halls/{hall}/tickets", {"category": "social"}, headers={"X-Forwarded-For": address()}),
                (201,), retry=False)
            if r is not None and r.status_code == 201:
                with self.lock:
                    self.tickets.append(r.json()["id"])
            if n % 2 == 0:
                body = lc.submission(k * 1000 + n, bundle)
                body["applicant"]["phone"] = f"138{k:02d}{n:06d}"
                key = f"drill-{k}-{n}-{secrets.token_hex(4)}"
                r = call(self.ledger, "submit_application", lambda: http.post(
                    "/api/v1/applications", body, headers={"Idempotency-Key": key, "X-Forwarded-For": address()}),
                    (200, 201), retry=True)
                if r is not None and r.status_code in (200, 201):
                    with self.lock:
                        self.applications.append(r.json()["number"])
            time.sleep(0.15)

    def clerk(self, c: dict[str, Any]) -> None:
        http = lc.Http(LB, c["session"])
        accepted: set[str] = set()
        counter = c["counter"]
        while self.running():
            r = call(self.ledger, "call_next", lambda: http.post(f"/api/v1/counters/{counter}/call-next"),
                     (200, 404, 409), retry=True)
            ticket = r.json().get("ticket") if r is not None and r.status_code == 200 else None
            if ticket:
                r = call(self.ledger, "finish", lambda: http.post(f"/api/v1/counters/{counter}/finish",
                                                                  {"items_handled": "就业登记"}), (200, 409), retry=True)
                if r is not None and r.status_code == 200:
                    with self.lock:
                        self.finished.append(ticket["id"])
            else:  # nothing waiting, or still serving a ticket whose answer was cut: finish it
                if r is not None and r.status_code == 409:
                    call(self.ledger, "finish", lambda: http.post(f"/api/v1/counters/{counter}/finish",
                                                                  {"items_handled": "就业登记"}), (200, 409), retry=True)
                time.sleep(0.3)
            with self.lock:
                pending = [a for a in self.applications if a not in accepted][:2]
            for number in pending:
                accepted.add(number)
                call(self.ledger, "accept_application",
                     lambda number=number: http.post(f"/api/v1/applications/{number}/accept"), (200, 409), retry=True)

    def rater(self) -> None:
        from onewindow.feedback.links import rating_url

        anon = lc.Http(LB)
        done: set[int] = set()
        while self.running():
            with self.lock:
                todo = [t for t in self.finished if t not in done][:3]
            if not todo:
                time.sleep(0.3)
                continue
            for ticket_id in todo:
                done.add(ticket_id)
                token = rating_url(target_kind="ticket", target_id=ticket_id, channel="4").rstrip("/").rsplit("/", 1)[1]
                call(self.ledger, "rate", lambda token=token: anon.post(
                    "/api/v1/feedback/ratings", {"token": token, "level": "very_satisfied"},
                    headers={"X-Forwarded-For": address()}), (201, 409), retry=True)

    def board(self) -> None:
        anon = lc.Http(LB)
        while self.running():
            call(self.ledger, "board", lambda: anon.get(f"/api/v1/halls/{self.world['hall']}/board"), (200,), retry=True)
            time.sleep(0.5)

    def timebank(self, v: int) -> None:
        worker, volunteer = lc.Http(LB, self.world["worker"]), lc.Http(LB, self.world["volunteers"][v])
        while self.running():
            r = call(self.ledger, "order_place", lambda: worker.post("/api/v1/community/orders", {
                "menu_item_id": self.world["menu"], "compound_id": self.world["compound"],
                "service_date": dt.date.today().isoformat(), "description": "为独居老人测血压"}), (201,), retry=False)
            if r is None or r.status_code != 201:
                time.sleep(0.3)
                continue
            order = r.json()["id"]
            call(self.ledger, "order_take", lambda: volunteer.post(f"/api/v1/community/orders/{order}/take"),
                 (200, 409), retry=True)
            call(self.ledger, "order_done", lambda: volunteer.post(f"/api/v1/community/orders/{order}/done",
                                                                   {"note": "已完成"}), (200, 409), retry=True)
            r = call(self.ledger, "order_confirm", lambda: worker.post(
                f"/api/v1/community/orders/{order}/confirm", {"minutes": 60, "rating": 5}), (200, 409), retry=True)
            if r is not None and r.status_code == 200:
                with self.lock:
                    self.confirmed.append(order)
            time.sleep(0.2)

    def threads(self) -> list[threading.Thread]:
        ts = [threading.Thread(target=self.citizen, args=(k,)) for k in range(3)]
        ts += [threading.Thread(target=self.clerk, args=(c,)) for c in self.world["clerks"]]
        ts += [threading.Thread(target=self.rater), threading.Thread(target=self.board)]
        ts += [threading.Thread(target=self.timebank, args=(v,)) for v in range(2)]
        return ts


# --------------------------------------------------------------------------- processes


def sigkill_group(pidfile: Path) -> int:
    pid = int(pidfile.read_text())
    os.killpg(pid, signal.SIGKILL)
    return pid


def cluster(*args: str) -> None:
    subprocess.run(["bash", SCRIPT, *args], check=True, stdout=subprocess.DEVNULL)


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def cpu_snapshot() -> dict[str, float]:
    """CPU seconds so far of each part of the cluster (processes and the children they waited for)."""
    from create_bench import process_cpu

    def tree(pid: int) -> float:
        return process_cpu(pid, children=True) + sum(process_cpu(c) for c in children(pid))

    def pidfile(path: Path) -> int:
        return int(path.read_text().split()[0])

    data = Path("/var/lib/postgresql") / os.environ.get("OW_CLUSTER_PGVER", "15")
    parts = {f"app :{port}": pidfile(DIR / f"app-{port}.pid") for port in APPS}
    parts |= {"worker": pidfile(DIR / "worker.pid"), "redis": pidfile(DIR / "redis.pid"),
              "nginx": pidfile(DIR / "nginx" / "nginx.pid"),
              "postgres primary": pidfile(data / "ow_primary" / "postmaster.pid"),
              "postgres replica": pidfile(data / "ow_replica" / "postmaster.pid")}
    return {name: tree(pid) for name, pid in parts.items()}


def cpu_line(before: dict[str, float], after: dict[str, float], requests_done: int, seconds: float) -> str:
    per = {name: 1000 * (after[name] - before[name]) / max(1, requests_done) for name in before}
    app = sum(v for k, v in per.items() if k.startswith("app"))
    parts = ", ".join(f"{k} {v:.1f}" for k, v in per.items() if not k.startswith("app"))
    return (f"CPU per request before the kill ({requests_done} requests in {seconds:.0f} s, "
            f"{requests_done / seconds:.1f}/s): app servers {app:.1f} ms, {parts} ms")


# --------------------------------------------------------------------------- checks


def check_rate_limit_is_cluster_wide() -> tuple[bool, str]:
    """31 tickets from one citizen address, alternating between the two app servers: the 31st is refused."""
    hall = "fuan"
    statuses = []
    for i in range(31):
        port = APPS[i % len(APPS)]
        r = requests.post(f"http://127.0.0.1:{port}/api/v1/halls/{hall}/tickets", json={"category": "social"},
                          headers={"X-Forwarded-For": "203.0.113.77"}, timeout=30)
        statuses.append(r.status_code)
    ok = statuses[:30] == [201] * 30 and statuses[30] == 429
    return ok, f"rate limit across servers: 30×201 then {statuses[30]}"


def replica_lag(timeout: float) -> int | None:
    """Bytes of WAL the replica has still to replay of what the primary had written when asked (waits for 0)."""
    import psycopg

    deadline = time.time() + timeout
    lag = None
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as primary, \
            psycopg.connect(os.environ["DATABASE_REPLICA_URL"], autocommit=True) as replica:
        target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        while time.time() < deadline:
            lag = int(replica.execute("SELECT pg_wal_lsn_diff(%s, pg_last_wal_replay_lsn())", (target,)).fetchone()[0])
            if lag <= 0:
                break
            time.sleep(0.2)
    return lag


def check_read_your_writes(world: dict[str, Any]) -> tuple[bool, str]:
    import psycopg

    replica_lag(30)  # start from a replica that has everything, then stop its replay
    replica_url = os.environ["DATABASE_REPLICA_URL"]
    stats = f"/api/v1/halls/{world['hall']}/stats"
    writer, other = lc.Http(LB, world["supervisors"][0]), lc.Http(LB, world["supervisors"][1])
    with psycopg.connect(replica_url, autocommit=True) as rep:
        rep.execute("SELECT pg_wal_replay_pause()")
        try:
            time.sleep(0.5)
            before = other.get(stats).json()["total"]["tickets"]
            r = writer.post(f"/api/v1/halls/{world['hall']}/tickets", {"category": "social"},
                            headers={"X-Forwarded-For": address()})
            pinned = "ow_primary" in writer.s.cookies
            mine = writer.get(stats).json()["total"]["tickets"]
            theirs = other.get(stats).json()["total"]["tickets"]
        finally:
            rep.execute("SELECT pg_wal_replay_resume()")
    ok = r.status_code == 201 and pinned and mine == before + 1 and theirs == before
    return ok, (f"read-your-writes (replica paused): writer reads {mine} (primary), another reads {theirs} "
                f"(replica), before {before}")


def drain_tasks(timeout: float = 110) -> dict[str, int]:
    """Wait until no job is queued, scheduled or running (an abandoned one is found and re-queued by the worker)."""
    import django_rq
    from rq.registry import ScheduledJobRegistry, StartedJobRegistry

    queue = django_rq.get_queue("default")
    deadline = time.time() + timeout
    while time.time() < deadline:
        left = {"queued": queue.count, "running": StartedJobRegistry(queue=queue).count,
                "scheduled": ScheduledJobRegistry(queue=queue).count,
                "taken by a dead worker": len(queue.intermediate_queue.get_job_ids())}
        if not any(left.values()):
            return left
        time.sleep(1)
    return left


def task_report(markers: list[str]) -> tuple[bool, str, dict[str, Any]]:
    import django_rq
    from django_tasks_rq import Job
    from rq.registry import FailedJobRegistry
    from rq.results import Result

    from onewindow.cases.models import OutboxMessage

    queue = django_rq.get_queue("default")
    redis = queue.connection
    ids = [key.decode().removeprefix("rq:job:") for key in redis.scan_iter(match="rq:job:*")
           if key.count(b":") == 2]
    once, wrong, reruns, sends = 0, [], 0, collections.Counter()
    for job_id in ids:
        job = Job.fetch(job_id, connection=redis)
        results = job.results()
        good = [r for r in results if r.type == Result.Type.SUCCESSFUL]
        reruns += int(job.meta.get("onewindow_abandoned", 0))
        if job.get_status() == "finished" and len(good) == 1 and len(results) == 1:
            once += 1
        else:
            wrong.append(f"{job.func_name}:{job.get_status()}:{len(good)}/{len(results)}")
        if job.func_name.endswith("send_outbox_message"):
            sends[job.args[0]] += 1
    failed = FailedJobRegistry(queue=queue).count
    messages = dict(OutboxMessage.objects.values_list("pk", "status"))
    without_job = [pk for pk in messages if pk not in sends]
    swept = 0
    if any(status != "sent" for status in messages.values()):  # the outbox's safety net, as its daily job would
        from onewindow.cases.tasks import send_pending_messages

        send_pending_messages.enqueue()
        drain_tasks(60)
        swept = sum(1 for status in messages.values() if status != "sent")
        messages = dict(OutboxMessage.objects.values_list("pk", "status"))
    unsent = [pk for pk, status in messages.items() if status != "sent"]
    outbox = collections.Counter(OutboxMessage.objects.filter(status="sent").values_list("recipient_phone", "text"))
    ledger = collections.Counter()
    for line in (DIR / "sms.log").read_text().splitlines():
        entry = json.loads(line)
        ledger[(entry["phone"], entry["text"])] += 1
    sms_ok = ledger == outbox
    marker_ok = all(Job.fetch(m, connection=redis).get_status() == "finished" for m in markers)
    ok = not wrong and not failed and not unsent and sms_ok and marker_ok
    text = (f"tasks: {len(ids)} enqueued on RQ, {once} ran exactly once, {len(wrong)} otherwise {wrong[:3]}, "
            f"{failed} failed, {reruns} abandoned by the killed worker and run again; {len(markers)} queued while "
            f"no worker ran: {'all ran' if marker_ok else 'NOT all ran'}; outbox: {len(messages)} messages, "
            f"{len(unsent)} unsent, {len(without_job)} whose task was never enqueued (the killed server), "
            f"{swept} sent by the safety net; SMS ledger {sum(ledger.values())} lines for {sum(outbox.values())} "
            f"sent messages: {'each exactly once' if sms_ok else 'MISMATCH'}")
    return ok, text, {"enqueued": len(ids), "once": once, "reruns": reruns, "sms": sum(ledger.values())}


def check_state(load: Load) -> tuple[list[str], list[str], dict[str, Any]]:
    from django.db.models import Count, Sum

    from onewindow.cases.models import Application, SubmittedMaterial
    from onewindow.community.models import Entry, Order, Transfer
    from onewindow.hall.models import Ticket, TicketEvent

    problems, lines = [], []
    apps = Application.objects.annotate(n_cases=Count("cases", distinct=True))
    materials = dict(SubmittedMaterial.objects.values_list("application_id").annotate(n=Count("id")))
    half = [a.number for a in apps if a.n_cases != EXPECTED_CASES or materials.get(a.pk, 0) < 2]
    missing = set(load.applications) - set(apps.values_list("number", flat=True))
    lines.append(f"applications: {apps.count()} in the database, {len(set(load.applications))} acknowledged, "
                 f"{len(half)} half-written, {len(missing)} acknowledged but missing")
    if half or missing:
        problems.append("applications")

    issued = set(load.tickets)
    present = set(Ticket.objects.filter(pk__in=issued).values_list("pk", flat=True))
    twice = TicketEvent.objects.filter(action="called").values("ticket").annotate(n=Count("id")).filter(n__gt=1).count()
    numbers = Ticket.objects.values("hall", "day", "number").annotate(n=Count("id")).filter(n__gt=1).count()
    unacknowledged = Ticket.objects.exclude(pk__in=issued).count()
    lines.append(f"tickets: {len(issued)} acknowledged, {len(issued - present)} lost, {twice} called twice, "
                 f"{numbers} numbers given twice, {unacknowledged} without an answer to a client (cut in flight, "
                 f"the rate-limit and read-your-writes checks)")
    if issued - present or twice or numbers:
        problems.append("tickets")

    total = Entry.objects.aggregate(s=Sum("amount"))["s"] or 0
    credited_twice = Transfer.objects.filter(order__isnull=False).values("order").annotate(n=Count("id")).filter(
        n__gt=1).count()
    uncredited = Order.objects.filter(status="confirmed").exclude(transfers__isnull=False).count()
    lines.append(f"hour ledger: {Entry.objects.count()} entries sum to {total} minutes; "
                 f"{Order.objects.filter(status='confirmed').count()} confirmed orders, {credited_twice} credited "
                 f"twice, {uncredited} not credited")
    if total or credited_twice or uncredited:
        problems.append("ledger")
    figures = {"applications": apps.count(), "half": len(half), "tickets": len(issued), "lost": len(issued - present),
               "double": twice + numbers, "ledger": total, "orders": len(load.confirmed)}
    return problems, lines, figures


def check_replica(timeout: float = 30) -> tuple[bool, str]:
    from onewindow.cases.models import Application, OutboxMessage
    from onewindow.community.models import Entry
    from onewindow.hall.models import Ticket, TicketEvent

    lag = replica_lag(timeout)
    models = (Application, Ticket, TicketEvent, Entry, OutboxMessage)
    differ = [m.__name__ for m in models if m.objects.using("default").count() != m.objects.using("replica").count()]
    ok = lag is not None and lag <= 0 and not differ
    return ok, f"replica: {max(0, lag or 0)} bytes behind, row counts {differ or 'equal'}"


# --------------------------------------------------------------------------- main


def main() -> int:
    started = time.time()
    var_dir = os.environ["ONEWINDOW_VAR_DIR"]
    lc.setup_django(os.environ["DATABASE_URL"], var_dir)
    from onewindow.core.access import Role

    world = lc.seed(citizens=3, counters=4, volunteers=2)
    world["supervisors"] = [lc._session(lc._user(f"supervisor{i}", Role.SUPERVISOR)) for i in range(2)]
    from django.db import connections

    connections.close_all()
    seconds = float(os.environ.get("OW_DRILL_SECONDS", "45"))
    load = Load(world, time.time() + seconds)
    threads = load.threads()
    for t in threads:
        t.start()
    time.sleep(3)  # warm-up: every server process imports and connects
    cpu0, requests0, t0 = cpu_snapshot(), load.ledger.requests, time.time()
    time.sleep(seconds / 3 - 3)
    cpu1, requests1, t1 = cpu_snapshot(), load.ledger.requests, time.time()
    from onewindow.cases.tasks import send_pending_messages

    victim = sigkill_group(DIR / f"app-{APPS[-1]}.pid")
    worker = sigkill_group(DIR / "worker.pid")
    killed_at = time.time() - started
    markers = [send_pending_messages.enqueue().id for _ in range(5)]  # queued while no worker runs
    time.sleep(seconds / 6)
    cluster("restart-worker")
    cluster("restart-app", str(APPS[-1]))
    restarted_at = time.time() - started
    for t in threads:
        t.join()
    print(f"t={killed_at:.0f}s SIGKILL app server :{APPS[-1]} (process group {victim}) and the worker ({worker}); "
          f"t={restarted_at:.0f}s both started again", flush=True)

    rate_ok, rate_line = check_rate_limit_is_cluster_wide()
    ryw_ok, ryw_line = check_read_your_writes(world)
    left = drain_tasks()
    tasks_ok, tasks_line, task_figures = task_report(markers)
    problems, lines, figures = check_state(load)
    replica_ok, replica_line = check_replica()

    ledger = load.ledger
    in_flight_bound = len(threads)
    cut = sum(ledger.cut.values())
    requests_ok = not ledger.failed and cut <= in_flight_bound
    print(f"requests: {ledger.requests} through nginx, {ledger.retried} succeeded on a retry, {len(ledger.failed)} "
          f"failed {ledger.failed[:3]}, {cut} not retryable and cut in flight {dict(ledger.cut)} (bound "
          f"{in_flight_bound})")
    print(cpu_line(cpu0, cpu1, requests1 - requests0, t1 - t0))
    for line in (rate_line, *lines, tasks_line + (f"; still pending {left}" if any(left.values()) else ""),
                 replica_line, ryw_line):
        print(line)
    checks = {"requests": requests_ok, "rate-limit": rate_ok, "state": not problems, "tasks": tasks_ok,
              "replica": replica_ok, "read-your-writes": ryw_ok}
    failed = [name for name, good in checks.items() if not good] + problems
    print(f"cluster drill: {'PASS' if not failed else 'FAIL ' + ','.join(failed)} | "
          f"requests {ledger.requests} (retried {ledger.retried}, failed {len(ledger.failed)}, cut {cut}) | "
          f"tickets {figures['tickets']} (lost {figures['lost']}, double {figures['double']}) | "
          f"applications {figures['applications']} (half-written {figures['half']}) | "
          f"ledger {figures['ledger']} min over {figures['orders']} orders | "
          f"tasks {task_figures['enqueued']} enqueued, {task_figures['once']} ran once, "
          f"{task_figures['reruns']} re-run after the kill, sms {task_figures['sms']} | "
          f"replica {'caught up' if replica_ok else 'BEHIND'} | read-your-writes {'ok' if ryw_ok else 'FAIL'} | "
          f"{time.time() - started:.0f} s", flush=True)
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
