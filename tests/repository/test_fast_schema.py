"""The compiled schema check (reconciler/repository/fast_schema.py) says "valid" exactly when
jsonschema finds no error: on every file of every golden case, on the sample organization, and on
thousands of generated mutations of them."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from validate_golden import build_case, cases

from reconciler.repository.fast_schema import Unsupported, compile_schema
from reconciler.repository.parse import read_yaml
from reconciler.repository.schema import KINDS, fast_check, schema

ROOT = Path(__file__).resolve().parents[2]


def _kind(rel: str) -> str:
    return {"accounts": "account", "policies": "policy"}.get(rel.split("/")[0], "organization")


def _files(repo: Path) -> list[tuple[str, Any]]:
    found = []
    for path in sorted(repo.rglob("*.yaml")):
        rel = path.relative_to(repo).as_posix()
        if rel != "organization.yaml" and not rel.startswith(("accounts/", "policies/")):
            continue
        parsed = read_yaml(repo, rel, [])
        if parsed.value is not None:
            found.append((_kind(rel), parsed.value))
    return found


def _agree(kind: str, value: Any) -> bool:
    check = fast_check(kind)
    assert check is not None, f"the {kind} schema no longer compiles"
    return check(value) == Draft202012Validator(schema(kind)).is_valid(value)


def test_every_schema_compiles() -> None:
    assert all(fast_check(kind) is not None for kind in KINDS)


def test_golden_cases_and_the_sample_agree(tmp_path: Path) -> None:
    seen = {True: 0, False: 0}
    repos = [ROOT]
    for name in cases():
        repo = tmp_path / name
        build_case(name, repo)
        repos.append(repo)
    for repo in repos:
        for kind, value in _files(repo):
            assert _agree(kind, value), (repo.name, kind, value)
            seen[Draft202012Validator(schema(kind)).is_valid(value)] += 1
    assert seen[True] > 100 and seen[False] >= 10  # both verdicts were exercised


_REPLACEMENTS: list[Any] = [
    None, True, False, 0, 1, -1, 1.5, 2.0, "", "x", "aws:x", "CC-12", "CC-12345", "production",
    "full", "all", "ou:Sandbox", "123456789012", "a" * 300, [], ["a", "a"], ["soc2", "gdpr"], [1, 1],
    [True, 1], {}, {"a": "b"}, {"aws:k": "v"}, {"k": 1},
]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


def _mutate(value: Any, rng: random.Random) -> Any:
    mutated = copy.deepcopy(value)
    path = rng.choice(_paths(mutated)[1:] or [()])
    if not path:
        return rng.choice(_REPLACEMENTS)
    parent = mutated
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = rng.randrange(4)
    if action == 0 and isinstance(parent, dict):
        del parent[last]
    elif action == 1 and isinstance(parent, dict):
        key = rng.choice(["extra", "tags", "lease", "protected", "rollout", "zzz"])
        parent[key] = rng.choice(_REPLACEMENTS)
    elif action == 2 and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    else:
        parent[last] = copy.deepcopy(rng.choice(_REPLACEMENTS))
    return mutated


@pytest.mark.parametrize("seed", range(4))
def test_generated_mutations_agree(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    bases = _files(ROOT)
    repo = tmp_path / "base"
    build_case("_base", repo)
    bases += _files(repo)
    verdicts = {True: 0, False: 0}
    for _ in range(1500):
        kind, value = rng.choice(bases)
        for _ in range(rng.randrange(1, 4)):
            value = _mutate(value, rng)
        assert _agree(kind, value), (kind, value)
        verdicts[Draft202012Validator(schema(kind)).is_valid(value)] += 1
    assert verdicts[True] > 50 and verdicts[False] > 500


@pytest.mark.parametrize(
    ("subschema", "value", "valid"),
    [
        ({"type": "integer"}, 2.0, True),  # JSON Schema's integer includes 2.0
        ({"type": "integer"}, True, False),  # and never a boolean
        ({"enum": ["a"]}, "a", True),
        ({"const": True}, 1, False),  # true is not 1
        ({"uniqueItems": True}, [1, True], True),  # true is not 1
        ({"uniqueItems": True}, [1, 1.0], False),  # but 1 is 1.0
        ({"uniqueItems": True}, [{"a": [1]}, {"a": [1]}], False),
        ({"uniqueItems": True}, [float("nan")], None),  # unsure: jsonschema decides
        ({"oneOf": [{"type": "string"}, {"pattern": "^a"}]}, "abc", False),  # both match
        ({"not": {"uniqueItems": True}}, [1, 1], True),
        ({"not": {"uniqueItems": True}}, [float("nan")], None),
        ({"if": {"required": ["a"]}, "then": {"required": ["b"]}}, {"a": 1}, False),
        ({"propertyNames": {"pattern": "^(?!aws:)"}}, {"aws:x": 1}, False),
        ({"additionalProperties": False, "properties": {"a": {}}}, {"b": 1}, False),
    ],
)
def test_keyword_semantics(subschema: dict[str, Any], value: Any, valid: bool | None) -> None:
    check = compile_schema(subschema)
    expected = Draft202012Validator(subschema).is_valid(value)
    if valid is None:  # unsure: reported as not valid, so jsonschema runs
        assert check(value) is False
    else:
        assert expected is valid and check(value) is valid


def test_an_unknown_keyword_is_not_compiled() -> None:
    with pytest.raises(Unsupported):
        compile_schema({"patternProperties": {"^a": {}}})
