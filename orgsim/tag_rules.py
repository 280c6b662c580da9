"""AWS's checks on tags of Organizations resources (accounts, OUs, roots, policies).

Source: botocore's Organizations service model: Tag Key 1-128 and Value 0-256 characters,
InvalidInputException reasons MAX_LENGTH_EXCEEDED and DUPLICATE_TAG_KEY, and
ConstraintViolationException MAX_TAG_LIMIT_EXCEEDED (50 tags per resource, per the User Guide).
The Tag shape's Key and Value share the pattern `^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$`; a key or value
outside it is InvalidInputException INVALID_PATTERN (the reason the model gives for "a value that
doesn't match the required pattern"). Python's `re` has no `\\p{...}`: Unicode general categories
L*, Z* and N* stand in for them.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from orgsim.backend import find_taggable
from orgsim.errors import constraint, invalid_input

MAX_TAGS = 50
MAX_KEY = 128
MAX_VALUE = 256
PATTERN_SYMBOLS = "_.:/=+-@"
PATTERN_MESSAGE = "You provided a value that does not match the required pattern."


def check_tags(tags: list[dict[str, str]], existing: dict[str, str] | None = None) -> None:
    keys = [tag.get("Key", "") for tag in tags]
    if len(set(keys)) != len(keys):
        raise invalid_input("DUPLICATE_TAG_KEY",
                            "Tag keys must be unique among the tags attached to the same entity.")
    for tag in tags:
        if len(tag.get("Key", "")) > MAX_KEY or len(tag.get("Value", "")) > MAX_VALUE:
            raise invalid_input("MAX_LENGTH_EXCEEDED",
                                "You provided a string parameter that is longer than allowed.")
        if not (_matches_pattern(tag.get("Key", "")) and _matches_pattern(tag.get("Value", ""))):
            raise invalid_input("INVALID_PATTERN", PATTERN_MESSAGE)
    if len(set(existing or {}) | set(keys)) > MAX_TAGS:
        raise constraint("MAX_TAG_LIMIT_EXCEEDED",
                         "You have exceeded the number of tags allowed on this resource.")


def check_tag_resource(backend: Any, params: dict[str, Any]) -> None:
    resource = find_taggable(backend, params.get("ResourceId", ""))
    check_tags(list(params.get("Tags") or []), resource.tags if resource is not None else None)


def _matches_pattern(text: str) -> bool:
    return all(c in PATTERN_SYMBOLS or unicodedata.category(c)[0] in "LZN" for c in text)
