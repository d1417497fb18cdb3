#!/usr/bin/env python
"""Benchmark the hall simulation page (/insights/simulation/) on the demo database: time and SQL statements.

Usage (after `onewindow demo --no-serve`, same ONEWINDOW_VAR_DIR / DATABASE_URL):
    python bench/simulation.py [--runs 3] [--query "reps=5"]

Prints the wall time and SQL statements of the page for the demo hall (target: under one second):
  cold       nothing computed yet (the shared cache and this process's memo emptied): reads the recorded
             tickets and simulates the layouts; the staffing plan goes to a background task (its progress shows)
  new proc.  another server process after one has answered (the shared cache holds the results)
  reload     the same process again
then runs the background plan here (as `onewindow worker` would), printing its time and progress reports, and
the page once the plan is done. The URLconf and templates are loaded by a first request to another page.
"""

import argparse
import os
import statistics
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--query", default="")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from onewindow.core.access import Role
    from onewindow.insights.simulation import background, hallsource, scenarios

    user = User.objects.filter(groups__name=Role.SUPERVISOR.value).first()
    if user is None:
        print("no supervisor: load the demo first", file=sys.stderr)
        return 1
    client = Client()
    client.force_login(user)
    client.get("/insights/metrics/")  # imports, URLconf, base template
    url = "/insights/simulation/" + (f"?{args.query}" if args.query else "")

    def forget_here() -> None:
        scenarios._RESULTS.clear()
        hallsource._periods_cache.clear()
        hallsource._records_cache.clear()

    def timed(label: str) -> tuple[float, str]:
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - start
        html = response.content.decode()
        plan = "plan in background" if 'data-testid="plan-progress"' in html else "plan shown"
        print(f"{label:<10} {elapsed:6.2f} s  {len(queries):3d} SQL  status {response.status_code}  ({plan})")
        return elapsed, html

    cache.clear()
    forget_here()
    cold, _html = timed("cold")
    forget_here()
    fresh, _html = timed("new proc.")
    reloads = [timed("reload")[0] for _run in range(args.runs)]
    print(f"demo hall page: cold {cold:.2f} s, new process {fresh:.2f} s, reload median {statistics.median(reloads):.2f} s")

    # the background plan, run here as the worker would
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path="onewindow.insights.tasks.simulation_plan").order_by("-enqueued_at")
    row = queued.first()
    if row is None:
        print("no background plan was queued (the plan was light enough to compute inline)")
        return 0
    key, params = row.args_kwargs["kwargs"]["key"], row.args_kwargs["kwargs"]["params"]
    reports = []
    original = background._save

    def spy(k: str, value: dict) -> None:
        reports.append(value.get("percent"))
        original(k, value)

    background._save = spy
    forget_here()
    start = time.perf_counter()
    summary = background.run(key, params)
    print(f"background plan: {time.perf_counter() - start:.2f} s, {summary['trials']} trials, "
          f"{len(reports)} progress reports ({', '.join(f'{p}%' for p in reports[:: max(1, len(reports) // 8)])} …)")
    queued.filter(status="READY").delete()  # this bench ran it
    timed("plan done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
