#!/usr/bin/env python
"""Benchmark the smart guide (智能导办) against labelled citizen queries in Chinese, English and pinyin.

Usage (on a freshly loaded demo, with a throwaway data directory):
    ONEWINDOW_VAR_DIR=/tmp/nav-bench onewindow demo --no-serve
    ONEWINDOW_VAR_DIR=/tmp/nav-bench python bench/navigator.py [--misses] [--repeat 3] [--scale 5000]

    ONEWINDOW_VAR_DIR=/tmp/nav-bench python bench/navigator.py --queries bench/navigator_heldout.csv

bench/navigator_heldout.csv (same columns) is held out: measure it before and after a change, never tune on it.
bench/navigator_queries.csv: query, expected codes (bundle or item codes, "|" = any of them), kind, lang
(zh / en / pinyin); lines starting with "#" are comments. Prints the index build time, top-1 and top-3 accuracy
(overall, per language and per kind) and the median and p99 time per query through `navigator.selectors.search`
(fingerprint check + scoring, as the API does).

--scale N (default 5000; 0 = off) then does the same at about N items: the catalog's items plus synthetic ones
made as `onewindow demo --scale` makes them (demo/catalog_scale.py: names, departments, 3-5 materials each), built
as documents in memory only. Nothing is written to the database: the bench puts that index in the guide's
per-process cache under the database's own fingerprint, so `selectors.search` uses it.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LANGS = ("zh", "en", "pinyin")


def read_queries(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip() and not line.lstrip().startswith("#")]
    return [r for r in csv.DictReader(lines) if r["query"].strip()]


def synthetic_docs(start: int, count: int) -> list[Any]:
    """`count` documents for synthetic items SYN-<start> …, as selectors._item_docs would make them from the rows
    catalog_scale.generate_synthetic writes (unsaved model instances: nothing touches the database but reads)."""
    from onewindow.catalog.models import CanonicalMaterial, Department, WindowCategory
    from onewindow.demo import catalog_scale
    from onewindow.navigator.engine import Doc
    from onewindow.navigator.selectors import AUDIENCE, _join

    pool = list(CanonicalMaterial.objects.order_by("code").values_list("name", "name_en", "aliases_en"))
    departments = [Department(code=f"SYN-D{n:02d}", name=f"合成基准测试部门{n:02d}", short_name=f"合成部门{n:02d}")
                   for n in range(1, catalog_scale.DEPARTMENTS + 1)]
    category = WindowCategory(code=catalog_scale.CATEGORY, name="合成基准测试类", name_en="Synthetic benchmark")
    docs = []
    for idx, i in enumerate(range(start, start + count)):
        it = catalog_scale._item(i, departments[i % len(departments)], category)
        mats = [pool[(idx * 7 + j * 13) % len(pool)] for j in range(3 + idx % 3)] if pool else []
        dept = it.department
        docs.append(Doc(
            kind="item", code=it.code, name=it.name, name_en=it.name_en, url=f"/catalog/items/{it.code}/",
            audience=it.audience, department=dept.name, department_en=dept.name_en,
            fields={"name": it.name, "aliases": it.aliases,
                    "keywords": _join(dept.short_name or dept.name, dept.name, it.result_name, category.name,
                                      AUDIENCE.get(it.audience, "")),
                    "description": _join(it.description, it.acceptance_conditions),
                    "faq": it.faq, "materials": " ".join(m[0] for m in mats),
                    "name_en": it.name_en, "aliases_en": it.aliases_en,
                    "english": _join(dept.name_en, dept.short_name_en, it.result_name_en, category.name_en),
                    "materials_en": " ".join(_join(m[1], (m[2] or "").replace(",", " ")) for m in mats)}))
    return docs


def scaled_index(items: int) -> tuple[Any, float]:
    """The guide's index over the catalog plus synthetic items up to `items` items, installed as the cached index
    (as selectors.current_index builds it). Returns the index and its build time in seconds."""
    from onewindow.navigator import selectors, text
    from onewindow.navigator.engine import Index

    started = time.perf_counter()
    docs = selectors.build_documents()
    have = sum(d.kind == "item" for d in docs)
    docs += synthetic_docs(1, max(0, items - have))
    zh_synonyms, en_synonyms = selectors.learned_synonyms()
    words = [doc.name for doc in docs] + [phrase for phrases, _t, _w in zh_synonyms for phrase in phrases]
    for doc in docs:
        words.extend(a.strip() for a in doc.fields.get("aliases", "").split(",") if a.strip())
    text.add_words(words)
    index = Index(docs, synonyms=zh_synonyms, en_synonyms=(*selectors._static_en_synonyms(), *en_synonyms))
    selectors._cached = (selectors.fingerprint(), index)
    return index, time.perf_counter() - started


def run(rows: list[dict[str, str]], *, repeat: int, misses: bool, label: str, index: Any, build: float,
        known: set[str] | None = None) -> set[str]:
    """One bench pass; prints the figures and returns the queries whose first result is wrong. With `known`,
    --misses lists only the misses not in it (at scale: the queries the synthetic items cost)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from onewindow.navigator import selectors

    tally: dict[str, dict[str, list[int]]] = {"lang": defaultdict(lambda: [0, 0, 0]),
                                              "kind": defaultdict(lambda: [0, 0, 0])}
    lang_times: dict[str, list[float]] = defaultdict(list)
    top1 = top3 = 0
    missed = []
    times: list[float] = []
    with CaptureQueriesContext(connection) as sql:  # the index is in memory: a search should need none
        for rep in range(max(1, repeat)):
            for row in rows:
                t = time.perf_counter()
                result = selectors.search(row["query"], limit=10)
                took = (time.perf_counter() - t) * 1000
                times.append(took)
                lang = row.get("lang") or "zh"
                lang_times[lang].append(took)
                if rep:
                    continue
                expected = {c.strip() for c in row["expected"].split("|") if c.strip()}
                codes = [h.doc.code for h in result.hits]
                hit1 = bool(codes[:1]) and codes[0] in expected
                hit3 = bool(expected & set(codes[:3]))
                top1 += hit1
                top3 += hit3
                for key, value in (("lang", lang), ("kind", row.get("kind") or "-")):
                    k = tally[key][value]
                    k[0] += 1
                    k[1] += hit1
                    k[2] += hit3
                if not hit1:
                    missed.append(("MISS" if not hit3 else "top3", lang, row["query"], row["expected"],
                                   [f"{h.doc.code} {h.doc.name}" for h in result.hits[:3]]))
    n = len(rows)
    items = sum(d.kind == "item" for d in index.docs)
    print(f"== {label}: {n} queries, {len(index.docs)} documents ({items} items, "
          f"{len(index.docs) - items} bundles), index built in {build:.2f} s")
    print(f"top-1 accuracy {top1 / n:.1%} ({top1}/{n})   top-3 accuracy {top3 / n:.1%} ({top3}/{n})")
    print(f"query time: median {statistics.median(times):.2f} ms, p99 {percentile(times, 0.99):.2f} ms "
          f"over {len(times)} searches   SQL statements per search {len(sql.captured_queries) / len(times):.2f}")
    for key, order in (("lang", LANGS), ("kind", ())):
        names = [v for v in order if v in tally[key]] + sorted(set(tally[key]) - set(order))
        for value in names:
            count, h1, h3 = tally[key][value]
            extra = ""
            if key == "lang":
                extra = (f"   median {statistics.median(lang_times[value]):.2f} ms, "
                         f"p99 {percentile(lang_times[value], 0.99):.2f} ms")
            print(f"  {key} {value:<11} n={count:<4} top-1 {h1 / count:6.1%}  top-3 {h3 / count:6.1%}{extra}")
    if misses:
        for tag, lang, q, exp, got in missed:
            if known is None or q not in known:
                print(f"  {tag} [{lang}] {q!r}: expected {exp}; got {got}")
    return {m[2] for m in missed}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", default=str(HERE / "navigator_queries.csv"))
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the queries")
    parser.add_argument("--misses", action="store_true", help="list the queries whose first result is wrong")
    parser.add_argument("--scale", type=int, default=5000,
                        help="also run at about this many items (catalog + synthetic, in memory); 0 = off")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    import django

    django.setup()
    from onewindow.navigator import selectors

    rows = read_queries(args.queries)
    started = time.perf_counter()
    index = selectors.current_index()
    build = time.perf_counter() - started
    missed = run(rows, repeat=args.repeat, misses=args.misses, label="demo catalog", index=index, build=build)
    items = sum(d.kind == "item" for d in index.docs)
    if args.scale > items:
        big, big_build = scaled_index(args.scale)
        if args.misses:
            print("(at scale, --misses lists only the queries that were right at the demo size)")
        run(rows, repeat=args.repeat, misses=args.misses, index=big, build=big_build, known=missed,
            label=f"scaled to {args.scale} items (synthetic, in memory)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
