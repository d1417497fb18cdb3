#!/usr/bin/env python
"""bench/fuzz: schemathesis over every API operation, more examples than the test suite runs.

    .venv/bin/python bench/fuzz.py [--examples 50]      (fresh SQLite under /tmp/ow-fuzz-var)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ow_fuzz .venv/bin/python bench/fuzz.py   (recreated)

Seeds the world of bench/load, signs in a superuser (every role) and prints operations × examples, the answers
by status and every failure (5xx, a documented status whose body breaks its schema, a 4xx without the error shape).
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

import load_common as lc  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=50)
    args = parser.parse_args()
    var_dir = "/tmp/ow-fuzz-var"
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        lc.fresh_database(url)
    else:
        shutil.rmtree(var_dir, ignore_errors=True)
        url = f"sqlite:///{var_dir}/fuzz.sqlite3"
    os.environ["ONEWINDOW_RATE_LIMIT_EXEMPT"] = "127.0.0.0/8"
    lc.setup_django(url, var_dir)
    lc.seed(citizens=2, counters=2, volunteers=2)
    from django.contrib.auth.models import User

    from onewindow.wsgi import application
    from tests.security.fuzzing import run_fuzz, signed_in_headers

    staff = User.objects.create(username="fuzz_superuser", is_superuser=True, is_staff=True)
    report = run_fuzz(application, headers=signed_in_headers(staff), max_examples=args.examples)
    print("bench/fuzz:", report.summary())
    for failure in report.failures:
        print("  FAIL", failure)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
