#!/usr/bin/env bash
# Installs what OneWindow needs on a fresh Debian machine with Python 3.11:
# system packages (only when run as root and something is missing) and a virtualenv in .venv.
#   scripts/install.sh          runtime only
#   scripts/install.sh test     runtime + test tools (Playwright drives Debian's chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
want_test="${1:-}"

apt_pkgs=(python3-venv gettext fonts-noto-cjk fonts-wqy-microhei)
if [ "$want_test" = "test" ]; then apt_pkgs+=(chromium poppler-utils); fi
# the suite also runs on PostgreSQL: a bare machine gets Debian's server (scripts/test.sh starts it)
if [ "$want_test" = "test" ] && [ ! -d /etc/postgresql ]; then apt_pkgs+=(postgresql); fi
missing=()
for p in "${apt_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "== apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "!! missing system packages (run as root or install them): ${missing[*]}" >&2
  fi
fi

# The interpreter: Debian's own python3 when it is 3.11 or newer, else the first python3 on PATH; ONEWINDOW_PYTHON
# names another. Debian builds CPython with profile-guided optimisation and link-time optimisation; a plain source
# build (pyenv's default, say) has neither, and the server spent about a fifth more CPU per request on it
# (bench/queue, docs/operations.md "Hot paths", 2026-12-06 night). A .venv made from another interpreter is made
# again: everything in it comes from pyproject.toml.
python="${ONEWINDOW_PYTHON:-}"
if [ -z "$python" ]; then
  python=python3
  if /usr/bin/python3 -c 'import sys, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python=/usr/bin/python3
  fi
fi
base="$("$python" -c 'import os, sys; print(os.path.realpath(sys.executable))')"
if [ -x .venv/bin/python ] && [ "$(.venv/bin/python -c 'import os, sys; print(os.path.realpath(sys._base_executable))')" != "$base" ]; then
  echo "== .venv was made from another interpreter: making it again from $base"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then "$python" -m venv .venv; fi
extras=""
if [ "$want_test" = "test" ]; then extras="[test]"; fi
.venv/bin/pip install -q --disable-pip-version-check -e ".${extras}"
# Compiled translations are built from the committed .po files.
(cd src/onewindow && ../../.venv/bin/django-admin compilemessages --ignore=.venv -v 0 2>/dev/null) || true
