#!/usr/bin/env python
"""Benchmark the smart guide (智能导办) against labelled citizen queries.

Usage (on a freshly loaded demo, with a throwaway data directory):
    ONEWINDOW_VAR_DIR=/tmp/nav-bench onewindow demo --no-serve
    ONEWINDOW_VAR_DIR=/tmp/nav-bench python bench/navigator.py [--misses] [--repeat 3]

bench/navigator_queries.csv: query, expected codes (bundle or item codes, "|" = any of them), kind.
Prints the index build time, top-1 and top-3 accuracy (overall and per kind) and the median and p99 time per
query through `navigator.selectors.search` (fingerprint check + scoring, as the API does).
"""

import argparse
import csv
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", default=str(HERE / "navigator_queries.csv"))
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the queries")
    parser.add_argument("--misses", action="store_true", help="list the queries whose first result is wrong")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    import django

    django.setup()
    from onewindow.navigator import selectors

    with open(args.queries, encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["query"].strip()]
    started = time.perf_counter()
    index = selectors.current_index()
    build = time.perf_counter() - started
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    top1 = top3 = 0
    misses = []
    times: list[float] = []
    for rep in range(max(1, args.repeat)):
        for row in rows:
            t = time.perf_counter()
            result = selectors.search(row["query"], limit=10)
            times.append((time.perf_counter() - t) * 1000)
            if rep:
                continue
            expected = {c.strip() for c in row["expected"].split("|") if c.strip()}
            codes = [h.doc.code for h in result.hits]
            hit1 = bool(codes[:1]) and codes[0] in expected
            hit3 = bool(expected & set(codes[:3]))
            top1 += hit1
            top3 += hit3
            k = kinds[row.get("kind") or "-"]
            k[0] += 1
            k[1] += hit1
            k[2] += hit3
            if not hit1:
                misses.append(("MISS" if not hit3 else "top3", row["query"], row["expected"],
                               [h.doc.name for h in result.hits[:3]]))
    n = len(rows)
    times.sort()
    p99 = times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))]
    print(f"navigator bench: {n} queries, {len(index.docs)} documents "
          f"({sum(d.kind == 'bundle' for d in index.docs)} bundles), index built in {build:.2f} s")
    print(f"top-1 accuracy {top1 / n:.1%} ({top1}/{n})   top-3 accuracy {top3 / n:.1%} ({top3}/{n})")
    print(f"query time: median {statistics.median(times):.2f} ms, p99 {p99:.2f} ms over {len(times)} searches")
    for kind, (count, h1, h3) in sorted(kinds.items()):
        print(f"  {kind:<11} n={count:<4} top-1 {h1 / count:6.1%}  top-3 {h3 / count:6.1%}")
    if args.misses:
        for tag, q, exp, got in misses:
            print(f"  {tag} {q!r}: expected {exp}; got {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
