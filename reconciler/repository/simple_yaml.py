"""The values of a plainly written YAML file, without libyaml's node tree.

An account file is a flat mapping of plain or simply quoted scalars, one flow or block list and
one nested mapping of tags. For such a file this module reads the values directly, line by line:
1.6 times cheaper than libyaml composing a node tree and parse.py building values from it (0.70 s
against 1.11 s of CPU for 10,000 account files), and nothing is kept for positions, so a load of
10,000 accounts went from 3.3 s to 2.5 s (docs/validate.md). It answers only when it is sure: any
construct it does not know (anchors, tags, block scalars, escapes, flow mappings, deeper nesting,
a duplicate key, a key YAML would not read as text, a `---`, odd indentation) makes it answer
None, and the file goes through libyaml as before, which also words every error with its line and
column. Plain scalars are typed by the same YAML 1.1 resolver and constructor libyaml's loader uses
(`plain_tag` is parse.py's resolver too), so `yes`, `1`, `2026-12-01` and `null` mean what they
mean there. tests/repository/test_simple_yaml.py checks that every answer equals libyaml's, on the
sample repository, generated organizations and thousands of mutated files.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import ScalarNode

STR_TAG = "tag:yaml.org,2002:str"
# The tags of plain scalars this module builds (via PyYAML's safe constructor, as parse.py does);
# any other resolved tag ('=' is a `value`, '<<' a `merge`) goes to libyaml.
_BUILT = frozenset(f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool", "null", "timestamp"))
_RESOLVER = yaml.resolver.Resolver()  # the resolver yaml.CSafeLoader uses
CONSTRUCTOR = yaml.constructor.SafeConstructor()

# A plain scalar made only of these characters, starting with a letter, digit or one of `_./+`,
# is one scalar whatever it holds: no ':', '#', quote, bracket, comma or other indicator, no
# leading '-', and inner spaces are single (a trailing space is stripped before matching).
_PLAIN = r"[A-Za-z0-9_./+][A-Za-z0-9_./+@=~-]*(?: [A-Za-z0-9_./+@=~-]+)*"
_DOUBLE = r'"[^"\\\n]*"'  # no escapes
_SINGLE = r"'[^'\n]*'"  # no doubled quote
_SCALAR = f"(?:{_PLAIN}|{_DOUBLE}|{_SINGLE})"
_COMMENT = r"(?:[ ]+#.*)?"
_KEY = r"[A-Za-z_][A-Za-z0-9_.-]*"
# `key: value`, `key:` (a block follows), `key: []`, `key: [a, b]`, `key: {}`
_FLOW = rf"\[\]|\{{\}}|\[[ ]*{_SCALAR}(?:[ ]*,[ ]*{_SCALAR})*[ ]*\]"
_ENTRY = re.compile(rf"({_KEY}):(?:[ ]+({_SCALAR}|{_FLOW}))?{_COMMENT}")
_ITEM = re.compile(rf"-[ ]+({_SCALAR}){_COMMENT}")
_FLOW_ITEM = re.compile(_SCALAR)
_QUOTED_KEY = re.compile(rf"({_DOUBLE}|{_SINGLE}):(?:[ ]+({_SCALAR}))?{_COMMENT}")

# Escapes and carriage returns, and what YAML reads as a line break (NEL, LS, PS), a byte-order
# mark, a tab or a non-printable character (libyaml's reader error): libyaml's to read or refuse.
_UNSURE_CHARACTERS = re.compile(
    r"[^\n\x20-\x5b\x5d-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")

_TAGS: dict[str, str] = {}  # a plain scalar's resolved tag depends on its text only
_TAGS_MAX = 100_000


def simple_values(text: str) -> dict[str, Any] | None:
    """The top-level mapping of `text` as libyaml's safe loader (with parse.py's rules) reads it,
    or None when the file is not written plainly enough to be sure."""
    if _UNSURE_CHARACTERS.search(text):
        return None
    result: dict[str, Any] = {}
    block: dict[str, Any] | list[Any] | None = None  # the mapping or list under the last `key:`
    block_indent = -1
    owner = ""
    for raw in text.split("\n"):
        line = raw.rstrip(" ")
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if indent == 0 and not stripped.startswith("- "):
            if owner and block is None:
                return None  # `key:` with nothing under it (null): libyaml says what it means
            entry = _ENTRY.fullmatch(stripped)
            if entry is None:
                return None
            key = entry.group(1)
            if key in result or plain_tag(key) != STR_TAG:
                return None
            if entry.group(2) is None:
                owner, block, block_indent = key, None, -1
                result[key] = None
                continue
            value = _value(entry.group(2))
            if value is _NOT_SURE:
                return None
            result[key], owner, block = value, "", None
            continue
        if not owner:
            return None  # indented text, or a list item, under no `key:`
        if block is None:  # the first line of the block decides its kind and indent
            block_indent = indent
            block = [] if stripped.startswith("- ") else {}
            result[owner] = block
        elif indent != block_indent:
            return None
        if isinstance(block, list):
            item = _ITEM.fullmatch(stripped)
            if item is None:
                return None
            value = _scalar(item.group(1))
            if value is _NOT_SURE:
                return None
            block.append(value)
        else:
            if indent == 0:
                return None
            entry = _ENTRY.fullmatch(stripped) or _QUOTED_KEY.fullmatch(stripped)
            if entry is None or entry.group(2) is None:
                return None  # a nested block under a nested key: deeper than this module goes
            key = _scalar(entry.group(1))
            if not isinstance(key, str) or key in block:
                return None
            value = _value(entry.group(2))
            if value is _NOT_SURE:
                return None
            block[key] = value
    if owner and block is None:
        return None
    return result if result else None  # an empty or comment-only file: libyaml words it


class _NotSure:
    pass


_NOT_SURE: Any = _NotSure()


def _value(text: str) -> Any:
    if text == "[]":
        return []
    if text == "{}":
        return {}
    if text.startswith("["):
        items = _FLOW_ITEM.findall(text[1:-1])
        values = [_scalar(i) for i in items]
        return _NOT_SURE if any(v is _NOT_SURE for v in values) else values
    return _scalar(text)


def _scalar(text: str) -> Any:
    if text[0] == '"' or text[0] == "'":
        return text[1:-1]
    tag = plain_tag(text)
    if tag == STR_TAG:
        return text
    if tag not in _BUILT:
        return _NOT_SURE
    return CONSTRUCTOR.yaml_constructors[tag](CONSTRUCTOR, ScalarNode(tag, text))


def plain_tag(text: str) -> str:
    """The tag YAML 1.1 gives a plain (unquoted) scalar of this text, remembered by its text:
    10,000 account files repeat the same keys and values."""
    tag = _TAGS.get(text)
    if tag is None:
        tag = _RESOLVER.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
        if len(_TAGS) < _TAGS_MAX:
            _TAGS[text] = tag
    return tag
