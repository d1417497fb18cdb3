#!/usr/bin/env bash
# Installs what OneWindow needs on a fresh Debian machine with Python 3.11:
# system packages (only when run as root and something is missing) and a virtualenv in .venv.
#   scripts/install.sh          runtime only
#   scripts/install.sh test     runtime + test tools (Playwright drives Debian's chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
want_test="${1:-}"

apt_pkgs=(gettext fonts-noto-cjk fonts-wqy-microhei)
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

if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
extras=""
if [ "$want_test" = "test" ]; then extras="[test]"; fi
.venv/bin/pip install -q --disable-pip-version-check -e ".${extras}"
# Compiled translations are built from the committed .po files.
(cd src/onewindow && ../../.venv/bin/django-admin compilemessages --ignore=.venv -v 0 2>/dev/null) || true
