#!/usr/bin/env python3
"""Extract the operations ghfake serves from GitHub's published OpenAPI description.

The full description (npm package @octokit/openapi, file generated/api.github.com.json) is
about 13 MB, so only a compact subset is kept in the repository:

    cd "$(mktemp -d)" && npm pack @octokit/openapi && tar xzf octokit-openapi-*.tgz
    python scripts/extract_github_openapi.py package/ ghfake/data/

For every operation listed in OPERATIONS the subset holds the JSON request body schema and the
2xx/4xx JSON response schemas, with $refs inlined and OpenAPI 3.0's `nullable` turned into JSON
Schema (and its overlapping oneOf into anyOf), so a plain jsonschema validator can check ghfake's
traffic against it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OPERATIONS = [
    "users/get-authenticated", "users/get-by-username", "rate-limit/get",
    "repos/get", "repos/create-for-authenticated-user", "repos/create-in-org",
    "repos/get-branch", "repos/list-branches", "repos/get-commit",
    "git/get-ref", "git/create-ref", "git/update-ref", "git/delete-ref", "git/list-matching-refs",
    "repos/get-content", "repos/create-or-update-file-contents", "repos/delete-file",
    "git/create-blob", "git/get-blob", "git/create-tree", "git/get-tree",
    "git/create-commit", "git/get-commit",
    "pulls/create", "pulls/list", "pulls/get", "pulls/update", "pulls/merge", "pulls/list-files",
    "pulls/list-reviews", "pulls/create-review",
    "issues/create-comment", "issues/list-comments", "issues/get-comment",
    "issues/update-comment", "issues/delete-comment",
    "issues/add-labels", "issues/list-labels-on-issue", "issues/list-labels-for-repo",
    "issues/create-label", "issues/get-label",
    "issues/create", "issues/get", "issues/list-for-repo", "issues/update",
    # What the apply gate asks and the branch protection / Actions settings it relies on.
    "repos/add-collaborator", "repos/get-collaborator-permission-level",
    "repos/list-pull-requests-associated-with-commit", "pulls/list-commits",
    "repos/update-branch-protection", "repos/get-branch-protection",
    "actions/set-github-actions-default-workflow-permissions-repository",
    "actions/get-github-actions-default-workflow-permissions-repository",
]
# Keywords that only document; dropping them keeps the subset small without changing validation.
DROP = {"description", "example", "examples", "summary", "externalDocs", "title", "deprecated"}
JSON_TYPES = ("application/json", "application/vnd.github.object", "application/vnd.github+json")


def resolve(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def to_json_schema(doc: dict[str, Any], node: Any, stack: tuple[str, ...] = ()) -> Any:
    """Inline $refs and translate OpenAPI 3.0 `nullable` into JSON Schema's null type."""
    if isinstance(node, list):
        return [to_json_schema(doc, item, stack) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in stack:  # a recursive schema: accept any object below the cycle
            return {"type": "object"}
        return to_json_schema(doc, resolve(doc, ref), (*stack, ref))
    # GitHub writes oneOf where its alternatives overlap (a private user is also a valid public
    # user; a basic error matches both 409 shapes), so oneOf would reject GitHub's own answers.
    out = {("anyOf" if k == "oneOf" else k): to_json_schema(doc, v, stack) for k, v in node.items()
           if k not in DROP and not k.startswith("x-") and k != "nullable"}
    if node.get("nullable"):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def json_schema_of(doc: dict[str, Any], body: dict[str, Any] | None) -> Any:
    if body is None:
        return None
    if "$ref" in body:
        body = resolve(doc, body["$ref"])
    content = body.get("content", {})
    for media in JSON_TYPES:
        if media in content and "schema" in content[media]:
            return to_json_schema(doc, content[media]["schema"])
    return None


def extract(doc: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or op.get("operationId") not in OPERATIONS:
                continue
            responses = {code: json_schema_of(doc, resp) for code, resp in op["responses"].items()
                         if code[0] in "24"}
            found[op["operationId"]] = {
                "method": method.upper(), "path": path,
                "request": json_schema_of(doc, op.get("requestBody")),
                "responses": responses,
            }
    missing = set(OPERATIONS) - set(found)
    if missing:
        raise SystemExit(f"operations not in the description: {sorted(missing)}")
    return dict(sorted(found.items()))


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit("usage: extract_github_openapi.py NPM_PACKAGE_DIR OUT_DIR")
    pkg, out = Path(argv[0]), Path(argv[1])
    doc = json.loads((pkg / "generated" / "api.github.com.json").read_text())
    meta = json.loads((pkg / "package.json").read_text())
    subset = {
        "source": {"package": meta["name"], "version": meta["version"],
                   "file": "generated/api.github.com.json", "license": meta["license"]},
        "operations": extract(doc),
    }
    (out / "github-openapi-subset.json").write_text(json.dumps(subset, separators=(",", ":")) + "\n")
    notice = (f"github-openapi-subset.json is extracted from the npm package {meta['name']}@{meta['version']}"
              f" (file generated/api.github.com.json), licensed {meta['license']}:\n\n")
    (out / "github-openapi-LICENSE").write_text(notice + (pkg / "LICENSE").read_text())
    print(f"{len(subset['operations'])} operations from {meta['name']}@{meta['version']}")


if __name__ == "__main__":
    main(sys.argv[1:])
