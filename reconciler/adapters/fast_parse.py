"""botocore's JSON-protocol response parser with each output shape compiled once into a converter.

botocore parses a response field by field: for every value it looks up a handler by the shape's
type name and walks the structure's members through the model. A 10,000-account read parses
10,000 accounts and every tagged resource's tags that way. This parser does the same work with the
lookups done once per shape: a structure becomes a list of (member, wire name, converter), a value
whose handler only returns it is taken as it is, and a timestamp or a blob still goes through the
parser's own timestamp and blob parsers. Anything else (a tagged union, a type this module does not
know, a botocore whose handlers changed) goes to botocore's own handler, so the result is the same
dictionary botocore would return. tests/adapters/test_fast_parse.py compares the two on generated
responses to every operation and error of the services the adapters call, and on a read through
orgsim; the read of a 10,000-account plan took 0.8 s less CPU (docs/live-reader.md).

It is installed through botocore's documented `response_parser_factory` component, and only for the
`json` protocol (Organizations, the tagging API, Identity Center, Budgets, CloudTrail).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from botocore import parsers
from botocore.model import Shape

Convert = Callable[[Any], Any] | None  # None: the value as it is
MAX_COMPILED = 4096  # a service's operations and errors are a few hundred shapes

# The handlers this module compiles, as botocore 1.x defines them; a parser whose class resolves a
# type name to anything else keeps that handler.
_IDENTITY = parsers.ResponseParser._default_handle
_STRUCTURE = parsers.BaseJSONParser._handle_structure
_LIST = parsers.ResponseParser._handle_list
_MAP = parsers.BaseJSONParser._handle_map
_TIMESTAMP = parsers.BaseJSONParser._handle_timestamp
_BLOB = parsers.BaseJSONParser._handle_blob


class CompiledJSONParser(parsers.JSONParser):  # type: ignore[misc]
    """parsers.JSONParser with `_parse_shape` served from converters compiled per shape.

    botocore makes a parser per call, so the converters live in the factory's `compiled` table,
    shared by its parsers (the factory's defaults, and so the timestamp and blob parsers, are the
    same for all of them), keyed by the shape object botocore passes in (an operation's output or
    a modeled error: botocore caches those). A shape is compiled under a lock and published only
    whole, so a reader thread never meets a structure whose members are still being filled in.

    Within one compile, nested shapes are known by name: botocore makes a new object for every
    reference to a shape, so a recursive shape would never end by identity, and within one
    service's model a name is one definition (a reference's own traits only rename the member in
    its parent, which the parent's converter does)."""

    def __init__(self, *args: Any, compiled: dict[Shape, Callable[[Any], Any]], lock: threading.Lock,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._compiled = compiled
        self._lock = lock
        self._pending: dict[str, Callable[[Any], Any]] = {}

    def _parse_shape(self, shape: Shape, node: Any) -> Any:
        convert = self._compiled.get(shape)
        if convert is None:
            with self._lock:
                self._pending = {}
                convert = self._converter(shape)
                if len(self._compiled) >= MAX_COMPILED:  # only a caller making new shapes gets here
                    self._compiled.clear()
                self._compiled[shape] = convert
        return convert(node)

    def _converter(self, shape: Shape) -> Callable[[Any], Any]:
        found = self._pending.get(shape.name)
        if found is None:
            convert = self._compile(shape)
            found = convert if convert is not None else _same
            self._pending[shape.name] = found
        return found

    def _compile(self, shape: Shape) -> Convert:
        handler = getattr(type(self), f"_handle_{shape.type_name}", _IDENTITY)
        if handler is _IDENTITY:
            return None
        if handler is _STRUCTURE and not shape.is_document_type and not shape.is_tagged_union:
            return self._structure(shape)
        if handler is _LIST:
            return self._list(shape)
        if handler is _MAP:
            return self._map(shape)
        if handler is _TIMESTAMP:
            return self._timestamp_parser  # type: ignore[no-any-return]
        if handler is _BLOB:
            return self._blob_parser  # type: ignore[no-any-return]
        return functools.partial(handler, self, shape)

    def _structure(self, shape: Shape) -> Callable[[Any], Any]:
        members: list[tuple[str, str, Convert]] = []

        def convert(value: Any) -> Any:
            if value is None:
                return None
            parsed = {}
            for name, wire, member in members:
                raw = value.get(wire)
                if raw is not None:
                    parsed[name] = raw if member is None else member(raw)
            return parsed

        self._pending[shape.name] = convert  # before the members: a shape may contain itself
        for name, member_shape in shape.members.items():
            wire = member_shape.serialization.get("name", name)
            members.append((name, wire, self._member(member_shape)))
        return convert

    def _member(self, shape: Shape) -> Convert:
        converter = self._converter(shape)
        return None if converter is _same else converter

    def _list(self, shape: Shape) -> Callable[[Any], Any]:
        member = self._member(shape.member)
        if member is None:
            return list
        return lambda node: [None if item is None else member(item) for item in node]

    def _map(self, shape: Shape) -> Callable[[Any], Any]:
        key, value = self._converter(shape.key), self._converter(shape.value)
        if key is _same and value is _same:
            return dict
        return lambda node: {key(k): value(v) for k, v in node.items()}


def _same(value: Any) -> Any:
    return value


class CompiledParserFactory(parsers.ResponseParserFactory):  # type: ignore[misc]
    """botocore's parser factory, giving the `json` protocol the compiled parser."""

    def __init__(self) -> None:
        super().__init__()
        self._compiled: dict[Shape, Callable[[Any], Any]] = {}
        self._lock = threading.Lock()

    def set_parser_defaults(self, **kwargs: Any) -> None:
        super().set_parser_defaults(**kwargs)
        self._compiled.clear()  # the converters hold the old timestamp and blob parsers

    def create_parser(self, protocol_name: str) -> parsers.ResponseParser:
        if parsers.PROTOCOL_PARSERS.get(protocol_name) is parsers.JSONParser:
            return CompiledJSONParser(compiled=self._compiled, lock=self._lock, **self._defaults)
        return super().create_parser(protocol_name)  # type: ignore[no-any-return]
