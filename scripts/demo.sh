#!/usr/bin/env bash
# One command: install everything, then migrate, load the demo data, create a login per role and serve
# http://127.0.0.1:8000 on an embedded SQLite database. Extra arguments go to `onewindow demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/onewindow demo "$@"
