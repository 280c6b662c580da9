#!/usr/bin/env bash
# Checks the GitHub Actions workflows (and issue forms): each against GitHub's schema (the copy vendored in
# check-jsonschema, so no network), then zizmor's security audits offline. Any finding fails.
# Usage: scripts/check-workflows.sh [WORKFLOW_DIR]   (default: .github/workflows)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-.github/workflows}
bin=.venv/bin
[ -x "$bin/zizmor" ] || bin=$(dirname "$(command -v zizmor)")
shopt -s nullglob
files=("$dir"/*.yml "$dir"/*.yaml)
[ ${#files[@]} -gt 0 ] || { echo "check-workflows: no workflows in $dir" >&2; exit 1; }
"$bin/check-jsonschema" --builtin-schema vendor.github-workflows "${files[@]}"
forms=(.github/ISSUE_TEMPLATE/*.yml)
if [ "$dir" = .github/workflows ] && [ ${#forms[@]} -gt 0 ]; then
  "$bin/check-jsonschema" --builtin-schema vendor.github-issue-forms "${forms[@]}"
fi
config=()
[ -f zizmor.yml ] && config=(--config zizmor.yml)
# --no-progress keeps CI logs readable; zizmor exits non-zero on any finding.
"$bin/zizmor" --offline --no-progress "${config[@]}" "${files[@]}"
