#!/usr/bin/env python
"""Benchmark 好差评 statistics and the provincial export on a large rating table.

Usage (throwaway data directory; adds N synthetic ratings of synthetic tickets once, kind "ticket" with ids
above 10^9 so they never collide with real tickets):
    ONEWINDOW_VAR_DIR=/tmp/feedback-bench python bench/feedback_stats.py [--ratings 200000] [--repeat 3]

Prints the time of: the totals, each breakdown (department, hall, counter, clerk, item, channel, month), the
statistics page, and the provincial JSON-lines export — with their SQL query counts.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ratings", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    from onewindow.catalog.models import Department, ServiceItem
    from onewindow.core.access import Role
    from onewindow.feedback.models import Level, Rating
    from onewindow.feedback.provincial import provincial_lines
    from onewindow.feedback.selectors.ratings import StatsFilter
    from onewindow.feedback.selectors.statistics import DIMENSIONS, rating_breakdown, rating_totals

    base = 10**9
    have = Rating.objects.filter(target_kind="ticket", target_id__gte=base).count()
    if have < args.ratings:
        depts = list(Department.objects.all()) or [Department.objects.create(code="BENCH", name="压测部门")]
        items = list(ServiceItem.objects.all()[:200]) or [ServiceItem.objects.create(
            name="压测事项", code="BENCH-1", department=depts[0])]
        rnd = random.Random(7)
        start = dt.datetime(2025, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        levels = [Level.VERY_SATISFIED] * 95 + [Level.SATISFIED] * 3 + [Level.BASIC, Level.DISSATISFIED]
        rows = []
        t0 = time.perf_counter()
        for i in range(have, args.ratings):
            item = items[i % len(items)]
            level = rnd.choice(levels)
            rows.append(Rating(
                target_kind="ticket", target_id=base + i, sequence=1, target_number=f"B{i}", level=level,
                channel=rnd.choice("1234567"), reasons=["213"] if level == Level.DISSATISFIED else [],
                anonymous=True, is_default=i % 20 == 0, department_id=item.department_id, item=item,
                item_name=item.name, hall_name=f"大厅{i % 3}", counter_name=f"{i % 40}号窗口",
                rated_at=start + dt.timedelta(minutes=i * 3)))
            if len(rows) == 5000:
                Rating.objects.bulk_create(rows)
                rows = []
        Rating.objects.bulk_create(rows)
        print(f"inserted {args.ratings - have} ratings in {time.perf_counter() - t0:.1f} s")
    total = Rating.objects.count()
    print(f"database: {connection.vendor}, ratings: {total}")

    def timed(label: str, fn) -> None:  # noqa: ANN001
        best = float("inf")
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                fn()
                best = min(best, time.perf_counter() - t0)
        print(f"{label:<28} {best * 1000:9.1f} ms  {len(ctx.captured_queries):3d} queries")

    f = StatsFilter()
    timed("totals", lambda: rating_totals(f, Q()))
    for dim in DIMENSIONS:
        timed(f"breakdown by {dim}", lambda d=dim: rating_breakdown(d, f, Q()))
    from django.contrib.auth.models import Group, User

    user, _ = User.objects.get_or_create(username="bench_supervisor")
    user.groups.add(Group.objects.get_or_create(name=Role.SUPERVISOR.value)[0])
    client = Client()
    client.force_login(user)
    timed("statistics page (month)", lambda: client.get("/feedback/stats/?start=2025-01-01&end=2026-12-31"))
    n = {"lines": 0}

    def export() -> None:
        n["lines"] = sum(1 for _ in provincial_lines(Rating.objects.all()))

    timed("provincial export", export)
    print(f"provincial export lines: {n['lines']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
