"""Checks ghfake's traffic against GitHub's published OpenAPI description.

The subset in data/github-openapi-subset.json (made by scripts/extract_github_openapi.py) maps
each operation to its request body schema and response schemas. Every JSON request body ghfake
receives and every JSON response body it sends is validated; each mismatch is recorded as a
violation, which tests read through `GET /_ghfake/violations` and fail on.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, ValidationError
from jsonschema.exceptions import best_match

# Next to this module, not via importlib.resources("ghfake"): under pytest, tests/ghfake can
# shadow the package name as a namespace package, and resources would then look in the tests.
DATA = Path(__file__).with_name("data")
PARAM = re.compile(r"\{([a-z_]+)\}")
# Parameters that may span several path segments on GitHub.
# A contents path may also be empty: GET .../contents/ lists the root directory.
SEGMENT = {"path": "(.*)", "ref": "(.+)", "branch": "(.+)"}
# Operations whose description says "you can also pass an array of labels directly" while the
# schema only has the {"labels": [...]} form; PyGithub sends the bare array.
BARE_LABEL_ARRAY = {"issues/add-labels"}
# Statuses GitHub sends that its description does not list: 422 "No commit found for SHA: ..."
# for a commit the repository does not hold, as every commit endpoint answers it.
UNLISTED_STATUS = {("repos/list-pull-requests-associated-with-commit", 422)}


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    pattern: re.Pattern[str]
    request: Any
    responses: dict[str, Any]


def load_subset() -> dict[str, Any]:
    text = (DATA / "github-openapi-subset.json").read_text()
    subset: dict[str, Any] = json.loads(text)
    return subset


def _compile(path: str) -> re.Pattern[str]:
    parts = PARAM.split(path)
    regex = "".join(re.escape(p) if i % 2 == 0 else SEGMENT.get(p, "([^/]+)")
                    for i, p in enumerate(parts))
    return re.compile(f"^{regex}$")


def _describe(error: ValidationError) -> str:
    # An anyOf failure says only "not valid under any of the given schemas"; the closest
    # alternative's own error (jsonschema's best_match) tells what to fix.
    if error.context:
        error = best_match(error.context)
    where = "/".join(str(p) for p in error.absolute_path) or "<root>"
    return f"{where}: {error.message[:300]}"


def schema_errors(schema: Any, body: Any) -> list[str]:
    """Every way `body` breaks `schema`, as readable one-liners (empty when it conforms)."""
    errors = sorted(Draft7Validator(schema).iter_errors(body), key=lambda e: list(e.absolute_path))
    return [_describe(e) for e in errors]


class SchemaChecker:
    def __init__(self, subset: dict[str, Any] | None = None) -> None:
        subset = subset or load_subset()
        self.source: dict[str, str] = subset["source"]
        # Literal paths first so /git/refs/{ref} cannot swallow a more specific template.
        # Among equals, the longer template first: /commits/{sha}/pulls before /commits/{ref}.
        ops = sorted(subset["operations"].items(),
                     key=lambda kv: (kv[1]["path"].count("{"), -len(kv[1]["path"])))
        self.operations = [Operation(op_id, op["method"], _compile(op["path"]), op["request"],
                                     op["responses"]) for op_id, op in ops]
        self._lock = threading.Lock()
        self.violations: list[dict[str, Any]] = []
        self.checked: Counter[str] = Counter()  # responses checked per operation, to show coverage

    def operation(self, method: str, path: str) -> Operation | None:
        return next((op for op in self.operations if op.method == method and op.pattern.match(path)), None)

    def check_request(self, method: str, path: str, body: Any) -> list[str]:
        op = self.operation(method, path)
        if op is None or op.request is None or body is None:
            return []
        if op.operation_id in BARE_LABEL_ARRAY and isinstance(body, list):
            body = {"labels": body}
        return self._record(op, method, path, "request", None, schema_errors(op.request, body))

    def check_response(self, method: str, path: str, status: int, body: Any) -> list[str]:
        op = self.operation(method, path)
        if op is None:
            return []
        with self._lock:
            self.checked[op.operation_id] += 1
        code = str(status)
        if code not in op.responses:
            if status >= 500 or status in (401, 403, 429) or (op.operation_id, status) in UNLISTED_STATUS:
                return []  # answers any endpoint may give; GitHub does not list them on each
            return self._record(op, method, path, "response", status,
                                [f"status {status} is not a documented answer of {op.operation_id}"])
        schema = op.responses[code]
        if schema is None or body is None:
            return []
        return self._record(op, method, path, "response", status, schema_errors(schema, body))

    def _record(self, op: Operation, method: str, path: str, direction: str, status: int | None,
                errors: list[str]) -> list[str]:
        if errors:
            with self._lock:
                self.violations.append({"operation": op.operation_id, "method": method, "path": path,
                                        "direction": direction, "status": status, "errors": errors})
        return errors

    def clear(self) -> None:
        with self._lock:
            self.violations.clear()
            self.checked.clear()
