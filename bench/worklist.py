#!/usr/bin/env python
"""bench/worklist: the reviewer worklist (page and API) with 10k and with 1M cases in PostgreSQL.

Creates a fresh database (default ow_cases_bench_worklist on 127.0.0.1, override with BENCH_DATABASE_URL), loads
N cases with INSERT … SELECT generate_series (20 departments, ~8% of cases open, due dates spread around today),
then times GET /cases/worklist/ and GET /api/v1/worklist for one reviewer (first page and a filtered page) and
counts the SQL queries per request. Prints the medians, the 1M/10k ratio (target ≤ 3) and the query counts
(which must not grow with the table).

    .venv/bin/python bench/worklist.py            # 10k and 1M
    .venv/bin/python bench/worklist.py 10000 100000
"""

from __future__ import annotations

import os
import statistics
import sys
import time

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ow_cases_bench_worklist"
URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
os.environ.setdefault("ONEWINDOW_VAR_DIR", "/tmp/ow-bench-worklist")
os.environ.setdefault("ONEWINDOW_CALENDAR_REVISION_TTL", "3600")  # keep the revision check out of the counts

DEPARTMENTS = 20
OPEN_PERCENT = 8
REPEAT = 15


def recreate_database() -> None:
    import psycopg

    base, name = URL.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_catalog() -> tuple[object, list[int], int]:
    from django.contrib.auth.models import Group, User

    from onewindow.catalog.models import Department, ServiceItem
    from onewindow.core.models import Profile

    depts = [Department.objects.create(code=f"B-{i:02d}", name=f"基准测试部门{i:02d}") for i in range(DEPARTMENTS)]
    item_ids = []
    for d in depts:
        for j in range(5):
            item = ServiceItem.objects.create(name=f"{d.name}事项{j}", code=f"{d.code}-I{j}", department=d,
                                              promised_limit=(5, 10, 15, 20, 3)[j], status="published")
            item_ids.append(item.id)
    user = User.objects.create_user("bench_reviewer", password="bench-password-1")
    user.groups.add(Group.objects.get_or_create(name="reviewer")[0])
    Profile.objects.create(user=user, department=depts[0], display_name="基准审批员")
    return user, item_ids, depts[0].id


def load_cases(n: int, item_ids: list[int], dept_base: int) -> float:
    """Insert n cases (and n/3 applications, 1000 applicants) with generate_series; returns seconds."""
    from django.db import connection

    t = time.perf_counter()
    apps = max(1, n // 3)
    items = "ARRAY[" + ",".join(map(str, item_ids)) + "]"
    with connection.cursor() as c:
        c.execute("TRUNCATE cases_caseevent, cases_casematerial, cases_case, cases_submittedmaterial, "
                  "cases_application, cases_applicant RESTART IDENTITY CASCADE")
        c.execute("""
            INSERT INTO cases_applicant (kind, name, id_number, phone, credit_code, legal_representative, contact_name,
                                         contact_phone, created_at)
            SELECT 'person', '申请人' || g, '35098119900101' || lpad((g % 10000)::text, 4, '0'), '1390593' || lpad(g::text, 4, '0'),
                   '', '', '', '', now()
            FROM generate_series(1, 1000) g""")
        c.execute("""
            INSERT INTO cases_application (number, kind, code, name, answers, form_data, channel, applicant_id,
                                           phone_last4, idempotency_scope, idempotency_key, idempotency_fingerprint,
                                           deferral_promise, submitted_at)
            SELECT 'SQB-' || g, 'bundle', 'bench', '基准一件事', '{}'::jsonb, '{}'::jsonb, 'online', 1 + g %% 1000,
                   lpad((g %% 10000)::text, 4, '0'), '', '', '', false, now() - (g %% 2000) * interval '1 hour'
            FROM generate_series(1, %s) g""", [apps])
        c.execute(f"""
            WITH src AS (
              SELECT g, ({items})[1 + (g %% {len(item_ids)})] AS item_id,
                     (g %% 100) < {OPEN_PERCENT} AS is_open,
                     (ARRAY['received','supplement','accepted','under_review','under_review','approved'])[1 + (g / 100) %% 6] AS open_status
              FROM generate_series(1, %s) g)
            INSERT INTO cases_case (number, application_id, item_id, item_code, item_name, department_id, handling_type,
                                    promised_limit, status, received_at, accepted_on, due_date, due_provisional,
                                    paused_workdays, deferred_materials, result_number, delivery_method, delivery_ref,
                                    decided_by_system, version, updated_at)
            SELECT 'BJB-' || s.g, 1 + (s.g %% %s), s.item_id, i.code, i.name, i.department_id, '2', i.promised_limit,
                   CASE WHEN s.is_open THEN s.open_status ELSE 'delivered' END,
                   now() - (s.g %% 900) * interval '1 day',
                   CASE WHEN s.is_open AND s.open_status IN ('received', 'supplement') THEN NULL
                        ELSE current_date - (s.g %% 40) END,
                   CASE WHEN s.is_open AND s.open_status IN ('received', 'supplement') THEN NULL
                        ELSE current_date + ((s.g::bigint * 7919) %% 50 - 20)::int END,
                   false, 0, '[]'::jsonb, '', CASE WHEN s.is_open THEN '' ELSE 'pickup' END, '', false, 1, now()
            FROM src s JOIN catalog_serviceitem i ON i.id = s.item_id""", [n, apps])
        c.execute("ANALYZE cases_case; ANALYZE cases_application; ANALYZE cases_applicant")
        c.execute("SELECT count(*) FROM cases_case WHERE department_id = %s", [dept_base])
        own = c.fetchone()[0]
    print(f"  loaded {n:,} cases ({own:,} in the reviewer's department) in {time.perf_counter() - t:.1f} s")
    return time.perf_counter() - t


def switch_to(name: str) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def time_once(client: object, path: str) -> float:
    t = time.perf_counter()
    r = client.get(path)
    took = time.perf_counter() - t
    assert r.status_code == 200, (path, r.status_code)
    return took


def count_queries(client: object, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    return len(ctx.captured_queries)


PATHS = {
    "page": "/cases/worklist/",
    "page, red only": "/cases/worklist/?light=red",
    "page, item filter, p3": "/cases/worklist/?item=B-00-I1&page=3",
    "api": "/api/v1/worklist",
    "api, yellow only": "/api/v1/worklist?light=yellow",
    "api, status filter": "/api/v1/worklist?status=under_review",
}


def main() -> None:
    """One database per size (copied from a template holding the catalog and the reviewer's session); the
    measurements alternate between them round by round so that load on a shared machine hits both alike."""
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 1_000_000]
    print(f"bench/worklist on {URL}")
    recreate_database()
    import django

    django.setup()
    import psycopg
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    user, item_ids, dept = setup_catalog()
    client = Client()
    client.force_login(user)
    from django.db import connection

    template = connection.settings_dict["NAME"]
    connection.close()
    base = URL.rsplit("/", 1)[0]
    names = {n: f"{template}_{n}" for n in sizes}
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    for n in sizes:
        switch_to(names[n])
        load_cases(n, item_ids, dept)
        for path in PATHS.values():  # warm up plans and caches
            for _ in range(3):
                client.get(path)
    samples: dict[int, dict[str, list[float]]] = {n: {p: [] for p in PATHS} for n in sizes}
    for _round in range(REPEAT):
        for n in sizes:
            switch_to(names[n])
            for name, path in PATHS.items():
                samples[n][name].append(time_once(client, path))
    results: dict[int, dict[str, tuple[float, int]]] = {}
    for n in sizes:
        switch_to(names[n])
        results[n] = {name: (statistics.median(samples[n][name]) * 1000, count_queries(client, path))
                      for name, path in PATHS.items()}
        for name, (ms, q) in results[n].items():
            print(f"  {n:>9,} cases  {name:<24} median {ms:7.1f} ms   {q} SQL queries")
    if len(sizes) >= 2:
        lo, hi = sizes[0], sizes[-1]
        print(f"\nratio {hi:,} / {lo:,} cases (target ≤ 3):")
        worst = 0.0
        for name in PATHS:
            ratio = results[hi][name][0] / results[lo][name][0]
            worst = max(worst, ratio)
            same = "same" if results[hi][name][1] == results[lo][name][1] else "DIFFERENT"
            print(f"  {name:<24} {ratio:5.2f}x   queries {results[lo][name][1]} → {results[hi][name][1]} ({same})")
        print(f"worst ratio {worst:.2f}x — {'OK' if worst <= 3 else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
