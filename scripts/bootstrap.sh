#!/usr/bin/env bash
# Creates .venv and installs the project with its simulators and dev tools, at the versions locked
# in requirements-dev.lock (hashes checked). Safe to re-run: it reinstalls only when pyproject.toml
# or the lock file changed since the last install.
#
# uv installs the locked set in seconds. uv is itself a locked dev dependency: the bootstrap takes
# its entry from the lock and pip installs it, hashes checked, into .venv/.uv (a uv on PATH is used
# as it is). If uv cannot be had or fails, pip installs the same lock file (a minute or two).
# RECONCILER_INSTALLER=pip forces pip.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      PY=$candidate; break
    fi
  done
fi
[ -n "$PY" ] || { echo "bootstrap: Python 3.11 or newer is needed" >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml requirements-dev.lock | sha256sum | cut -c1-16)
[ -f "$stamp" ] && exit 0

log=.venv/install.log
: >"$log"
find_uv() {
  [ "${RECONCILER_INSTALLER:-}" = pip ] && return 1
  if command -v uv >/dev/null 2>&1; then command -v uv; return 0; fi
  if [ ! -x .venv/.uv/bin/uv ]; then
    # uv's entry of the lock: its `uv==` line and the indented hash lines under it.
    awk '/^uv==/ {keep=1; print; next} keep && /^[[:space:]]/ {print; next} {keep=0}' \
      requirements-dev.lock >.venv/uv.lock.txt
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes \
      --target .venv/.uv -r .venv/uv.lock.txt >>"$log" 2>&1 || return 1
  fi
  [ -x .venv/.uv/bin/uv ] || return 1
  echo "$PWD/.venv/.uv/bin/uv"
}
with_uv() {
  "$1" pip install --python .venv/bin/python --require-hashes -r requirements-dev.lock &&
    "$1" pip install --python .venv/bin/python --no-deps -e .
}
with_pip() {
  .venv/bin/python -m pip install --disable-pip-version-check --require-hashes -r requirements-dev.lock &&
    .venv/bin/python -m pip install --disable-pip-version-check --no-deps -e .
}
installed=""
if uv=$(find_uv) && with_uv "$uv" >>"$log" 2>&1; then
  installed=uv
else
  if with_pip >>"$log" 2>&1; then installed=pip; fi
fi
if [ -z "$installed" ]; then
  tail -n 40 "$log" >&2
  echo "bootstrap: installing the project failed; the full log is in $log" >&2
  exit 1
fi
rm -f .venv/.installed-*
touch "$stamp"
