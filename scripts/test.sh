#!/usr/bin/env bash
# The project's test command: sets up everything from nothing (virtual environment, packages; the
# simulators start inside the test run), then lint, type checks, the import contracts
# (docs/architecture.md), workflow checks and the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff" && ruff check .
echo "== mypy" && mypy
echo "== import contracts" && lint-imports --no-cache
if ls .github/workflows/*.yml >/dev/null 2>&1; then
  echo "== workflows" && scripts/check-workflows.sh
fi
echo "== pytest" && pytest -n 2 "$@"
