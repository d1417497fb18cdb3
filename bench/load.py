#!/usr/bin/env python
"""bench/load: a realistic mixed workload over HTTP against the production set-up on PostgreSQL.

`onewindow serve` (gunicorn, --workers processes × 4 threads) on a loopback port and `onewindow worker`, on a
fresh database. Four citizens browse the catalog and guides, take tickets and submit a bundle application;
four clerks call, finish and accept; two reviewers work their worklists (start review, approve); a rater rates
finished services; a display board polls; two community pairs place, take, finish and confirm time-bank orders.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ow_load .venv/bin/python bench/load.py [--seconds 60] [--workers 3]

Prints requests per second and p50/p99 latency per operation and the error count (must be zero; 409 answers to
lost races, e.g. two clerks accepting the same application, are expected outcomes, not errors).
"""

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_common as lc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ow_load")
    if not url.startswith("postgres"):
        raise SystemExit("bench/load needs PostgreSQL (DATABASE_URL=postgres://…)")
    var_dir = "/tmp/ow-load-var"
    lc.fresh_database(url)
    lc.setup_django(url, var_dir)
    world = lc.seed()
    port = lc.free_port()
    server = lc.start_server(url, var_dir, port, args.workers)
    worker = lc.start_worker(url, var_dir)
    stats = lc.Stats()
    record: dict[str, list] = defaultdict(list)
    try:
        started = time.time()
        threads = lc.actors(port, world, stats, started + args.seconds, record)
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - started
    finally:
        lc.stop(server)
        lc.stop(worker)
    print(f"bench/load: {elapsed:.0f} s on {url.rsplit('/', 1)[1]}, onewindow serve {args.workers} workers × 4 "
          f"threads + onewindow worker, {len(threads)} client threads, loopback")
    print(stats.table(elapsed))
    print(f"applications {len(record['applications'])}, tickets {len(record['tickets'])} "
          f"(finished {len(record['finished'])}), ratings {len(record['ratings'])}, "
          f"orders confirmed {len(record['confirmed'])}")
    for sample in stats.error_samples:
        print("  error:", sample)
    return 1 if sum(stats.errors.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
