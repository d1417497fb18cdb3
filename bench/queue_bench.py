#!/usr/bin/env python
"""bench/queue: issue + call-next + finish cycles per second with 16 concurrent clerks.

1. creates a fresh PostgreSQL database (default ow_hall_bench), migrates it and sets up one hall with one
   category and 16 counters, each with a signed-in clerk;
2. starts a real server (gunicorn with the command line of `onewindow serve`, by default its 2 × cores + 1 worker
   processes × 4 threads, without the access log) on a loopback port against it and
   drives it with 16 client threads over keep-alive HTTP: POST /api/v1/halls/{hall}/tickets, then
   POST /api/v1/counters/{id}/call-next, then POST /api/v1/counters/{id}/finish;
3. does the same work as raw SQL through psycopg (16 threads, one connection each: the counter upsert,
   ticket + event inserts; SELECT … FOR UPDATE SKIP LOCKED + update + event; update + event) — the
   database's own ceiling;
4. prints cycles/s and p50/p99 latency of both, their ratio, and the CPU milliseconds per cycle of the server
   (user + system time of the gunicorn master and workers, /proc), of PostgreSQL's backends for the bench
   database, and of the bench's own client threads, over the measured window of each phase.

    bench/queue  (or .venv/bin/python bench/queue_bench.py; not queue.py: that name would shadow the stdlib) [--seconds 15] [--rounds 3] [--clerks 16] [--workers cores, at least 2] [--threads 4]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
CSRF = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(32))


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


CLK_TCK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int, *, children: bool = False) -> float:
    """CPU seconds (user + system) of one process; with `children`, also of its exited, waited-for children."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = raw[raw.rindex(")") + 2:].split()  # from field 3 (state) on: the command name may hold spaces
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return ticks / CLK_TCK


def server_cpu(master: int | None) -> float:
    """The gunicorn master (with workers that exited) plus every live worker; 0 without a server."""
    if master is None:
        return 0.0
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return process_cpu(master, children=True) + sum(process_cpu(int(p)) for p in out.split())


def database_cpu(url: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to the bench database (by pid)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url) as conn:
        pids = [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,))]
    return {pid: process_cpu(pid) for pid in pids}


@dataclass
class CpuWindow:
    """CPU seconds spent by the server, PostgreSQL and this process (the client threads) between start and stop."""

    url: str
    server: int | None = None
    marks: dict[str, object] = field(default_factory=dict)

    def start(self) -> None:
        self.marks = {"server": server_cpu(self.server), "db": database_cpu(self.url), "client": time.process_time()}

    def stop(self) -> dict[str, float]:
        db0, db1 = self.marks["db"], database_cpu(self.url)
        assert isinstance(db0, dict)
        return {"server": server_cpu(self.server) - float(self.marks["server"]),  # type: ignore[arg-type]
                "db": sum(cpu - db0.get(pid, 0.0) for pid, cpu in db1.items()),
                "client": time.process_time() - float(self.marks["client"])}  # type: ignore[arg-type]


def fresh_database(name: str) -> str:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG}/{name}"


def setup_django(url: str, var_dir: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["ONEWINDOW_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def setup_hall(clerks: int) -> dict:
    import datetime as dt

    from django.conf import settings as django_settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group, User
    from django.utils.module_loading import import_string

    SessionStore = import_string(f"{django_settings.SESSION_ENGINE}.SessionStore")  # the server's own store

    from onewindow.catalog.models import WindowCategory
    from onewindow.core.access import Role
    from onewindow.hall.models import Counter, Hall, HallCategory, OpeningHours
    from onewindow.hall.services.clerks import clerk_session_start

    hall = Hall.objects.create(code="bench", name="压测大厅", no_lunch_break=True)
    for wd in range(7):
        OpeningHours.objects.create(hall=hall, weekday=wd, opens=dt.time(0, 0), closes=dt.time(23, 59, 59))
    wc, _ = WindowCategory.objects.get_or_create(code="social", defaults={"name": "社会民生", "default_ticket_prefix": "A"})
    hc = HallCategory.objects.create(hall=hall, category=wc, prefix="A")
    group, _ = Group.objects.get_or_create(name=Role.CLERK.value)
    out = []
    for n in range(1, clerks + 1):
        counter = Counter.objects.create(hall=hall, number=n)
        counter.categories.set([hc])
        user = User.objects.create_user(f"bench{n}", password=secrets.token_hex(8))
        user.groups.add(group)
        clerk_session_start(counter=counter, clerk=user)
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        out.append({"counter": counter.pk, "session": s.session_key, "user": user.pk})
    return {"hall": hall.pk, "hall_code": hall.code, "category": hc.pk, "clerks": out}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, var_dir: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, ONEWINDOW_VAR_DIR=var_dir, ONEWINDOW_CONN_MAX_AGE="60",
               ONEWINDOW_DEBUG="0", ONEWINDOW_LOG_LEVEL="ERROR",
               ONEWINDOW_RATE_LIMIT_EXEMPT="127.0.0.0/8")  # the bench plays the hall's own kiosks
    # the command line `onewindow serve` runs (gthread, request limits, timeouts, max-requests), without its
    # access log; keep-alive held for the bench's clients, which reuse their connections
    from onewindow.core.management.commands.serve import Command as Serve

    argv = Serve().gunicorn_argv({"bind": f"127.0.0.1:{port}", "workers": workers, "threads": threads,
                                  "timeout": 60, "access_log": ""})
    proc = subprocess.Popen([*argv, "--log-level", "warning", "--keep-alive", "30"], env=env, cwd=str(ROOT))
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/api/v1/halls/bench/board")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not start")


def post(conn: http.client.HTTPConnection, path: str, body: dict, cookie: str | None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if cookie:  # a signed-in browser: session cookie plus the CSRF cookie/header pair
        headers["Cookie"] = f"sessionid={cookie}; csrftoken={CSRF}"
        headers["X-CSRFToken"] = CSRF
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    r = conn.getresponse()
    raw = r.read()
    try:
        return r.status, json.loads(raw or b"{}")
    except ValueError:
        return r.status, {"raw": raw[:200].decode("utf-8", "replace")}


@dataclass
class HttpRun:
    """What the HTTP clerks share: the stop and measuring flags and the figures they report."""

    port: int
    setup: dict
    stop: threading.Event = field(default_factory=threading.Event)
    measuring: threading.Event = field(default_factory=threading.Event)
    measured_from: float = float("inf")
    lock: threading.Lock = field(default_factory=threading.Lock)
    cycles: list[float] = field(default_factory=list)
    ops: dict[str, list[float]] = field(default_factory=lambda: {"issue": [], "call": [], "finish": []})
    errors: list[str] = field(default_factory=list)
    empty: int = 0
    issued: int = 0  # tickets the server answered 201 for (all of them, measured or not)

    def cycle(self, conn: http.client.HTTPConnection, info: dict) -> list[float] | None:
        """One issue + call-next + finish: the three latencies, [] when the queue was empty, None on an error."""
        steps = [(f"/api/v1/halls/{self.setup['hall_code']}/tickets", {"category": "social"}, None, 201),
                 (f"/api/v1/counters/{info['counter']}/call-next", {}, info["session"], 200),
                 (f"/api/v1/counters/{info['counter']}/finish", {}, info["session"], 200)]
        times = [time.perf_counter()]
        for n, (path, body, cookie, expected) in enumerate(steps):
            status, answer = post(conn, path, body, cookie)
            times.append(time.perf_counter())
            if status != expected:
                self.errors.append(f"{path} {status} {answer}")
                return None
            if n == 0:
                with self.lock:
                    self.issued += 1
            if n == 1 and answer.get("ticket") is None:
                with self.lock:
                    self.empty += 1
                return []
        return [b - a for a, b in zip(times, times[1:], strict=False)] if times[0] >= self.measured_from else []

    def clerk(self, info: dict) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        mine: list[list[float]] = []
        try:
            while not self.stop.is_set():
                lat = self.cycle(conn, info)
                if lat is None:
                    return
                if lat and self.measuring.is_set():
                    mine.append(lat)
        finally:
            conn.close()
            with self.lock:
                for lat in mine:
                    self.cycles.append(sum(lat))
                    for op, v in zip(("issue", "call", "finish"), lat, strict=True):
                        self.ops[op].append(v)


def http_phase(port: int, setup: dict, seconds: float, warmup: float, cpu: CpuWindow) -> dict:
    run = HttpRun(port, setup)
    threads = [threading.Thread(target=run.clerk, args=(c,)) for c in setup["clerks"]]
    for t in threads:
        t.start()
    time.sleep(warmup)  # every worker process imports and connects first; not measured
    cpu.start()
    run.measured_from = time.perf_counter()
    run.measuring.set()
    time.sleep(seconds)
    run.stop.set()
    elapsed = time.perf_counter() - run.measured_from  # cycles that started before the stop are counted
    used = cpu.stop()
    for t in threads:
        t.join(60)
    return {"cycles": len(run.cycles), "elapsed": elapsed, "lat": run.cycles, "ops": run.ops, "errors": run.errors,
            "empty": run.empty, "issued": run.issued, "cpu": used}


def ticket_audit(setup: dict, issued: int) -> dict[str, int]:
    """After the HTTP phase: tickets the server confirmed but the database does not hold (lost), tickets called
    more than once or by two counters (double-called), and how the rest ended."""
    from django.db.models import Count

    from onewindow.hall.models import Ticket, TicketEvent

    http = Ticket.objects.filter(hall_id=setup["hall"], day__lt=_sql_day())  # not the raw SQL phase's
    calls = (TicketEvent.objects.filter(ticket__in=http, action="called").values("ticket")
             .annotate(n=Count("id"), counters=Count("counter", distinct=True)))
    double = sum(1 for c in calls if c["n"] > 1 or c["counters"] > 1)
    by_status = dict(http.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {"lost": max(issued - http.count(), 0), "double": double, **by_status}


def _sql_day() -> object:
    import datetime as dt

    return dt.date.today() + dt.timedelta(days=500)  # the raw SQL phase dates its tickets 1000 days ahead


def statements_per_op(setup: dict) -> dict[str, int]:
    """SQL statements of one issue, call-next and finish, counted in process (Django's test client, same
    database, caches warmed by a first cycle; transaction control not counted, as in tests/hall)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    kiosk, clerk = Client(), Client()
    info = setup["clerks"][0]
    clerk.cookies["sessionid"] = info["session"]
    steps = {"issue": lambda: kiosk.post(f"/api/v1/halls/{setup['hall_code']}/tickets", {"category": "social"},
                                         content_type="application/json"),
             "call": lambda: clerk.post(f"/api/v1/counters/{info['counter']}/call-next"),
             "finish": lambda: clerk.post(f"/api/v1/counters/{info['counter']}/finish", {},
                                          content_type="application/json")}
    steps["issue"]()
    for step in steps.values():
        step()
    counts = {}
    for name, step in steps.items():
        with CaptureQueriesContext(connection) as sql:
            step()
        counts[name] = sum(1 for q in sql.captured_queries if (q["sql"] or "?").split(" ")[0] not in ("BEGIN", "COMMIT"))
    return counts


# one ticket event, as core.events.record_event writes it (the actor's label is left empty here)
EVENT_SQL = ("INSERT INTO hall_ticketevent (ticket_id, action, at, actor_id, actor_label, from_status, to_status,"
             " reason, correlation, data, counter_id, to_category_id)"
             " VALUES (%s, %s, now(), %s, '', %s, %s, '', '', '{}', %s, %s)")


def sql_phase(url: str, setup: dict, seconds: float) -> dict:
    import psycopg

    stop = threading.Event()
    lock = threading.Lock()
    cycles: list[float] = []
    errors: list[str] = []
    hall, category = setup["hall"], setup["category"]
    scope = f"ticket:{hall}:{category}:sql"  # its own numbering and day, apart from the HTTP phase

    def clerk(info: dict) -> None:
        mine = []
        try:
            with psycopg.connect(url) as conn:
                while not stop.is_set():
                    t0 = time.perf_counter()
                    with conn.transaction():
                        seq = conn.execute(
                            "INSERT INTO core_dailycounter (scope, day, value) VALUES (%s, current_date, 1) "
                            "ON CONFLICT (scope, day) DO UPDATE SET value = core_dailycounter.value + 1 "
                            "RETURNING value", (scope,)).fetchone()[0]
                        tid = conn.execute(
                            "INSERT INTO hall_ticket (hall_id, category_id, issued_category_id, day, seq, number, token,"
                            " priority, priority_reason, source, issued_at, effective_time, status, requeue_count,"
                            " bundle_code, service_label, items_handled, phone) VALUES (%s, %s, %s, current_date + 1000,"
                            " %s, %s, %s, 0, '', 'kiosk', now(), now(), 'waiting', 0, '', '', '', '') RETURNING id",
                            (hall, category, category, seq, f"A{seq:03d}", secrets.token_urlsafe(12))).fetchone()[0]
                        conn.execute(EVENT_SQL, (tid, "issued", None, "", "waiting", None, category))
                    with conn.transaction():
                        row = conn.execute(
                            "SELECT id FROM hall_ticket WHERE hall_id = %s AND status = 'waiting' AND category_id = %s"
                            " AND day = current_date + 1000 AND effective_time <= now() ORDER BY priority DESC, effective_time, id LIMIT 1"
                            " FOR UPDATE SKIP LOCKED", (hall, category)).fetchone()
                        if row is None:
                            continue
                        conn.execute("UPDATE hall_ticket SET status = 'called', counter_id = %s, clerk_id = %s"
                                     " WHERE id = %s AND status = 'waiting'", (info["counter"], info["user"], row[0]))
                        conn.execute(EVENT_SQL, (row[0], "called", info["user"], "waiting", "called", info["counter"],
                                                 None))
                    with conn.transaction():
                        conn.execute("UPDATE hall_ticket SET status = 'finished' WHERE id = %s", (row[0],))
                        conn.execute(EVENT_SQL, (row[0], "finished", info["user"], "called", "finished",
                                                 info["counter"], None))
                    mine.append(time.perf_counter() - t0)
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            with lock:
                cycles.extend(mine)

    threads = [threading.Thread(target=clerk, args=(c,)) for c in setup["clerks"]]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(0.5)  # every thread has connected (its backend is counted from here)
    cpu = CpuWindow(url)
    cpu.start()
    t_cpu = time.perf_counter()
    time.sleep(max(seconds - 0.5, 0.5))
    stop.set()
    used, t_end = cpu.stop(), time.perf_counter()  # while the backends are still connected
    for t in threads:
        t.join(60)
    # the CPU window leaves out the first half second: its share of the cycles is left out with it
    return {"cycles": len(cycles), "elapsed": time.perf_counter() - t0, "lat": cycles, "errors": errors, "cpu": used,
            "cpu_cycles": len(cycles) * (t_end - t_cpu) / (time.perf_counter() - t0)}


def merge(rounds: list[dict]) -> dict:
    """One phase's figures summed over its rounds (cycles, seconds, latencies, CPU; errors and counts added up)."""
    out: dict = {"cycles": 0, "elapsed": 0.0, "lat": [], "errors": [], "cpu": {}, "empty": 0, "issued": 0,
                 "ops": {"issue": [], "call": [], "finish": []}, "cpu_cycles": 0.0}
    for r in rounds:
        out["cycles"] += r["cycles"]
        out["elapsed"] += r["elapsed"]
        out["lat"] += r["lat"]
        out["errors"] += r["errors"]
        out["empty"] += r.get("empty", 0)
        out["issued"] += r.get("issued", 0)
        out["cpu_cycles"] += r.get("cpu_cycles", r["cycles"])
        for op, values in r.get("ops", {}).items():
            out["ops"][op] += values
        for who, seconds in r["cpu"].items():
            out["cpu"][who] = out["cpu"].get(who, 0.0) + seconds
    return out


def main() -> None:
    from onewindow.core.management.commands.serve import default_workers

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--warmup", type=float, default=5)
    ap.add_argument("--clerks", type=int, default=16)
    ap.add_argument("--workers", type=int, default=default_workers())  # `onewindow serve`'s defaults
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--database", default="ow_hall_bench")
    ap.add_argument("--rounds", type=int, default=3, help="alternate the two phases this many times each")
    args = ap.parse_args()

    load_before = f"{os.getloadavg()[0]:.1f}"
    url = fresh_database(args.database)
    var_dir = tempfile.mkdtemp(prefix="ow-bench-queue-")
    setup_django(url, var_dir)
    setup = setup_hall(args.clerks)
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = start_server(url, var_dir, port, args.workers, args.threads)
    # The phases alternate (HTTP, raw SQL, HTTP, raw SQL …) so that a shared machine whose speed drifts over a
    # minute weighs on both sides of the ratio alike; the figures below are the sums over the rounds.
    rounds_http: list[dict] = []
    rounds_sql: list[dict] = []
    try:
        for n in range(args.rounds):
            rounds_http.append(http_phase(port, setup, args.seconds / args.rounds,
                                          args.warmup if n == 0 else 1.0, CpuWindow(url, server.pid)))
            rounds_sql.append(sql_phase(url, setup, args.seconds / args.rounds))
    finally:
        server.terminate()
        server.wait(30)
    h, s = merge(rounds_http), merge(rounds_sql)
    audit = ticket_audit(setup, h["issued"])
    statements = statements_per_op(setup)

    def cpu_line(r: dict) -> None:
        n = max(r.get("cpu_cycles", r["cycles"]), 1)
        parts = [f"{who} {1000 * r['cpu'][who] / n:.1f} ms" for who in ("server", "db", "client") if who in r["cpu"]]
        print("    CPU per cycle: " + "   ".join(parts))

    def line(label: str, r: dict) -> float:
        rate = r["cycles"] / r["elapsed"]
        print(f"{label:<34} {r['cycles']:>6} cycles in {r['elapsed']:5.1f} s = {rate:8.1f} cycles/s   "
              f"p50 {1000 * pct(r['lat'], 50):7.1f} ms   p99 {1000 * pct(r['lat'], 99):7.1f} ms")
        return rate

    print(f"bench/queue: {args.clerks} concurrent clerks, issue + call-next + finish, PostgreSQL "
          f"{args.database}, {os.cpu_count()} CPU cores")
    print(f"load average before/after: {load_before} / {os.getloadavg()[0]:.1f} (a shared machine skews both figures)")
    print(f"server: onewindow serve's gunicorn, gthread {args.workers} workers × {args.threads} threads, "
          f"CONN_MAX_AGE=60, loopback")
    rh = line("HTTP API (Django + ninja)", h)
    for op in ("issue", "call", "finish"):
        v = h["ops"][op]
        print(f"    {op:<8} p50 {1000 * pct(v, 50):7.1f} ms   p99 {1000 * pct(v, 99):7.1f} ms   "
              f"mean {1000 * statistics.fmean(v) if v else float('nan'):7.1f} ms   "
              f"SQL statements {statements[op]}")
    print(f"    SQL statements per cycle: {sum(statements.values())} (raw SQL: 8)   tickets issued "
          f"{h['issued']}: lost {audit.pop('lost')}, double-called {audit.pop('double')}, ended {audit}")
    cpu_line(h)
    rs = line("raw SQL (psycopg, same work)", s)
    s["cpu"].pop("server")
    cpu_line(s)
    if args.rounds > 1:
        each = [f"{hr['cycles'] / hr['elapsed'] / (sr['cycles'] / sr['elapsed']):.3f}"
                for hr, sr in zip(rounds_http, rounds_sql, strict=True) if sr["cycles"]]
        rates = [" / ".join(f"{r['cycles'] / r['elapsed']:.0f}" for r in rs_) for rs_ in (rounds_http, rounds_sql)]
        print(f"ratio in each of the {args.rounds} rounds: {', '.join(each)}   (cycles/s HTTP {rates[0]}, "
              f"raw SQL {rates[1]})")
    if rh and rs:
        print(f"ratio HTTP / raw SQL: {rh / rs:.3f}  (raw SQL is {rs / rh:.1f}× faster)")
    if h["errors"] or s["errors"]:
        print("errors:", (h["errors"] + s["errors"])[:5])
    if h["empty"]:
        print(f"call-next found the queue empty {h['empty']} times (another counter took the ticket)")


if __name__ == "__main__":
    main()
