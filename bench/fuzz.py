#!/usr/bin/env python
"""bench/fuzz: the fuzzer of tests/security/fuzzing.py, deeper than the test suite runs it, as every role.

    .venv/bin/python bench/fuzz.py [--examples 25] [--only citizen,anonymous] [--keep]
        (a fresh SQLite database in a temporary directory of its own, removed afterwards unless --keep)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ow_fuzz .venv/bin/python bench/fuzz.py   (recreated)

Seeds the world of bench/load (departments, a bundle, a hall with counters and signed-in clerks, reviewers,
citizens, a community with volunteers) plus an Open311 service, then runs, for each of the 8 roles, a
superuser and an anonymous caller, with rate limits on (a 429 is an allowed answer):
- schemathesis over every operation of /api/openapi.json (N examples each, positive and negative),
- the Open311 generator (3·N requests),
- every HTML form post the identity can reach (N examples each, valid CSRF token),
- every page it can open, with hostile query values (N examples each).
Prints the requests sent, the answers by status and every failure (5xx, schema violation, error shape,
overflow backstop); exits 1 if there was any.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

import load_common as lc  # noqa: E402


def _users() -> dict:
    from django.contrib.auth.models import User

    from onewindow.catalog.models import Department
    from onewindow.core.access import Role

    rsj = Department.objects.get(code="FA-RSJ")
    lc._user("fuzz_department_head", Role.DEPARTMENT_HEAD, department=rsj)
    lc._user("fuzz_supervisor", Role.SUPERVISOR)
    lc._user("fuzz_catalog_admin", Role.CATALOG_ADMIN)
    superuser = User.objects.create(username="fuzz_superuser", is_superuser=True, is_staff=True)
    by_name = {
        Role.CITIZEN: "citizen0", Role.CLERK: "clerk1", Role.REVIEWER: "reviewer_rsj",
        Role.DEPARTMENT_HEAD: "fuzz_department_head", Role.SUPERVISOR: "fuzz_supervisor",
        Role.CATALOG_ADMIN: "fuzz_catalog_admin", Role.COMMUNITY_WORKER: "community_worker",
        Role.VOLUNTEER: "volunteer0",
    }
    users = {str(role): User.objects.get(username=name) for role, name in by_name.items()}
    return users | {"superuser": superuser, "anonymous": None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=10, help="examples per operation, form and page")
    parser.add_argument("--only", default="", help="comma list of identities (role names, superuser, anonymous)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database, uploads)")
    args = parser.parse_args()
    var_dir = tempfile.mkdtemp(prefix="ow-fuzz-")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        lc.fresh_database(url)
    else:
        url = f"sqlite:///{var_dir}/fuzz.sqlite3"
    os.environ.pop("ONEWINDOW_RATE_LIMIT_EXEMPT", None)  # rate limits on: 429 is an allowed answer
    os.environ.setdefault("ONEWINDOW_LOG_LEVEL", "ERROR")
    warnings.filterwarnings("ignore", message="No directory at")  # no collected static files: not needed here
    try:
        lc.setup_django(url, var_dir)
        lc.seed(citizens=2, counters=2, volunteers=2)
        from onewindow.wsgi import application
        from tests.security.fuzzing import FuzzReport, _load_schema, fuzz_world, identities, run_fuzz

        fuzz_world()
        users = _users()
        wanted = {w.strip() for w in args.only.split(",") if w.strip()}
        schema = _load_schema(application)
        total = FuzzReport()
        started = time.monotonic()
        n = args.examples
        for identity in identities(users):
            if wanted and identity.name not in wanted:
                continue
            report = run_fuzz(application, identity, max_examples=n, schema=schema, open311_examples=3 * n,
                              form_examples=n, page_examples=n, pages_per_route=2, max_pages=150)
            print(f"bench/fuzz [{identity.name}]: {report.summary()}", flush=True)
            total.merge(report)
        total.seconds = time.monotonic() - started
        print(f"bench/fuzz: {total.requests} requests sent, {total.server_errors} answered 5xx, "
              f"{len(total.failures)} distinct failures, in {total.seconds:.0f} s with --examples {n}")
        print("bench/fuzz: statuses " + ", ".join(f"{k}: {v}" for k, v in sorted(total.by_status.items())))
        for failure in total.failures:
            print("  FAIL", failure)
        return 1 if total.failures else 0
    finally:
        if args.keep:
            print(f"bench/fuzz: kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
