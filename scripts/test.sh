#!/usr/bin/env bash
# One command: install what the tests need, then run the whole suite against SQLite and against
# PostgreSQL (started here when it is not running). Extra arguments go to pytest.
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
echo "== tests on SQLite"
env -u DATABASE_URL .venv/bin/pytest -q -n 2 --create-db "$@" || status=1
echo "== tests on PostgreSQL"
DATABASE_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/onewindow}" \
  .venv/bin/pytest -q -n 2 --create-db "$@" || status=1
exit $status
