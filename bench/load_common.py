# ruff: noqa: B023 — the lambdas passed to Stats.timed are called at once, inside the loop iteration
"""Shared by bench/load.py and bench/faults.py: a fresh PostgreSQL database with a small realistic world,
signed-in sessions for every actor, the production server (`onewindow serve`) and worker (`onewindow worker`)
as child processes, and the HTTP actions of citizens, clerks, reviewers, raters and volunteers."""

from __future__ import annotations

import base64
import datetime as dt
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.4\n% bench\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def fresh_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str, var_dir: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["ONEWINDOW_VAR_DIR"] = var_dir
    # `onewindow serve` refuses the built-in key; the bench and its servers share this one (sessions made here)
    os.environ.setdefault("ONEWINDOW_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    Path(var_dir).mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def _session(user: Any) -> str:
    from django.conf import settings as django_settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    SessionStore = import_string(f"{django_settings.SESSION_ENGINE}.SessionStore")  # the server's own store

    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return s.session_key


def _user(username: str, *roles: str, department: Any = None) -> Any:
    from django.contrib.auth.models import Group, User

    from onewindow.core.models import Profile

    user = User.objects.create(username=username)
    for role in roles:
        group, _ = Group.objects.get_or_create(name=str(role))
        user.groups.add(group)
    Profile.objects.create(user=user, department=department, display_name=username)
    return user


def seed(*, citizens: int = 20, counters: int = 4, volunteers: int = 6) -> dict[str, Any]:
    """Two departments, a two-item bundle (企业招用员工一件事), a hall open all day, clerks at counters,
    one reviewer per department, citizens, and a community with a service menu and volunteers."""
    from onewindow.bundles.models import Bundle, BundleItem, FormField
    from onewindow.catalog.models import (
        CanonicalMaterial,
        Department,
        ItemMaterial,
        ServiceItem,
        WindowCategory,
    )
    from onewindow.community.models import CoBuildingUnit, Community, Compound, Member, MenuItem, Street
    from onewindow.community.services import members as community
    from onewindow.core.access import Role
    from onewindow.hall.models import Counter, Hall, HallCategory, OpeningHours
    from onewindow.hall.services.clerks import clerk_session_start

    rsj = Department.objects.create(code="FA-RSJ", name="福安市人力资源和社会保障局", short_name="人社局")
    ybj = Department.objects.create(code="FA-YBJ", name="福安市医疗保障局", short_name="医保局")
    m_id = CanonicalMaterial.objects.create(code="M-ID", name="居民身份证")
    m_contract = CanonicalMaterial.objects.create(code="M-CONTRACT", name="劳动合同")
    employ = ServiceItem.objects.create(name="就业登记", code="FA-EMPLOY", department=rsj, promised_limit=5,
                                        legal_limit=20, handling_type="2", status="published")
    insure = ServiceItem.objects.create(name="职工医保参保登记", code="FA-INSURE", department=ybj, promised_limit=3,
                                        legal_limit=20, handling_type="2", status="published")
    for item in (employ, insure):
        ItemMaterial.objects.create(item=item, material=m_id, necessity="1")
        FormField.objects.create(item=item, key="employer", label="用人单位名称", kind="text", required=True)
    ItemMaterial.objects.create(item=employ, material=m_contract, necessity="1")
    bundle = Bundle.objects.create(code="FA-HIRE", name="企业招用员工一件事", lead_department=rsj)
    BundleItem.objects.create(bundle=bundle, item=employ, always=True, order=1)
    BundleItem.objects.create(bundle=bundle, item=insure, always=True, order=2)

    hall = Hall.objects.create(code="fuan", name="福安市行政服务中心", no_lunch_break=True)
    for wd in range(7):
        OpeningHours.objects.create(hall=hall, weekday=wd, opens=dt.time(0, 0), closes=dt.time(23, 59, 59))
    wc, _ = WindowCategory.objects.get_or_create(code="social", defaults={"name": "社会民生", "default_ticket_prefix": "A"})
    hc = HallCategory.objects.create(hall=hall, category=wc, prefix="A")
    clerks = []
    for n in range(1, counters + 1):
        counter = Counter.objects.create(hall=hall, number=n, name=f"{n}号综合窗口")
        counter.categories.set([hc])
        user = _user(f"clerk{n}", Role.CLERK)
        clerk_session_start(counter=counter, clerk=user)
        clerks.append({"counter": counter.pk, "session": _session(user)})
    reviewers = [_session(_user("reviewer_rsj", Role.REVIEWER, department=rsj)),
                 _session(_user("reviewer_ybj", Role.REVIEWER, department=ybj))]
    citizen_sessions = [_session(_user(f"citizen{i}", Role.CITIZEN)) for i in range(citizens)]

    street = Street.objects.create(name="镇海街道")
    east = Community.objects.create(street=street, name="东梅社区")
    compound = Compound.objects.create(community=east, name="浅水湾小区")
    menu = MenuItem.objects.create(name="义诊服务", category=MenuItem.Category.PUBLIC, suggested_minutes=60)
    employer = CoBuildingUnit.objects.create(name="荔城区教育局", party_org_name="荔城区教育局党组")
    worker = _user("community_worker", Role.COMMUNITY_WORKER)
    volunteer_sessions = []
    for i in range(volunteers):
        user = _user(f"volunteer{i}", Role.VOLUNTEER)
        community.member_create(name=f"党员{i}", category=Member.Category.IN_SERVICE, home_compound=compound,
                                employer=employer, phone="13959412368", user=user, actor=None)
        volunteer_sessions.append(_session(user))
    return {"bundle": bundle.code, "hall": hall.code, "clerks": clerks, "reviewers": reviewers,
            "citizens": citizen_sessions, "worker": _session(worker), "volunteers": volunteer_sessions,
            "menu": menu.pk, "compound": compound.pk}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env(url: str, var_dir: str) -> dict[str, str]:
    return dict(os.environ, DATABASE_URL=url, ONEWINDOW_VAR_DIR=var_dir, ONEWINDOW_CONN_MAX_AGE="60",
                ONEWINDOW_DEBUG="0", ONEWINDOW_LOG_LEVEL="ERROR",
                ONEWINDOW_RATE_LIMIT_EXEMPT="127.0.0.0/8")  # the bench plays the hall's kiosks and many citizens


def start_server(url: str, var_dir: str, port: int, workers: int, threads: int = 4) -> subprocess.Popen:
    onewindow = str(Path(sys.executable).parent / "onewindow")
    proc = subprocess.Popen([onewindow, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                             "--threads", str(threads), "--access-log", ""],
                            env=child_env(url, var_dir), cwd=str(ROOT), start_new_session=True)
    wait_ready(port)
    return proc


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code in (200, 503):
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit("server did not start")


def start_worker(url: str, var_dir: str) -> subprocess.Popen:
    onewindow = str(Path(sys.executable).parent / "onewindow")
    return subprocess.Popen([onewindow, "worker", "--interval", "0.5"], env=child_env(url, var_dir), cwd=str(ROOT),
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def gunicorn_workers(master_pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master_pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


class Http:
    """A signed-in (or anonymous) browser-like client: session cookie plus the CSRF cookie and header."""

    def __init__(self, port: int, session_key: str | None = None) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.s = requests.Session()
        token = secrets.token_hex(16)
        self.s.cookies.set("csrftoken", token)
        self.s.headers["X-CSRFToken"] = token
        if session_key:
            self.s.cookies.set("sessionid", session_key)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.s.get(self.base + path, timeout=30, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> requests.Response:
        return self.s.post(self.base + path, json=body if body is not None else {}, timeout=30, **kw)


def id_number(i: int) -> str:
    from onewindow.core.validators import id_check_digit

    first17 = f"35098119900101{i % 1000:03d}"
    return first17 + id_check_digit(first17)


def submission(i: int, bundle: str) -> dict[str, Any]:
    files = {"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("contract.pdf", PDF)}
    return {"kind": "bundle", "code": bundle, "answers": {},
            "applicant": {"kind": "person", "name": "林晓梅", "id_number": id_number(i), "phone": "13905931234"},
            "form": {"employer": "福安市闽东电机有限公司"},
            "files": {code: {"name": name, "content_base64": base64.b64encode(content).decode()}
                      for code, (name, content) in files.items()}}


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []

    def record(self, op: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.latency[op].append(seconds)
            if not ok:
                self.errors[op] += 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{op}: {detail[:200]}")

    def timed(self, op: str, call: Any, ok_statuses: tuple[int, ...] = (200, 201),
              idempotent: bool = False) -> requests.Response | None:
        """Time one call. An idempotent call (a submission carrying its Idempotency-Key) is retried once when a
        kept-alive connection was closed by the server just as it was reused, as a browser would."""
        start = time.perf_counter()
        try:
            try:
                response = call()
            except requests.ConnectionError:
                if not idempotent:
                    raise
                response = call()
        except requests.RequestException as exc:
            self.record(op, time.perf_counter() - start, False, repr(exc))
            return None
        self.record(op, time.perf_counter() - start, response.status_code in ok_statuses,
                    f"{response.status_code} {response.text[:150]}")
        return response

    def table(self, seconds: float) -> str:
        lines = [f"{'operation':24} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"]
        total = 0
        for op in sorted(self.latency):
            values = sorted(self.latency[op])
            total += len(values)
            p50 = values[len(values) // 2] * 1000
            p99 = values[min(len(values) - 1, int(len(values) * 0.99))] * 1000
            lines.append(f"{op:24} {len(values):8} {len(values) / seconds:7.1f} {p50:8.1f} {p99:8.1f} "
                         f"{self.errors.get(op, 0):6}")
        lines.append(f"{'total':24} {total:8} {total / seconds:7.1f} {'':8} {'':8} {sum(self.errors.values()):6}")
        return "\n".join(lines)


def actors(port: int, world: dict[str, Any], stats: Stats, stop_at: float, record: dict[str, list]) -> list[threading.Thread]:
    """One thread per role family, looping until stop_at. `record` collects ids for the fault checks."""
    rng = random.Random(7)
    lock = threading.Lock()
    accepted: set[str] = set()

    def citizen(k: int) -> None:
        http = Http(port, world["citizens"][k % len(world["citizens"])])
        anon = Http(port)
        n = 0
        while time.time() < stop_at:
            n += 1
            stats.timed("browse_catalog_page", lambda: anon.get("/catalog/"))
            stats.timed("browse_bundle_api", lambda: anon.get(f"/api/v1/bundles/{world['bundle']}"))
            stats.timed("browse_guide_page", lambda: anon.get(f"/bundles/{world['bundle']}/"))
            r = stats.timed("take_ticket", lambda: anon.post(f"/api/v1/halls/{world['hall']}/tickets",
                                                            {"category": "social"}), (201,))
            if r is not None and r.status_code == 201:
                with lock:
                    record["tickets"].append(r.json()["id"])
            if n % 2 == 0:
                key = f"bench-{k}-{n}-{secrets.token_hex(4)}"
                r = stats.timed("submit_application", lambda: http.post(
                    "/api/v1/applications", submission(k * 1000 + n, world["bundle"]),
                    headers={"Idempotency-Key": key}), (200, 201), idempotent=True)
                if r is not None and r.status_code in (200, 201):
                    with lock:
                        record["applications"].append(r.json()["number"])

    def clerk(c: dict[str, Any]) -> None:
        http = Http(port, c["session"])
        while time.time() < stop_at:
            r = stats.timed("clerk_call_next", lambda: http.post(f"/api/v1/counters/{c['counter']}/call-next"),
                            (200, 404, 409))
            if r is None or r.status_code != 200 or not r.json().get("ticket"):
                time.sleep(0.2)
            else:
                stats.timed("clerk_finish", lambda: http.post(f"/api/v1/counters/{c['counter']}/finish",
                                                              {"items_handled": "就业登记"}))
                with lock:
                    record["finished"].append(r.json()["ticket"]["id"])
            with lock:  # accept the applications no clerk has taken yet (a lost race answers 409)
                pending = [n for n in record["applications"] if n not in accepted][:3]
                accepted.update(pending)
            for number in pending:
                stats.timed("clerk_accept_application",
                            lambda number=number: http.post(f"/api/v1/applications/{number}/accept"), (200, 409))

    def reviewer(session: str) -> None:
        http = Http(port, session)
        while time.time() < stop_at:
            r = stats.timed("reviewer_worklist", lambda: http.get("/api/v1/worklist?status=accepted&per_page=10"))
            rows = r.json().get("results", []) if r is not None and r.status_code == 200 else []
            decided = False
            for row in [r for r in rows if r["status"] in ("accepted", "under_review")][:3]:
                number = row["number"]
                if row["status"] in ("accepted", "under_review"):
                    if row["status"] == "accepted":
                        stats.timed("reviewer_start_review",
                                    lambda: http.post(f"/api/v1/cases/{number}/start-review"), (200, 409))
                    stats.timed("reviewer_approve", lambda: http.post(f"/api/v1/cases/{number}/approve",
                                                                      {"opinion": "符合条件"}), (200, 409))
                    decided = True
            if not decided:
                time.sleep(0.3)

    def rater() -> None:
        from onewindow.feedback.links import rating_url

        anon = Http(port)
        done: set[int] = set()
        while time.time() < stop_at:
            with lock:
                todo = [t for t in record["finished"] if t not in done][:3]
            if not todo:
                time.sleep(0.3)
                continue
            for ticket_id in todo:
                done.add(ticket_id)
                token = rating_url(target_kind="ticket", target_id=ticket_id, channel="4").rstrip("/").rsplit("/", 1)[1]
                level = rng.choice(["very_satisfied", "satisfied", "very_satisfied", "basic"])
                r = stats.timed("rate_service", lambda: anon.post("/api/v1/feedback/ratings",
                                                                  {"token": token, "level": level}), (201, 409))
                if r is not None and r.status_code == 201:
                    with lock:
                        record["ratings"].append(ticket_id)

    def board() -> None:
        anon = Http(port)
        while time.time() < stop_at:
            stats.timed("board_poll", lambda: anon.get(f"/api/v1/halls/{world['hall']}/board"))
            time.sleep(0.5)

    def timebank(v: int) -> None:
        worker = Http(port, world["worker"])
        volunteer = Http(port, world["volunteers"][v])
        while time.time() < stop_at:
            r = stats.timed("order_place", lambda: worker.post("/api/v1/community/orders", {
                "menu_item_id": world["menu"], "compound_id": world["compound"],
                "service_date": dt.date.today().isoformat(), "description": "为独居老人测血压"}), (201,))
            if r is None or r.status_code != 201:
                time.sleep(0.3)
                continue
            order = r.json()["id"]
            stats.timed("order_take", lambda: volunteer.post(f"/api/v1/community/orders/{order}/take"), (200, 409))
            stats.timed("order_done", lambda: volunteer.post(f"/api/v1/community/orders/{order}/done",
                                                             {"note": "已完成"}), (200, 409))
            r = stats.timed("order_confirm", lambda: worker.post(f"/api/v1/community/orders/{order}/confirm",
                                                                 {"minutes": 60, "rating": 5}), (200, 409))
            if r is not None and r.status_code == 200:
                with lock:
                    record["confirmed"].append(order)

    threads = [threading.Thread(target=citizen, args=(k,)) for k in range(4)]
    threads += [threading.Thread(target=clerk, args=(c,)) for c in world["clerks"]]
    threads += [threading.Thread(target=reviewer, args=(s,)) for s in world["reviewers"]]
    threads += [threading.Thread(target=rater), threading.Thread(target=board)]
    threads += [threading.Thread(target=timebank, args=(v,)) for v in range(2)]
    return threads
