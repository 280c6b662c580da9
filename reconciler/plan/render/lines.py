"""The lines that describe one change, shared by the text and markdown renderers.

Values are shown as JSON (quoted, with control characters escaped), tags key by key, and policy
documents as a unified diff of their pretty-printed JSON with sorted keys: a reviewer reads which
statement changed in context, and key order in the YAML cannot show up as a change.
"""

from __future__ import annotations

import difflib
import json
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.plan.adoption import group
from reconciler.plan.changes import Change, Plan, Unmanaged

SYMBOLS = {"create": "+", "update": "~", "delete": "-"}

EFFECTIVE_TITLE = "Effective management policies (computed from the repository with AWS's inheritance rules):"


def safe(text: str) -> str:
    """Control and format characters (escapes, bidi overrides) shown as \\uXXXX, never emitted."""
    if text.isprintable():  # the common case, checked in C: no control or format characters
        return text
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c)[0] == "C" else c for c in text)


def value(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


def header(change: Change) -> str:
    return f"{SYMBOLS[change.action]} {safe(change.address)}{header_suffix(change)}"


def header_suffix(change: Change) -> str:
    """What follows the address: the close of an account, the changed fields, the reach."""
    text = ""
    if change.kind == "account" and change.action == "delete":
        text += " (close account)"
    if change.changed:
        text += f" ({', '.join(change.changed)})"
    if change.reach is not None:
        text += f"  reaches {reach_words(change.reach)}"
    return text


def reach_words(count: int) -> str:
    return f"{count} account" if count == 1 else f"{count} accounts"


def summary_line(plan: Plan) -> str:
    if plan.empty:
        return "No changes. The organization matches the repository."
    counts = plan.summary()
    adoptions = len(group(plan.changes).adoptions)
    updates = f"{counts['update']} to update" + (f" ({adoptions} of them adoption)" if adoptions else "")
    return f"Plan: {counts['create']} to create, {updates}, {counts['delete']} to delete."


def detail(change: Change) -> list[str]:
    """The body of a change, without its header; every line starts with its diff marker, so the
    markdown renderer can show it in a `diff` block."""
    before, after = change.before or {}, change.after or {}
    if change.kind in ("attachment", "policy_type"):
        return []
    if change.action == "delete":
        return [safe(f"- {k}: {value(before[k])}") for k in ("account_id", "email", "path") if before.get(k)]
    if change.action == "create":
        return _created(after)
    lines: list[str] = []
    for name in change.changed:
        if name == "tags":
            lines += tag_diff(before.get("tags") or {}, after.get("tags") or {})
        elif name == "document":
            lines += ["~ document:", *document_diff(before.get(name), after.get(name))]
        else:
            lines.append(safe(f"~ {name}: {value(before.get(name))} -> {value(after.get(name))}"))
    return lines


def _created(after: Mapping[str, Any]) -> list[str]:
    lines = []
    for key, v in after.items():
        if key == "tags":
            lines += tag_diff({}, v)
        elif key == "document":
            lines += ["+ document:", *("+ " + line for line in pretty(v))]
        elif key not in ("name", "path", "account_id", "account", "item") or (
                key == "name" and after.get("item") == "contact"):
            lines.append(safe(f"+ {key}: {value(v)}"))
    return lines


def tag_diff(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    lines = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old is None:
            lines.append(f"+ tags.{key} = {value(new)}")
        elif new is None:
            lines.append(f"- tags.{key} = {value(old)}")
        elif old != new:
            lines.append(f"~ tags.{key}: {value(old)} -> {value(new)}")
    return [safe(line) for line in lines]


def pretty(document: Any) -> list[str]:
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)
    return [safe(line) for line in text.splitlines()]


def document_diff(before: Any, after: Any) -> list[str]:
    diff = difflib.unified_diff(pretty(before), pretty(after), lineterm="", n=3)
    return [line for line in diff if not line.startswith(("---", "+++"))]


def names_wrapped(changes: Sequence[Change], width: int = 100) -> list[str]:
    """The changes' addresses, comma-separated, in lines of about `width` characters."""
    lines: list[str] = []
    line = ""
    for change in changes:
        word = safe(change.address)
        if line and len(line) + len(word) + 2 > width:
            lines.append(line + ",")
            line = ""
        line = f"{line}, {word}" if line else word
    return [*lines, line] if line else lines


def unmanaged_label(item: Unmanaged) -> str:
    """The address, and for an account the id and email a person can look it up by."""
    if item.kind == "account":
        ids = ", ".join(str(item.live[k]) for k in ("account_id", "email") if item.live.get(k))
        return safe(f"{item.address} ({ids})" if ids else item.address)
    return safe(item.address)
