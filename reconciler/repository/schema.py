"""The JSON Schemas of the three file kinds, their validators (built once), and schema errors
turned into Problems with positions and messages a person can act on."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from yaml.nodes import Node, ScalarNode

from reconciler.errors import show
from reconciler.repository.fast_schema import Check, Unsupported, compile_schema
from reconciler.repository.parse import locate, walk
from reconciler.repository.problems import Problem
from reconciler.repository.simple_yaml import STR_TAG

KINDS = ("organization", "account", "policy")
_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "boolean": "true or false",
    "number": "a number",
}
_YAML_READS = {
    "bool": "a boolean",
    "int": "a number",
    "float": "a number",
    "null": "null (empty)",
    "timestamp": "a date",
}


def schema_text(kind: str) -> str:
    return resources.files("reconciler.repository").joinpath("schemas", f"{kind}.json").read_text("utf-8")


@cache
def schema(kind: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text(kind))
    return loaded


@cache
def validator(kind: str) -> Any:
    """jsonschema's validator of the kind, built once: it words the errors of files fast_check fails."""
    return Draft202012Validator(schema(kind))


@cache
def fast_check(kind: str) -> Check | None:
    """The compiled yes/no check of a kind's schema (fast_schema.py), or None if it cannot be."""
    try:
        return compile_schema(schema(kind))
    except Unsupported:
        return None


def schema_problems(kind: str, rel: str, value: object, tree: Callable[[], Node | None]) -> list[Problem]:
    """The file's schema problems; `tree` gives its node tree, asked for only to place an error."""
    fast = fast_check(kind)
    if fast is not None and fast(value):
        return []  # valid; jsonschema below only runs to find and word errors
    node = tree()
    problems: list[Problem] = []
    for error in validator(kind).iter_errors(value):
        problems.extend(_problems(error, rel, node))
    return problems


def _problems(error: ValidationError, rel: str, node: Node | None) -> list[Problem]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        # The branch whose type fits is what the author meant (a string OU path, not a mapping).
        fitting = [e for e in error.context if e.validator != "type"]
        error = best_match(fitting or error.context)
    path = tuple(error.absolute_path)
    if "propertyNames" in error.schema_path:
        line, col = locate(node, (*path, str(error.instance)), key=True)
        hint = error.schema.get("x-hint", error.message)
        return [
            Problem(
                rel,
                line,
                col,
                "E105",
                f"the key {show(error.instance)} in {_field(path)} is not valid: {hint}",
            )
        ]
    where = _field(path)
    if error.validator == "required":
        assert isinstance(error.instance, dict)
        missing = [f for f in error.validator_value if f not in error.instance]
        line, col = locate(node, path)
        return [
            Problem(
                rel,
                line,
                col,
                "E101",
                f"missing required field {f!r}{' in ' + _field(path) if path else ''}; add it",
            )
            for f in missing
        ]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {}))
        return [_unknown(rel, node, path, key, known) for key in error.instance if key not in known]
    line, col = locate(node, path)
    code, message = _describe(error, where, walk(node, path)[0])
    return [Problem(rel, line, col, code, message)]


def _unknown(rel: str, node: Node | None, path: tuple[str | int, ...], key: str, known: list[str]) -> Problem:
    line, col = locate(node, (*path, key), key=True)
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(known)}"
    return Problem(
        rel, line, col, "E102", f"unknown field {show(key)}{' in ' + _field(path) if path else ''}; {hint}"
    )


def _describe(error: ValidationError, where: str, node: Node | None) -> tuple[str, str]:
    kind, value, hint = error.validator, error.instance, error.schema.get("x-hint")
    subject = f"{where}" if where else "the file"
    if kind == "type":
        expected = error.validator_value if isinstance(error.validator_value, str) else "string"
        return "E103", f"{subject} must be {_TYPE_NAMES.get(expected, expected)}{_yaml_hint(node, expected)}"
    if kind in ("enum", "const"):
        allowed = error.validator_value if kind == "enum" else [error.validator_value]
        return "E104", (
            f"{subject} must be one of {', '.join(map(str, allowed))}; got {show(value)}"
            f"{_yaml_hint(node, 'string')}"
        )
    if kind == "pattern":
        return "E105", f"{subject} {show(value)} is not valid: expected {hint or error.validator_value}"
    if kind in ("minLength", "maxLength", "minItems", "maxItems", "maxProperties", "minProperties"):
        bound = "at most" if kind.startswith("max") else "at least"
        unit = "characters" if kind.endswith("Length") else "entries"
        tail = f": {hint}" if hint else ""
        return "E106", f"{subject} must have {bound} {error.validator_value} {unit}{tail}"
    if kind == "uniqueItems":
        return "E107", f"{subject} lists the same value more than once; remove the repeat"
    if kind in ("minimum", "maximum"):
        bound = "at least" if kind == "minimum" else "at most"
        return "E109", f"{subject} must be {bound} {error.validator_value}; got {show(value)}"
    return "E108", f"{subject}: {error.message}"


def _yaml_hint(node: Node | None, expected: str) -> str:
    """Why YAML read a plain scalar as something else: the YAML 1.1 pitfalls (yes/no/on, 0755, dates)."""
    if expected != "string" or not isinstance(node, ScalarNode) or node.tag == STR_TAG or node.style:
        return ""
    if node.value == "":
        return ", but it is empty; write a value"
    reads = _YAML_READS.get(node.tag.rsplit(":", 1)[-1], "not text")
    raw = node.value
    return f', but YAML reads the unquoted {show(raw)} as {reads}; put it in quotes: "{raw}"'


def _field(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
