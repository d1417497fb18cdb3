#!/usr/bin/env bash
# One command: install what the tests need; run ruff, import-linter, mypy and the migration check; then the whole
# suite against SQLite and against PostgreSQL (started here when it is not running). Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test || exit 1

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "== starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

export DJANGO_ALLOW_ASYNC_UNSAFE=true
status=0
echo "== ruff"
.venv/bin/ruff check src tests bench || status=1
echo "== import layers (import-linter)"
PYTHONPATH=src .venv/bin/lint-imports --no-cache || status=1
echo "== types (mypy with django-stubs)"
.venv/bin/mypy || status=1
echo "== migrations match the models"
ONEWINDOW_VAR_DIR="$(mktemp -d)" .venv/bin/onewindow makemigrations --check --dry-run -v 0 || status=1
# Every test runs at least once, to keep the suite under 15 minutes on 2 cores. PostgreSQL (the production
# database) runs everything but the demo's tests. SQLite (the demo's database) runs the demo's tests and the apps
# whose code differs by engine (raw SQL, row locks, triggers and constraints: core, hall, catalog, community) or
# that every flow goes through (cases, navigator); migrations, browser, fuzz and crawl tests run on PostgreSQL
# only. pytest alone runs everything on one engine. `--dist loadfile` keeps each test file on one worker, so a
# module's expensive fixture (the demo database, the scaled demo, the menu crawl's users) is built once, not
# once per worker: the demo's tests took 164 s instead of 212 s.
SQLITE_TESTS=(tests/demo tests/core tests/hall tests/catalog tests/community tests/cases tests/navigator)
if [ "$#" -gt 0 ]; then SQLITE_TESTS=(); fi  # explicit arguments choose the tests for both passes
echo "== tests on SQLite (the demo and the engine-dependent apps)"
env -u DATABASE_URL .venv/bin/pytest -q -n 2 --dist loadfile --create-db -m "not migrations and not browser and not once_on_postgres" \
  "${SQLITE_TESTS[@]}" "$@" || status=1
echo "== tests on PostgreSQL (all but the demo's tests, which ran on SQLite)"
DATABASE_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/onewindow}" \
  .venv/bin/pytest -q -n 2 --dist loadfile --create-db -m "not once_on_sqlite" "$@" || status=1
exit $status
