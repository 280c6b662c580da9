#!/usr/bin/env bash
# Refreshes the lock files from pyproject.toml: requirements.lock (what the reconciler needs to run:
# the workflows install it) and requirements-dev.lock (that, the simulators and the development
# tools: scripts/bootstrap.sh installs it). Versions already locked stay unless pyproject.toml no
# longer allows them; `scripts/lock.sh --upgrade` moves everything to the newest allowed release.
# Every line carries its hashes, so pip and uv refuse a file that differs from the one locked.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
uv=.venv/bin/uv   # uv is a locked dev dependency, so the bootstrap installed it either way
common=(pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet
        --custom-compile-command scripts/lock.sh "$@")
"$uv" "${common[@]}" -o requirements.lock
"$uv" "${common[@]}" --extra sim --extra dev -o requirements-dev.lock
echo "lock: requirements.lock and requirements-dev.lock written; commit them with pyproject.toml"
