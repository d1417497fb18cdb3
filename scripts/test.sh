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
# Every test runs at least once. Slow tests that do not depend on the engine run in one pass only, to keep the
# suite under 15 minutes on 2 cores: migrations, browser, fuzz and crawl tests on PostgreSQL (the production
# database); the demo loaders' long runs on SQLite (the demo's database). pytest alone runs everything.
echo "== tests on SQLite (all but the migration and browser tests)"
env -u DATABASE_URL .venv/bin/pytest -q -n 2 --create-db -m "not migrations and not browser and not once_on_postgres" "$@" || status=1
echo "== tests on PostgreSQL (all but the slow demo-loader tests, which ran on SQLite)"
DATABASE_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/onewindow}" \
  .venv/bin/pytest -q -n 2 --create-db -m "not once_on_sqlite" "$@" || status=1
exit $status
