#!/usr/bin/env bash
# The demo: the whole story against the local stand-ins, on a fresh machine, with no AWS account.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"
reconciler --version
