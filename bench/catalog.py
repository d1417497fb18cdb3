#!/usr/bin/env python
"""Benchmark the public catalog on a large synthetic catalog (Huli's 513 items and more).

Usage (throwaway data directory; loads the catalog demo plus N synthetic items once):
    ONEWINDOW_VAR_DIR=/tmp/catalog-bench python bench/catalog.py [--scale 513] [--requests 50]

Prints requests/second and the SQL query count for: the browse page, a search, a filtered page, the items API,
an item's service guide, its PDF, and the Excel export and import of the whole catalog.
"""

import argparse
import io
import os
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=513)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # like Django's test client: keep one connection instead of reconnecting per request (CONN_MAX_AGE=0)
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", interactive=False, verbosity=0)
    from onewindow.catalog.models import ServiceItem
    from onewindow.catalog.transfer.export import catalog_export_xlsx
    from onewindow.catalog.transfer.importer import catalog_import_xlsx
    from onewindow.demo import catalog as demo

    started = time.perf_counter()
    demo.load(scale=args.scale)
    print(f"catalog load (idempotent, scale={args.scale}): {time.perf_counter() - started:.2f} s; "
          f"{ServiceItem.objects.count()} items")
    client = Client()
    code = ServiceItem.objects.filter(code__startswith="350206").order_by("id").values_list("code", flat=True)[5]
    cases = [
        ("browse /catalog/", "/catalog/"),
        ("search /catalog/?q=许可", "/catalog/?q=许可"),
        ("filter page 5", "/catalog/?category=business&audience=enterprise&page=5"),
        ("API /api/v1/items?page_size=100", "/api/v1/items?page_size=100"),
        ("guide /catalog/items/<code>/", f"/catalog/items/{code}/"),
        ("guide PDF", f"/catalog/items/{code}/guide.pdf"),
    ]
    for label, url in cases:
        client.get(url)
        connection.queries_log.clear()  # a full log (DEBUG) would hide the count
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        query_count = len(queries)
        n = args.requests if "PDF" not in label else max(5, args.requests // 10)
        t0 = time.perf_counter()
        for _ in range(n):
            client.get(url)
        elapsed = time.perf_counter() - t0
        print(f"{label:<38} {n / elapsed:8.1f} req/s  {1000 * elapsed / n:7.1f} ms  {query_count:3d} queries")
    t0 = time.perf_counter()
    content = catalog_export_xlsx()
    t1 = time.perf_counter()
    result = catalog_import_xlsx(file=io.BytesIO(content), actor=None)
    t2 = time.perf_counter()
    print(f"Excel export of {ServiceItem.objects.count()} items: {t1 - t0:.2f} s ({len(content) // 1024} KiB); "
          f"import of the same file: {t2 - t1:.2f} s ({result.summary()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
