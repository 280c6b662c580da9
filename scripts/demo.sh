#!/usr/bin/env bash
# The demo: the whole story against the local stand-ins, on a fresh machine, with no AWS account.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"
reconciler --version

# Drift (docs/reconcile.md): its own orgsim and ghfake; drift made by hand in AWS, then
# `reconciler reconcile` reverts it or opens pull requests, which are shown with their diffs.
python scripts/demo_reconcile.py
