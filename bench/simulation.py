#!/usr/bin/env python
"""Benchmark the hall simulation page (/insights/simulation/) on the demo database: time and SQL statements.

Usage (after `onewindow demo --no-serve`, same ONEWINDOW_VAR_DIR / DATABASE_URL):
    python bench/simulation.py [--runs 3] [--query "reps=5"]

Prints, for the first request and the following ones (the recorded tickets are cached per process), the
wall time in seconds and the number of SQL statements. Target: under one second for the demo hall.
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
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from onewindow.core.access import Role

    user = User.objects.filter(groups__name=Role.SUPERVISOR.value).first()
    if user is None:
        print("no supervisor: load the demo first", file=sys.stderr)
        return 1
    client = Client()
    client.force_login(user)
    url = "/insights/simulation/" + (f"?{args.query}" if args.query else "")
    times = []
    for run in range(args.runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - start
        times.append(elapsed)
        print(f"run {run + 1}: {elapsed:.2f} s, {len(queries)} SQL, status {response.status_code}")
    print(f"median {statistics.median(times):.2f} s (first {times[0]:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
