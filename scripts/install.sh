#!/usr/bin/env bash
# Installs the reconciler into the current Python with the runtime dependencies at the versions
# locked in requirements.lock (hashes checked): the workflows' install step. For development, use
# scripts/bootstrap.sh, which also installs the simulators and the development tools.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --disable-pip-version-check --require-hashes -r requirements.lock
python -m pip install --disable-pip-version-check --no-deps .
