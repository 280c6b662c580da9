"""A fast yes/no answer to "is this value valid against the schema?", compiled once per schema.

jsonschema walks a value through its keyword functions, building a validator object per subschema
it descends into; at 10,000 account files that was about half of loading a repository. Almost
every file is valid, and a valid file needs no error messages, only the verdict. So each schema
is compiled into plain Python closures for the keywords our schemas use; a file they pass is
valid, and any other file goes through jsonschema, which finds and words the errors.

The compiled check must agree with jsonschema exactly (tests/repository/test_fast_schema.py
compares them on every golden case and on generated mutations). A schema using a keyword this
module does not know cannot be compiled (`Unsupported`), and its files always go through
jsonschema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

# Keywords that say nothing about validity (annotations, identifiers, our own x-hint).
_IGNORED = frozenset({"$schema", "$id", "$defs", "title", "description", "x-hint", "examples", "default"})
# Keywords compiled together, before the others: properties with additionalProperties (additional
# means "not in properties"), and if with then/else (then and else without if mean nothing).
_TOGETHER = frozenset({"properties", "additionalProperties", "if", "then", "else"})


class Unsupported(Exception):
    """The schema uses a keyword (or a value of one) that this compiler does not handle."""


class _Unsure(Exception):
    """A value this compiler cannot judge exactly (raised while checking, so that `not` and
    `oneOf` never turn a doubt into a verdict)."""


def compile_schema(root: dict[str, Any]) -> Check:
    """A function that is True exactly when jsonschema finds no error in the value, and False
    otherwise or when unsure; raises Unsupported when the schema cannot be compiled."""
    check = _Compiler(root).compile(root)

    def valid(value: Any) -> bool:
        try:
            return check(value)
        except _Unsure:
            return False

    return valid


def _is_integer(value: Any) -> bool:
    # JSON Schema's integer: any number with a zero fractional part, never a boolean (jsonschema).
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": _is_integer,
    "number": _is_number,
}


def _same(member: Any) -> Check:
    """jsonschema's equality for one enum/const member: a string equals only that string; true and
    false are not 1 and 0. Other members (numbers, lists, mappings) are not compiled."""
    if isinstance(member, str):
        return lambda v: isinstance(v, str) and v == member
    if isinstance(member, bool) or member is None:
        return lambda v: v is member
    raise Unsupported(f"enum/const member {member!r}")


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        checks: list[Check] = []
        if "properties" in schema or "additionalProperties" in schema:
            checks.append(self._object(schema))
        if "if" in schema:
            checks.append(self._if(schema["if"], schema.get("then", True), schema.get("else", True)))
        for keyword, argument in schema.items():
            if keyword in _IGNORED or keyword in _TOGETHER:
                continue
            make = getattr(self, "_" + keyword.replace("$", "dollar_"), None)
            if make is None:
                raise Unsupported(keyword)
            checks.append(make(argument))
        return _all(checks)

    # -- keywords ---------------------------------------------------------------------------------
    def _type(self, names: str | list[str]) -> Check:
        tests = [_TYPES[n] for n in ([names] if isinstance(names, str) else names)]
        if len(tests) == 1:
            return tests[0]
        return lambda v: any(test(v) for test in tests)

    def _enum(self, members: list[Any]) -> Check:
        if all(isinstance(m, str) for m in members):
            allowed = frozenset(members)
            return lambda v: isinstance(v, str) and v in allowed
        tests = [_same(m) for m in members]
        return lambda v: any(test(v) for test in tests)

    def _const(self, member: Any) -> Check:
        return _same(member)

    def _pattern(self, pattern: str) -> Check:
        search = re.compile(pattern).search
        return lambda v: not isinstance(v, str) or search(v) is not None

    def _minLength(self, n: int) -> Check:
        return lambda v: not isinstance(v, str) or len(v) >= n

    def _maxLength(self, n: int) -> Check:
        return lambda v: not isinstance(v, str) or len(v) <= n

    def _minimum(self, n: float) -> Check:
        return lambda v: not _is_number(v) or v >= n

    def _maximum(self, n: float) -> Check:
        return lambda v: not _is_number(v) or v <= n

    def _exclusiveMinimum(self, n: float) -> Check:
        return lambda v: not _is_number(v) or v > n

    def _minItems(self, n: int) -> Check:
        return lambda v: not isinstance(v, list) or len(v) >= n

    def _maxItems(self, n: int) -> Check:
        return lambda v: not isinstance(v, list) or len(v) <= n

    def _uniqueItems(self, unique: bool) -> Check:
        if not unique:
            return lambda v: True

        def check(v: Any) -> bool:
            if not isinstance(v, list):
                return True
            if all(isinstance(item, str) for item in v):
                return len(set(v)) == len(v)
            return len({_canonical(item) for item in v}) == len(v)

        return check

    def _items(self, schema: Any) -> Check:
        each = self.compile(schema)

        def check(v: Any) -> bool:
            if isinstance(v, list):
                for item in v:
                    if not each(item):
                        return False
            return True

        return check

    def _required(self, names: list[str]) -> Check:
        return lambda v: not isinstance(v, dict) or all(name in v for name in names)

    def _minProperties(self, n: int) -> Check:
        return lambda v: not isinstance(v, dict) or len(v) >= n

    def _maxProperties(self, n: int) -> Check:
        return lambda v: not isinstance(v, dict) or len(v) <= n

    def _propertyNames(self, schema: Any) -> Check:
        each = self.compile(schema)
        return lambda v: not isinstance(v, dict) or all(each(key) for key in v)

    def _properties(self, _: Any) -> Check:  # dispatched through _object
        raise AssertionError("unreachable")

    def _additionalProperties(self, _: Any) -> Check:
        raise AssertionError("unreachable")

    def _object(self, schema: dict[str, Any]) -> Check:
        """`properties` and `additionalProperties` together (additional means: not in properties)."""
        named = {name: self.compile(sub) for name, sub in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties", True)
        other = None if extra is True else self.compile(extra)

        def check(v: Any) -> bool:
            if not isinstance(v, dict):
                return True
            for key, value in v.items():
                test = named.get(key, other)
                if test is not None and not test(value):
                    return False
            return True

        return check

    def _anyOf(self, schemas: list[Any]) -> Check:
        tests = [self.compile(s) for s in schemas]
        return lambda v: any(test(v) for test in tests)

    def _oneOf(self, schemas: list[Any]) -> Check:
        tests = [self.compile(s) for s in schemas]
        return lambda v: sum(1 for test in tests if test(v)) == 1

    def _allOf(self, schemas: list[Any]) -> Check:
        return _all([self.compile(s) for s in schemas])

    def _not(self, schema: Any) -> Check:
        test = self.compile(schema)
        return lambda v: not test(v)

    def _if(self, condition: Any, then: Any, otherwise: Any) -> Check:
        test, yes, no = self.compile(condition), self.compile(then), self.compile(otherwise)
        return lambda v: yes(v) if test(v) else no(v)

    def _dollar_ref(self, ref: str) -> Check:
        if not ref.startswith("#/"):
            raise Unsupported(f"$ref {ref}")
        if ref not in self.refs:
            self.refs[ref] = lambda v: True  # a placeholder while a recursive reference compiles
            target: Any = self.root
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            compiled = self.compile(target)
            self.refs[ref] = compiled
        refs = self.refs
        return lambda v: refs[ref](v)


def _canonical(value: Any) -> Any:
    """A hashable form equal exactly when jsonschema's `equal` says two values are equal: true is
    not 1, 1 is 1.0, mappings and lists compare by content."""
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    if isinstance(value, (int, float)):
        if value != value:
            raise _Unsure  # NaN: equal to nothing, not even itself
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, list):
        return ("list", tuple(_canonical(item) for item in value))
    if isinstance(value, dict):
        return ("mapping", frozenset((key, _canonical(item)) for key, item in value.items()))
    raise _Unsure  # a date or anything else YAML made: jsonschema decides


def _all(checks: list[Check]) -> Check:
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)

    def every(v: Any) -> bool:
        for check in checks:  # a loop, not all(<generator>): this runs a million times per load
            if not check(v):
                return False
        return True

    return every
