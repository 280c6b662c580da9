"""Reading one repository file: bytes -> YAML node tree -> plain values, with every pitfall turned
into a Problem that points at the offending line and column.

libyaml (yaml.CSafeLoader) composes the node tree in C, and the node tree carries the marks, so
positions cost nothing extra. Values are built from the nodes here rather than by PyYAML's
constructor because that silently keeps the last of duplicate keys and expands aliases. A plainly
written file (every account file) is read without a node tree by simple_yaml.py, and its tree is
composed only if a problem needs a position.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reconciler.errors import show
from reconciler.repository.problems import Problem
from reconciler.repository.simple_yaml import CONSTRUCTOR, STR_TAG, plain_tag, simple_values

MAX_FILE_BYTES = 1_000_000  # the largest real file (a 10 KB policy) is far below this
MAX_DEPTH = 50  # a real policy document nests 6 levels; deeper input only risks the recursion limit
MERGE_TAG = "tag:yaml.org,2002:merge"


class _Loader(yaml.CSafeLoader):
    """libyaml's safe loader with a cheaper resolver: the safe schema registers no path resolvers,
    so descending and ascending track nothing, and a plain scalar's tag (str, int, bool, ...) is
    remembered by its text (simple_yaml.plain_tag, which the plain-file reader uses too)."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0]:
            return plain_tag(value)
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]


@dataclass
class Parsed:
    """One file's values and its node tree (for positions); value is None when it could not be read.

    A plainly written file is read without a node tree (reconciler/repository/simple_yaml.py);
    its tree is composed from the kept text the first time a position is asked for, which a
    valid file's load never does."""

    path: str
    value: Any = None
    read: bool = False  # the file parsed into values (its own checks may still fail)
    _node: Node | None = field(default=None, repr=False)
    _text: str | None = field(default=None, repr=False)

    @property
    def node(self) -> Node | None:
        if self._node is None and self._text is not None:
            text, self._text = self._text, None
            try:
                self._node = yaml.compose(text, Loader=_Loader)
            except yaml.YAMLError:  # not expected (the plain reader agreed with libyaml): 1:1 then
                self._node = None
        return self._node

    @property
    def stem(self) -> str:
        return self.path.rsplit("/", 1)[-1].removesuffix(".yaml")

    @property
    def data(self) -> dict[str, Any]:
        """The top-level mapping (only called once the schema check passed)."""
        return self.value if isinstance(self.value, dict) else {}

    def problem(self, code: str, message: str, *keypath: str | int, key: bool = False) -> Problem:
        line, column = locate(self.node, keypath, key=key)
        return Problem(self.path, line, column, code, message)


class _Refused(Exception):
    def __init__(self, node: Node, code: str, message: str) -> None:
        super().__init__(message)
        self.node, self.code, self.message = node, code, message


def read_yaml(root: Path, rel: str, problems: list[Problem]) -> Parsed:
    """Parse root/rel; append any problem to `problems` and return what could be read."""
    parsed = Parsed(rel)
    text = _read_text(os.path.join(root, rel), rel, problems)
    if text is None:
        return parsed
    if "\t" in text and _tab_problems(text, rel, problems):
        return parsed
    plain = simple_values(text)
    if plain is not None:
        parsed.value, parsed._text, parsed.read = plain, text, True
        return parsed
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(rel, exc))
        return parsed
    except yaml.reader.ReaderError as exc:
        line, col = _position(text, exc.position)
        problems.append(Problem(rel, line, col, "E004", f"invalid character: {exc.reason}; remove it"))
        return parsed
    if node is None:
        problems.append(Problem(rel, 1, 1, "E006", "the file is empty; write the YAML mapping it must hold"))
        return parsed
    try:
        parsed.value = build(node, check_aliases="&" in text)
    except _Refused as exc:
        mark = exc.node.start_mark
        problems.append(Problem(rel, mark.line + 1, mark.column + 1, exc.code, exc.message))
        return parsed
    parsed._node, parsed.read = node, True
    return parsed


def _read_bytes(file: str) -> tuple[bytes, int]:
    """At most MAX_FILE_BYTES + 1 bytes of the file (a huge file is refused, not loaded) and its
    size. Plain os.read into a buffer of the file's size: a buffered read of MAX_FILE_BYTES + 1
    allocates a megabyte per file, which for 10,000 small account files cost most of their reading."""
    fd = os.open(file, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        limit = MAX_FILE_BYTES + 1
        chunks: list[bytes] = []
        read = 0
        while read < limit:  # a regular file answers in one read, then its end; a pipe may take more
            chunk = os.read(fd, min(limit - read, max(size - read, 0) + 4096))
            if not chunk:
                break
            chunks.append(chunk)
            read += len(chunk)
        return b"".join(chunks), size
    finally:
        os.close(fd)


def _read_text(file: str, rel: str, problems: list[Problem]) -> str | None:
    try:
        data, size = _read_bytes(file)
    except OSError as exc:
        problems.append(Problem(rel, 1, 1, "E010", f"cannot read the file: {exc.strerror}"))
        return None
    if len(data) > MAX_FILE_BYTES:
        message = (
            f"the file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes per file: split it or remove "
            "what it should not hold"
        )
        problems.append(Problem(rel, 1, 1, "E001", message))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        problems.append(
            Problem(
                rel,
                line,
                column,
                "E002",
                f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8",
            )
        )
        return None


def _tab_problems(text: str, rel: str, problems: list[Problem]) -> bool:
    found = False
    for number, line in enumerate(text.splitlines(), 1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(
                Problem(
                    rel,
                    number,
                    indent.index("\t") + 1,
                    "E003",
                    "a tab is used for indentation; YAML allows only spaces",
                )
            )
            found = True
    return found


def _syntax_problem(rel: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if "expected a single document" in str(exc):
        return Problem(
            rel,
            line,
            col,
            "E005",
            "the file holds more than one YAML document (a second '---'); keep one document per file",
        )
    detail = exc.problem or "invalid YAML"
    if exc.context:
        detail = f"{exc.context}, {detail}"
    return Problem(rel, line, col, "E004", f"YAML syntax error: {detail}")


def _position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def build(node: Node, *, check_aliases: bool) -> object:
    """Plain values from a node tree; refuses duplicate keys, merge keys, aliases and unknown tags."""
    return _build(node, set() if check_aliases else None, 0)


def _build(node: Node, seen: set[int] | None, depth: int) -> object:
    if depth > MAX_DEPTH:
        raise _Refused(node, "E004", f"values are nested more than {MAX_DEPTH} levels deep; flatten them")
    if seen is not None:
        if id(node) in seen:
            raise _Refused(
                node,
                "E008",
                "YAML anchors and aliases (&name / *name) are not supported; write the value out",
            )
        seen.add(id(node))
    if isinstance(node, ScalarNode):
        return node.value if node.tag == STR_TAG else _scalar(node)
    if isinstance(node, SequenceNode):
        return [_build(item, seen, depth + 1) for item in node.value]
    assert isinstance(node, MappingNode)
    result: dict[str, object] = {}
    for key_node, value_node in node.value:
        if key_node.tag == MERGE_TAG:
            raise _Refused(key_node, "E008", "YAML merge keys ('<<') are not supported; write the fields out")
        key = _build(key_node, seen, depth + 1)
        if not isinstance(key, str):
            raise _Refused(
                key_node,
                "E009",
                f"the key {show(key_node.value)} is read by YAML as "
                f'{_kind(key)}, not text; quote it: "{key_node.value}"',
            )
        if key in result:
            raise _Refused(
                key_node,
                "E007",
                f"duplicate key {show(key)}: YAML would silently keep only the last one; remove one of them",
            )
        result[key] = _build(value_node, seen, depth + 1)
    return result


def _scalar(node: ScalarNode) -> object:
    construct = CONSTRUCTOR.yaml_constructors.get(node.tag)
    if construct is None or node.tag.startswith("tag:yaml.org,2002:binary"):
        raise _Refused(node, "E009", f"the YAML tag {show(node.tag)} is not supported; remove it")
    return construct(CONSTRUCTOR, node)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return "a number"
    return f"a {type(value).__name__}"


def walk(node: Node | None, keypath: tuple[str | int, ...]) -> tuple[Node | None, Node | None, bool]:
    """The node at `keypath`, the key node naming it (None for a list item) and whether the whole
    path existed; stops at the nearest existing ancestor."""
    current, key_node = node, None
    for part in keypath:
        key_node = None
        if isinstance(current, MappingNode):
            match = next(((k, v) for k, v in current.value if k.value == part), None)
            if match is None:
                return current, None, False
            key_node, current = match
        elif isinstance(current, SequenceNode) and isinstance(part, int) and part < len(current.value):
            current = current.value[part]
        else:
            return current, None, False
    return current, key_node, True


def locate(node: Node | None, keypath: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
    """1-based line and column of the value at `keypath` (of its key with key=True); the nearest
    existing ancestor when the path does not exist (a missing field points at its mapping)."""
    target, key_node, _ = walk(node, keypath)
    if key and key_node is not None:
        target = key_node
    if target is None:
        return 1, 1
    return target.start_mark.line + 1, target.start_mark.column + 1
