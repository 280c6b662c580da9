"""The plain-file reader (reconciler/repository/simple_yaml.py) answers only what libyaml's loader
(with parse.py's rules) answers: on every file of the sample organization, the golden cases and a
generated organization, and on thousands of mutations of them made of YAML's traps. When it is not
sure it says None, and the file goes through libyaml, which words the error."""

from __future__ import annotations

import datetime
import importlib.util
import random
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from validate_golden import build_case, cases

from reconciler.repository import parse
from reconciler.repository.load import check_repository
from reconciler.repository.simple_yaml import simple_values

ROOT = Path(__file__).resolve().parents[2]

# Values and keys YAML reads in surprising ways, and constructs this reader must leave to libyaml.
TRAPS = [
    "yes", "No", "on", "OFF", "true", "~", "null", "Null", "", "1", "-1", "+1", "0x1F", "0o17", "017",
    "1_000", "1e3", "1.5", "1.", ".5", ".inf", "-.inf", ".NaN", "2026-12-01", "2026-12-01 10:00:00",
    "12:30", "190:20:30", "a: b", "a #b", "a#b", "'x'", '"x"', "'it''s'", '"a\\nb"', '"tab\\tx"',
    "[a, b]", "[a, , b]", "[a, b,]", "[ a , 'b c' ]", '["x, y", z]', "[yes, 1]", "[]", "{}", "{a: b}",
    "&x a", "*x", "!!str 1", "!custom x", "|", ">", "- x", "@x", "`x`", "%x", "é", "Zürich", "a  b",
    "a b", "a b ", "=", "<<", "?", "? x", ": x", "x:", "a,b", "a]", "{", "[", "'unterminated",
    '"unterminated', "\u2028", "\x85", "\x07", "\ufeff", "a\\b", "1 2", "_x", "./x", "/x", "x=y",
    "aws+x@example.com", "Unit007/Team0073", "CC-123", "012345670123", "123456789012",
]
KEY_TRAPS = ["true", "1", "<<", "a b", '"quoted"', "'single'", "null", "~", "x.y", "x-y", "_x", "é",
             "? x", "-x", "x:y"]
LINE_EDITS = ["---", "...", "# a comment", "   # indented comment", "", "  ", "\t", "key: value\r",
              "  stray: indented", "- item", "  - item", "%YAML 1.1", "x: |", "  block text"]


def _reference(text: str) -> tuple[str, Any]:
    """What read_yaml's libyaml path gives: the value, or that it refused the file."""
    try:
        node = yaml.compose(text, Loader=parse._Loader)
    except yaml.YAMLError:
        return "refused", None
    if node is None:
        return "refused", None
    try:
        return "value", parse.build(node, check_aliases=True)
    except parse._Refused:
        return "refused", None


def _typed(value: Any) -> Any:
    """1, 1.0 and True differ here; so do a date and its text."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, value)


def _agrees(text: str) -> bool | None:
    """True: both read the same values; None: this reader left it to libyaml; False: they differ."""
    ours = simple_values(text)
    if ours is None:
        return None
    kind, theirs = _reference(text)
    return kind == "value" and _typed(ours) == _typed(theirs)


def _generate(out: Path) -> None:
    spec = importlib.util.spec_from_file_location("generate_org", ROOT / "scripts" / "generate_org.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_org"] = module
    spec.loader.exec_module(module)
    module.generate(out, 200, 30, 20, seed=3)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "accounts").rglob("*.yaml"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "policies").rglob("*.yaml"))]
    texts.append((ROOT / "organization.yaml").read_text(encoding="utf-8"))
    for name in cases():
        repo = tmp_path_factory.mktemp(name)
        build_case(name, repo / "r")
        for path in sorted((repo / "r").rglob("*.yaml")):
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    generated = tmp_path_factory.mktemp("generated")
    _generate(generated)
    texts += [p.read_text(encoding="utf-8") for p in sorted(generated.rglob("*.yaml"))[:300]]
    return texts


def test_every_real_file_it_reads_is_read_as_libyaml_reads_it(corpus: list[str]) -> None:
    results = [_agrees(text) for text in corpus]
    assert False not in results
    sample_accounts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "accounts").rglob("*.yaml"))]
    assert all(simple_values(t) is not None for t in sample_accounts)  # the fast path is the usual one
    assert results.count(True) > 300 and results.count(None) > 50  # and it does leave files to libyaml


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        index = rng.randrange(len(lines))
        line = lines[index]
        choice = rng.random()
        if choice < 0.45 and ":" in line:
            head, _, _ = line.partition(":")
            lines[index] = f"{head}: {rng.choice(TRAPS)}"
        elif choice < 0.6 and ":" in line:
            indent = line[: len(line) - len(line.lstrip(' '))]
            lines[index] = indent + rng.choice(KEY_TRAPS) + ":" + line.partition(":")[2]
        elif choice < 0.7:
            lines.insert(index, rng.choice(LINE_EDITS))
        elif choice < 0.8:
            lines.insert(index, line)  # a duplicate key, or a second list item
        elif choice < 0.9:
            lines[index] = " " * rng.choice([1, 2, 3, 4]) + line.lstrip(" ")
        else:
            lines[index] = line + rng.choice([" # note", "#x", " ", "  ", " x", ": y"])
    return "\n".join(lines)


def test_mutations_made_of_yamls_traps_are_read_as_libyaml_reads_them_or_left_to_it(
        corpus: list[str]) -> None:
    rng = random.Random(2026)
    outcomes = {True: 0, None: 0}
    for _ in range(6000):
        text = _mutate(rng.choice(corpus), rng)
        result = _agrees(text)
        assert result is not False, text
        outcomes[result] += 1
    assert outcomes[True] > 500 and outcomes[None] > 1000, outcomes


@pytest.mark.parametrize(("text", "expected"), [
    ("a: yes\nb: '1'\nc: 2026-12-01\nd: [x, 'y z']\ne: {}\n",
     {"a": True, "b": "1", "c": datetime.date(2026, 12, 1), "d": ["x", "y z"], "e": {}}),
    ("tags:\n  team: x  # owner\n  'q k': \"v\"\nlist:\n- a\n- 2\n",
     {"tags": {"team": "x", "q k": "v"}, "list": ["a", 2]}),
])
def test_plain_files_read_to_these_values(text: str, expected: dict[str, Any]) -> None:
    assert simple_values(text) == expected
    assert _reference(text) == ("value", expected)


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n",  # a duplicate key: libyaml's path reports E007
    "a:\n",  # null
    "true: x\n",  # a key YAML reads as a boolean: E009
    "a: &x 1\nb: *x\n",  # anchors
    "---\na: 1\n",
    "a: b\n  c\n",  # a plain scalar continued on the next line
    "tags:\n  a: 1\n   b: 2\n",
    "a: \"x\\ty\"\n",  # an escape
    "",
    "# only a comment\n",
])
def test_anything_it_is_not_sure_of_goes_to_libyaml(text: str) -> None:
    assert simple_values(text) is None


def test_a_plain_file_with_an_error_is_still_placed_by_line_and_column(tmp_path: Path) -> None:
    """The node tree of a file read plainly is composed when a problem needs its position."""
    repo = tmp_path / "repo"
    build_case("missing-required-field", repo)
    plain = ROOT / "accounts"
    first = sorted(plain.rglob("*.yaml"))[0]
    text = first.read_text(encoding="utf-8").replace("\nowner_team:", "\nowner_tem:")
    assert simple_values(text) is not None
    target = repo / "accounts" / first.name
    target.write_text(text, encoding="utf-8")
    _, problems = check_repository(repo)
    mine = [p for p in problems if p.path == f"accounts/{first.name}"]
    line = text.split("\n").index(next(t for t in text.split("\n") if t.startswith("owner_tem:"))) + 1
    assert any(p.line == line and p.column == 1 and "owner_tem" in p.message for p in mine), mine


def test_a_kept_text_that_libyaml_refuses_places_problems_at_the_start() -> None:
    """Not expected (the plain reader agrees with libyaml), but never a traceback."""
    parsed = parse.Parsed("accounts/x.yaml", value={"a": 1}, read=True, _text="a: [\n")
    problem = parsed.problem("E102", "a message", "a")
    assert parsed.node is None and (problem.line, problem.column) == (1, 1)
