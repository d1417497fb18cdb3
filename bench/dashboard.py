#!/usr/bin/env python
"""Benchmark the reform-metrics dashboard and the department ranking with 10k and with 1M cases in PostgreSQL.

Usage (a throwaway PostgreSQL database, created if missing, emptied of cases first):
    python bench/dashboard.py [--db ow_supervision_bench] [--small 10000] [--large 1000000] [--runs 5]

Cases, applications and ratings are generated with INSERT … SELECT generate_series (two years, 20 departments,
200 items, 20 bundles); the rollups are rebuilt (`rollup_refresh(full=True)`, timed: insights' daily job) and
then the dashboard page (/insights/metrics/, all figures and charts), the metrics API with a department and a
bundle scope and the ranking page are requested `--runs` times each; the median of each is printed for both
sizes, with their ratio (target ≤ 3 for the dashboard: it reads daily rollups, so its cost follows the number of
days, not of cases). The ranking page scores the live month from that month's cases and ratings themselves
(supervision reads no insights table), so its cost follows one month's cases.
"""

import argparse
import os
import statistics
import sys
import time

TOTAL_DAYS = 730


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="ow_supervision_bench")
    parser.add_argument("--host", default="127.0.0.1:5432")
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import psycopg

    with psycopg.connect(f"postgresql://postgres@{args.host}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.db]).fetchone():
            conn.execute(f'CREATE DATABASE "{args.db}"')
    os.environ["DATABASE_URL"] = f"postgres://postgres@{args.host}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    os.environ.setdefault("ONEWINDOW_VAR_DIR", "/tmp/ow-dashboard-bench")
    import django

    django.setup()
    from django.core.management import call_command

    print(f"database {args.db}: migrating …", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    setup_catalog()
    results = {}
    have = 0
    for size in (args.small, args.large):
        t = time.perf_counter()
        have = generate(have, size)
        print(f"{size:>9,} cases generated in {time.perf_counter() - t:.1f} s", flush=True)
        results[size] = measure(args.runs, size)
    small, large = results[args.small], results[args.large]
    print()
    print(f"{'':<34}{args.small:>12,}{args.large:>12,}{'ratio':>8}   SQL statements per request")
    for key in small:
        ratio = large[key] / small[key] if small[key] else float("nan")
        unit = "s" if key.startswith("rollup") else "ms"
        scale = 1 if unit == "s" else 1000
        counts = "" if unit == "s" else f"   {STATEMENTS[args.small][key]} → {STATEMENTS[args.large][key]}"
        print(f"{key:<34}{small[key] * scale:>10.1f}{unit:>2}{large[key] * scale:>10.1f}{unit:>2}{ratio:>8.2f}{counts}")
    ratio = large["dashboard page"] / small["dashboard page"]
    print(f"\ndashboard time ratio 1M/10k = {ratio:.2f} (target ≤ 3): {'OK' if ratio <= 3 else 'TOO SLOW'}")
    return 0 if ratio <= 3 else 1


def setup_catalog() -> None:
    from django.contrib.auth.models import Group, User

    from onewindow.bundles.models import Bundle, BundleItem
    from onewindow.catalog.models import Department, ServiceItem
    from onewindow.core.access import Role
    from onewindow.core.models import Profile

    if not Department.objects.filter(code="B-00").exists():
        depts = Department.objects.bulk_create(
            [Department(code=f"B-{d:02d}", name=f"基准测试部门{d:02d}", sort_order=d) for d in range(20)])
        items = ServiceItem.objects.bulk_create([
            ServiceItem(name=f"基准事项{i:03d}", code=f"BENCH-{i:04d}", department=depts[i % 20], status="published",
                        legal_limit=20, promised_limit=0 if i % 4 == 0 else 10, handling_type="1" if i % 4 == 0 else "2",
                        max_visits=i % 2, visits_reason="核验原件", consult_phone="0592-5718000",
                        online_depth=5 if i % 5 == 0 else 3) for i in range(200)])
        for k in range(20):
            bundle = Bundle.objects.create(code=f"bench-{k:02d}", name=f"基准一件事{k:02d}", lead_department=depts[k],
                                           visits=1)
            BundleItem.objects.bulk_create([BundleItem(bundle=bundle, item=items[(k + 20 * j) % 200], order=j)
                                            for j in range(3)])
    user, created = User.objects.get_or_create(username="bench-supervisor")
    if created:
        user.groups.add(Group.objects.get_or_create(name=str(Role.SUPERVISOR))[0])
        Profile.objects.create(user=user)


def generate(have: int, upto: int) -> int:
    """Cases have+1 … upto (one application each; every 20th a bundle) and a rating for every 10th, by SQL."""
    from django.db import connection

    from onewindow.cases.models import Applicant
    from onewindow.core import clock

    if have == 0:
        with connection.cursor() as cur:
            # a throwaway database: start from no cases, applications or ratings at all
            cur.execute("TRUNCATE cases_application, cases_case, cases_caseevent, feedback_rating CASCADE")
    applicant = Applicant.objects.filter(name="基准申请人").first() or Applicant.objects.create(
        name="基准申请人", id_number="350206199001011234", created_at=clock.now())
    end = clock.today()
    params = {"lo": have + 1, "hi": upto, "days": TOTAL_DAYS, "end": end, "applicant": applicant.pk}
    with connection.cursor() as cur:
        cur.execute("""
            INSERT INTO cases_application (number, kind, code, name, answers, form_data, channel, applicant_id,
                phone_last4, idempotency_scope, idempotency_key, idempotency_fingerprint, deferral_promise,
                submitted_at)
            SELECT 'BA' || lpad(g::text, 10, '0'),
                   CASE WHEN g %% 20 = 0 THEN 'bundle' ELSE 'item' END,
                   CASE WHEN g %% 20 = 0 THEN 'bench-' || lpad(((g / 20) %% 20)::text, 2, '0')
                        ELSE 'BENCH-' || lpad((g %% 200)::text, 4, '0') END,
                   '基准申请', '{}', '{}', 'window', %(applicant)s, '', '', '', '', false,
                   (%(end)s::date - (g %% %(days)s)) + time '09:00' + (g %% 480) * interval '1 minute'
            FROM generate_series(%(lo)s, %(hi)s) AS g
        """, params)
        cur.execute("""
            INSERT INTO cases_case (number, application_id, item_id, item_code, item_name, department_id, handling_type,
                promised_limit, status, received_at, accepted_on, due_date, due_provisional, paused_workdays,
                deferred_materials, result_number, delivery_method, delivery_ref, decided_by_system, completed_at,
                decided_at, version, updated_at)
            SELECT 'BC' || lpad(a.id::text, 10, '0'), a.id, i.id, i.code, i.name, i.department_id, i.handling_type,
                   i.promised_limit, CASE WHEN a.submitted_at > now() - interval '10 days' THEN 'under_review'
                                          ELSE 'completed' END,
                   a.submitted_at, a.submitted_at::date, a.submitted_at::date + 14, false, 0, '[]', '', '', '', false,
                   CASE WHEN a.submitted_at > now() - interval '10 days' THEN NULL
                        ELSE a.submitted_at + ((a.id %% 12) * interval '1 day') + interval '3 hours' END,
                   NULL, 1, a.submitted_at
            FROM cases_application a
            JOIN catalog_serviceitem i ON i.code = 'BENCH-' || lpad((a.id %% 200)::text, 4, '0')
            WHERE a.number >= 'BA' || lpad(%(lo)s::text, 10, '0') AND a.number <= 'BA' || lpad(%(hi)s::text, 10, '0')
        """, params)
        cur.execute("""
            INSERT INTO feedback_rating (target_kind, target_id, sequence, target_number, level, channel, reasons, text,
                anonymous, is_default, rater_name, rater_phone, user_prop, department_id, item_id, hall_name,
                counter_name, item_name, rated_at, served_at, link_id)
            SELECT 'case', c.id, 1, c.number,
                   CASE WHEN c.id %% 97 = 0 THEN 'dissatisfied' WHEN c.id %% 7 = 0 THEN 'satisfied'
                        ELSE 'very_satisfied' END,
                   '4', '[]', '', true, false, '', '', '1', c.department_id, c.item_id, '', '', c.item_name,
                   c.completed_at + interval '10 minutes', c.completed_at, ''
            FROM cases_case c
            WHERE c.completed_at IS NOT NULL AND c.id %% 10 = 0
              AND c.number >= 'BC' AND c.id NOT IN (SELECT target_id FROM feedback_rating WHERE target_kind = 'case')
        """, params)
        cur.execute("ANALYZE")
    return upto


STATEMENTS: dict[int, dict[str, int]] = {}  # size → SQL statements of one request per page


def measure(runs: int, size: int) -> dict[str, float]:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from onewindow.insights.rollups import rollup_refresh

    out = {}
    t = time.perf_counter()
    rollup_refresh(full=True)
    out["rollup (nightly, full rebuild)"] = time.perf_counter() - t
    client = Client()
    client.force_login(User.objects.get(username="bench-supervisor"))
    q = "from=2025-12-01&to=2026-11-28&baseline_from=2024-12-01&baseline_to=2025-11-30"
    for name, url in (("dashboard page", f"/insights/metrics/?{q}"),
                      ("metrics API, department scope", f"/api/v1/metrics?{q}&scope=dept:B-03"),
                      ("metrics API, bundle scope", f"/api/v1/metrics?{q}&scope=bundle:bench-05"),
                      ("ranking page (live month)", "/supervision/ranking/")):
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as sql:
            client.get(url)
        STATEMENTS.setdefault(size, {})[name] = len(sql.captured_queries)
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            r = client.get(url)
            times.append(time.perf_counter() - t)
            assert r.status_code == 200, (url, r.status_code, r.content[:300])
        out[name] = statistics.median(times)
    return out


if __name__ == "__main__":
    sys.exit(main())
