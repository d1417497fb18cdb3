#!/usr/bin/env python
"""bench/create: single-item applications (JSON body, no files) created through the HTTP API.

1. creates a fresh PostgreSQL database of its own (default ow_create_bench), migrates it and sets up a tiny
   catalog: one department and one published item without materials, and one signed-in citizen per client;
2. starts the production server (`onewindow serve`: gunicorn, several worker processes × threads) on a loopback
   port and drives it with N client threads (default 8) over keep-alive HTTP: POST /api/v1/applications with
   {"kind": "item", …} and an Idempotency-Key, each from its own client address (X-Forwarded-For, the server
   trusts the loopback proxy) and its own phone number, so the public rate limits count every request as in
   production without refusing any;
3. prints creates/s, p50/p99 latency, the server's CPU milliseconds per create (user + system CPU time of the
   gunicorn master and workers after minus before, divided by the creates in the window), PostgreSQL's CPU
   milliseconds per create (the backends serving this database), and the SQL statements one create runs
   (counted in process with the same request through Django's test client).

    bench/create [--seconds 20] [--clients 8] [--workers 3] [--threads 4] [--database ow_create_bench]

With REDIS_URL in the environment the server runs with Redis (cache, sessions, rate limits, tasks on RQ).
Target (issue 15): ≤ 15 ms server CPU per create and ≥ 100 creates/s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_common as lc

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
CLK_TCK = os.sysconf("SC_CLK_TCK")
ITEM = "BENCH-ITEM"
CSRF = secrets.token_hex(16)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


# --------------------------------------------------------------------------- CPU accounting (/proc)


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2:].split()  # fields from 3 (state) on; the command name may hold spaces


def process_cpu(pid: int, *, children: bool = False) -> float:
    """CPU seconds (user + system) of one process; with `children`, also of its exited, waited-for children."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / CLK_TCK


def server_cpu(master: int) -> float:
    """The gunicorn master with the CPU of workers that exited, plus every live worker."""
    return process_cpu(master, children=True) + sum(process_cpu(pid) for pid in lc.gunicorn_workers(master))


def database_backends(url: str, name: str) -> dict[int, float]:
    import psycopg

    with psycopg.connect(url) as conn:
        pids = [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,))]
    return {pid: process_cpu(pid) for pid in pids}


# --------------------------------------------------------------------------- setup


def setup(url: str, var_dir: str, clients: int) -> list[str]:
    lc.setup_django(url, var_dir)
    from onewindow.catalog.models import Department, ServiceItem
    from onewindow.core.access import Role

    dept = Department.objects.create(code="BENCH-DEPT", name="压测市人力资源和社会保障局", short_name="人社局")
    ServiceItem.objects.create(name="就业登记", code=ITEM, department=dept, promised_limit=5, legal_limit=20,
                               handling_type="2", status="published")
    return [lc._session(lc._user(f"bench_citizen{i}", Role.CITIZEN)) for i in range(clients)]


def body(n: int) -> dict[str, Any]:
    return {"kind": "item", "code": ITEM, "answers": {}, "form": {},
            "applicant": {"kind": "person", "name": "林晓梅", "id_number": lc.id_number(n), "phone": f"139{n:08d}"}}


def start_server(url: str, var_dir: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, ONEWINDOW_VAR_DIR=var_dir, ONEWINDOW_CONN_MAX_AGE="60",
               ONEWINDOW_DEBUG="0", ONEWINDOW_LOG_LEVEL="ERROR", ONEWINDOW_TRUSTED_PROXIES="127.0.0.1/32")
    onewindow = str(Path(sys.executable).parent / "onewindow")
    proc = subprocess.Popen([onewindow, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                             "--threads", str(threads), "--access-log", ""], env=env, cwd=str(ROOT),
                            start_new_session=True)
    lc.wait_ready(port)
    return proc


# --------------------------------------------------------------------------- load


class Load:
    def __init__(self, port: int, sessions: list[str]) -> None:
        self.port = port
        self.sessions = sessions
        self.stop = threading.Event()
        self.measuring = False
        self.lock = threading.Lock()
        self.latency: list[float] = []
        self.errors: list[str] = []
        self.counter = 0

    def next_n(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter

    def client(self, k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        mine: list[float] = []
        headers = {"Content-Type": "application/json", "X-CSRFToken": CSRF,
                   "Cookie": f"sessionid={self.sessions[k]}; csrftoken={CSRF}"}
        try:
            while not self.stop.is_set():
                n = self.next_n()
                address = f"198.18.{n // 250 % 250}.{n % 250 + 1}"  # one citizen's address per request
                t0 = time.perf_counter()
                conn.request("POST", "/api/v1/applications", body=json.dumps(body(n)),
                             headers={**headers, "Idempotency-Key": f"bench-{n}", "X-Forwarded-For": address})
                r = conn.getresponse()
                raw = r.read()
                elapsed = time.perf_counter() - t0
                if r.status != 201:
                    with self.lock:
                        self.errors.append(f"{r.status} {raw[:200]!r}")
                    continue
                if self.measuring:
                    mine.append(elapsed)
        finally:
            conn.close()
            with self.lock:
                self.latency.extend(mine)


def statements_per_create(n: int = 5) -> list[int]:
    """SQL statements of the same request, counted in process (Django test client, same database)."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from onewindow.core.access import Role

    user = lc._user(f"bench_counted_{secrets.token_hex(3)}", Role.CITIZEN)
    client = Client(REMOTE_ADDR="198.19.0.1")
    client.force_login(User.objects.get(pk=user.pk))
    counts = []
    for i in range(n + 1):
        m = 900_000 + i
        with CaptureQueriesContext(connection) as queries:
            r = client.post("/api/v1/applications", body(m), content_type="application/json",
                            headers={"Idempotency-Key": f"counted-{m}"}, REMOTE_ADDR=f"198.19.0.{i + 1}")
        assert r.status_code == 201, r.content[:300]
        if i:  # the first one warms caches (content types, the calendar)
            counts.append(len(queries.captured_queries))
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--warmup", type=float, default=4)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--database", default="ow_create_bench")
    args = ap.parse_args()

    load_before = os.getloadavg()[0]
    url = f"{PG}/{args.database}"
    lc.fresh_database(url)
    var_dir = tempfile.mkdtemp(prefix="ow-bench-create-")
    sessions = setup(url, var_dir, args.clients)
    from django.db import connections

    connections.close_all()
    port = lc.free_port()
    server = start_server(url, var_dir, port, args.workers, args.threads)
    load = Load(port, sessions)
    threads = [threading.Thread(target=load.client, args=(k,)) for k in range(args.clients)]
    try:
        for t in threads:
            t.start()
        time.sleep(args.warmup)  # every worker process imports, connects and warms up first; not measured
        cpu0, db0 = server_cpu(server.pid), database_backends(url, args.database)
        load.measuring = True
        t0 = time.perf_counter()
        time.sleep(args.seconds)
        load.measuring = False
        elapsed = time.perf_counter() - t0
        cpu1, db1 = server_cpu(server.pid), database_backends(url, args.database)
        load.stop.set()
        for t in threads:
            t.join(60)
    finally:
        lc.stop(server)
    statements = statements_per_create()
    connections.close_all()

    n = len(load.latency)
    db_cpu = sum(cpu - db0.get(pid, 0.0) for pid, cpu in db1.items())
    print(f"bench/create: {args.clients} clients, single-item applications (JSON, no files), PostgreSQL "
          f"{args.database}, {os.cpu_count()} CPU cores; server gunicorn gthread {args.workers} workers × "
          f"{args.threads} threads{', REDIS_URL set' if os.environ.get('REDIS_URL') else ''}")
    print(f"load average before/after: {load_before:.1f} / {os.getloadavg()[0]:.1f} "
          f"(a shared machine skews every figure)")
    if not n:
        print("no create completed;", load.errors[:3])
        raise SystemExit(1)
    print(f"create: {n} in {elapsed:.1f} s = {n / elapsed:.1f}/s   p50 {1000 * pct(load.latency, 50):.1f} ms   "
          f"p99 {1000 * pct(load.latency, 99):.1f} ms   mean {1000 * statistics.fmean(load.latency):.1f} ms")
    print(f"server CPU per create: {1000 * (cpu1 - cpu0) / n:.1f} ms   PostgreSQL CPU per create: "
          f"{1000 * db_cpu / n:.1f} ms   SQL statements per create: {statistics.median(statements):.0f} "
          f"(runs: {statements})")
    print("target: <= 15 ms server CPU per create, >= 100 creates/s")
    if load.errors:
        print(f"errors: {len(load.errors)}, e.g. {load.errors[:3]}")


if __name__ == "__main__":
    main()
