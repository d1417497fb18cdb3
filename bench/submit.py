#!/usr/bin/env python
"""bench/submit: bundle submissions per second through the HTTP API on PostgreSQL with concurrent clients.

A fresh database (default ow_cases_bench_submit; override BENCH_DATABASE_URL) gets a 6-item bundle (3 departments)
needing 8 distinct materials, and one signed-in citizen per client. A real server process (gunicorn, sync workers)
listens on a loopback port; each client thread POSTs multipart submissions (payload + 8 small PDF/JPEG/PNG files,
fresh Idempotency-Key) for a bounded duration. Prints the rate, p50/p99 latency, the SQL statements of one
submission (counted in process afterwards) and the rows created.

    .venv/bin/python bench/submit.py                 # 8 clients, 4 workers, 20 s
    BENCH_CLIENTS=16 BENCH_WORKERS=4 BENCH_SECONDS=30 .venv/bin/python bench/submit.py
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ow_cases_bench_submit"
URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
VAR = os.environ.get("BENCH_VAR_DIR", "/tmp/ow-bench-submit")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
os.environ["ONEWINDOW_VAR_DIR"] = VAR

PDF = b"%PDF-1.4\n" + b"0" * 20_000 + b"\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"1" * 30_000
PNG = b"\x89PNG\r\n\x1a\n" + b"2" * 10_000


def recreate_database() -> None:
    import psycopg

    base, name = URL.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup() -> tuple[list[str], list[str]]:
    """The bundle and CLIENTS citizens with a session each; returns (session keys, material codes)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group, User
    from django.utils.module_loading import import_string

    SessionStore = import_string(f"{settings.SESSION_ENGINE}.SessionStore")  # the server's own store
    from django.core.management import call_command

    from onewindow.bundles.models import Bundle, BundleItem, FormField
    from onewindow.catalog.models import (
        CanonicalMaterial,
        Department,
        ItemMaterial,
        ServiceItem,
    )
    from onewindow.core.models import Profile

    call_command("migrate", verbosity=0)
    depts = [Department.objects.create(code=f"S-{i}", name=f"基准部门{i}") for i in range(3)]
    materials = [CanonicalMaterial.objects.create(code=f"BM-{i}", name=f"基准材料{i}") for i in range(8)]
    bundle = Bundle.objects.create(code="bench-6", name="基准一件事（6个事项）", lead_department=depts[0])
    for j in range(6):
        item = ServiceItem.objects.create(name=f"基准事项{j}", code=f"BI-{j}", department=depts[j % 3],
                                          promised_limit=(5, 10, 15, 3, 20, 8)[j], handling_type="2", status="published")
        BundleItem.objects.create(bundle=bundle, item=item, always=True, order=j)
        for k in {j, (j + 2) % 8, 6 + j % 2}:  # 8 distinct materials over 6 items, several shared
            ItemMaterial.objects.create(item=item, material=materials[k], necessity="1")
        FormField.objects.create(item=item, key="company", label="单位名称", kind="text")
        FormField.objects.create(item=item, key=f"f{j}", label=f"字段{j}", kind="text", required=False)
    group, _ = Group.objects.get_or_create(name="citizen")
    keys = []
    for i in range(CLIENTS):
        user = User.objects.create_user(f"bench{i}", password="bench-password-1")
        user.groups.add(group)
        Profile.objects.create(user=user, display_name=f"基准{i}")
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    assert settings.SESSION_COOKIE_NAME == "sessionid"
    return keys, [m.code for m in materials]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not start")


def id_number(i: int) -> str:
    from onewindow.core.validators import id_check_digit

    first17 = f"35098119900101{i % 1000:03d}"
    return first17 + id_check_digit(first17)


@contextlib.contextmanager
def server(port: int) -> Iterator[None]:
    """gunicorn (sync workers) on a loopback port, for the duration of the block."""
    # the clients all come from the loopback address: exempt it, as the load benches do (a real address would be
    # limited to 60 submissions an hour, cases.intake.SUBMIT_LIMITS)
    env = {**os.environ, "ONEWINDOW_CONN_MAX_AGE": "60", "ONEWINDOW_RATE_LIMIT_EXEMPT": "127.0.0.0/8"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen([str(gunicorn), "onewindow.wsgi:application", "-b", f"127.0.0.1:{port}", "-w",
                                str(WORKERS), "--log-level", "warning", "--timeout", "120", "--preload"], env=env,
                               start_new_session=True)
    try:
        wait_for(port)
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


class Run:
    """The clients' shared tally: latencies of accepted submissions after the warm-up, and errors."""

    def __init__(self, port: int, keys: list[str], codes: list[str]) -> None:
        self.url = f"http://127.0.0.1:{port}/api/v1/applications"
        self.keys = keys
        self.files = [(f"material.{code}", (f"m{i}.{ext}", blob)) for i, (code, (ext, blob)) in enumerate(
            zip(codes, [("pdf", PDF), ("jpg", JPEG), ("png", PNG)] * 3, strict=False))]
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.stop_at = time.perf_counter() + SECONDS + 2  # 2 s of warm-up not counted
        self.count_from = time.perf_counter() + 2

    def session(self, n: int) -> Any:
        import requests

        s = requests.Session()
        s.cookies.set("sessionid", self.keys[n], domain="127.0.0.1")
        # a signed-in API caller proves same-origin with the CSRF cookie + header pair
        token = uuid.uuid4().hex
        s.cookies.set("csrftoken", token, domain="127.0.0.1")
        s.headers["X-CSRFToken"] = token
        return s

    def client(self, n: int) -> None:
        s = self.session(n)
        i = 0
        while time.perf_counter() < self.stop_at:
            payload = {"kind": "bundle", "code": "bench-6", "answers": {},
                       "applicant": {"kind": "person", "name": f"基准申请人{n}", "id_number": id_number(n * 1000 + i),
                                     "phone": f"1390593{n:02d}{i % 100:02d}"},
                       "form": {"company": "基准科技有限公司"}}
            t = time.perf_counter()
            r = s.post(self.url, data={"payload": json.dumps(payload, ensure_ascii=False)}, files=self.files,
                       headers={"Idempotency-Key": uuid.uuid4().hex}, timeout=60)
            self.record(t, time.perf_counter() - t, r)
            i += 1

    def record(self, started: float, took: float, r: Any) -> None:
        with self.lock:
            if r.status_code != 201:
                self.errors.append(f"{r.status_code} {r.text[:200]}")
            elif started >= self.count_from:
                self.latencies.append(took)

    def guarded(self, n: int) -> None:
        try:
            self.client(n)
        except Exception as exc:  # noqa: BLE001 - report, do not hang
            with self.lock:
                self.errors.append(f"client {n}: {exc!r}")


def warm_up(port: int, key: str) -> None:
    """Every worker imports its URL configuration, templates and calendar on first use."""
    import requests

    warm = requests.Session()
    warm.cookies.set("sessionid", key, domain="127.0.0.1")
    for _ in range(WORKERS * 2):
        warm.get(f"http://127.0.0.1:{port}/cases/mine/", timeout=120)


def statements_per_submission(key: str, codes: list[str]) -> int:
    """SQL statements of one bundle submission, counted in this process (Django's test client, same database and
    session, a first submission warming the caches; transaction control not counted, as in bench/queue)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.cookies["sessionid"] = key

    def submit(n: int) -> None:
        payload = {"kind": "bundle", "code": "bench-6", "answers": {},
                   "applicant": {"kind": "person", "name": "基准计数", "id_number": id_number(900_000 + n),
                                 "phone": f"1390594{n:04d}"}, "form": {"company": "基准科技有限公司"}}
        files = {f"material.{code}": SimpleUploadedFile(f"m{i}.{ext}", blob) for i, (code, (ext, blob)) in enumerate(
            zip(codes, [("pdf", PDF), ("jpg", JPEG), ("png", PNG)] * 3, strict=False))}
        r = client.post("/api/v1/applications", {"payload": json.dumps(payload, ensure_ascii=False), **files},
                        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
        if r.status_code != 201:
            raise SystemExit(f"counting submission refused: {r.status_code} {r.content[:200]!r}")

    submit(1)
    with CaptureQueriesContext(connection) as sql:
        submit(2)
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")
    return sum(1 for q in sql.captured_queries if not (q["sql"] or "?").startswith(control))


def report(run: Run) -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT (SELECT count(*) FROM cases_application), (SELECT count(*) FROM cases_case), "
                  "(SELECT count(*) FROM cases_submittedmaterial), (SELECT count(*) FROM cases_caseevent)")
        apps, cases, mats, events = c.fetchone()
    if run.errors:
        print(f"errors: {len(run.errors)}; first: {run.errors[0]}")
    if not run.latencies:
        raise SystemExit("no successful submissions")
    lat = sorted(run.latencies)
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    print(f"submissions: {len(lat)} in {SECONDS:.0f} s → {len(lat) / SECONDS:.1f} bundle submissions/s "
          f"({len(lat) * 6 / SECONDS:.0f} cases/s)")
    print(f"latency p50 {statistics.median(lat) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms")
    print(f"rows: {apps} applications, {cases} cases ({cases / max(apps, 1):.1f} per application), "
          f"{mats} stored materials ({mats / max(apps, 1):.1f} per application), {events} events")


def main() -> None:
    print(f"bench/submit on {URL}: {CLIENTS} clients, {WORKERS} gunicorn workers, {SECONDS:.0f} s")
    recreate_database()
    Path(VAR).mkdir(parents=True, exist_ok=True)
    keys, codes = setup()
    port = free_port()
    with server(port):
        warm_up(port, keys[0])
        run = Run(port, keys, codes)
        threads = [threading.Thread(target=run.guarded, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    report(run)  # the rows of the run; the two counting submissions come after it
    print(f"SQL statements per submission: {statements_per_submission(keys[0], codes)}")


if __name__ == "__main__":
    main()
