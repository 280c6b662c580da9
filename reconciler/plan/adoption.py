"""Adoption: accounts whose only change is to gain the reconciler's own tags.

An organization the reconciler has never managed carries none of its tags (`managed-by` and the
metadata tags, `reconciler.model.RESERVED_TAG_KEYS`), so the first plan after `import` holds one
tag update per account: 6,000 of them for 6,000 accounts, each saying the same thing. The
renderers show such changes as one group with a count and an example; the plan itself (and so
`apply` and the plan file) keeps every change.

A change is an adoption when it updates only an account's tags, adds at least one reserved tag,
and neither adds any other tag nor removes or alters one the account already has. Below
`GROUP_AT` such changes they are listed like any other change: one account that lost its
`managed-by` tag is drift worth reading, not a crowd.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reconciler.model import RESERVED_TAG_KEYS
from reconciler.plan.changes import Change

GROUP_AT = 3


def is_adoption(change: Change) -> bool:
    if change.kind != "account" or change.action != "update" or change.changed != ("tags",):
        return False
    before = dict((change.before or {}).get("tags") or {})
    after = dict((change.after or {}).get("tags") or {})
    gained = set(after) - set(before)
    kept = all(after.get(key) == value for key, value in before.items())
    return bool(gained) and gained <= RESERVED_TAG_KEYS and kept


@dataclass(frozen=True)
class Grouped:
    """A plan's changes for display: the ones listed one by one, and the adoption group."""

    listed: tuple[Change, ...]
    adoptions: tuple[Change, ...]


def group(changes: Iterable[Change]) -> Grouped:
    changes = tuple(changes)
    adoptions = tuple(c for c in changes if is_adoption(c))
    if len(adoptions) < GROUP_AT:
        return Grouped(changes, ())
    return Grouped(tuple(c for c in changes if not is_adoption(c)), adoptions)


def title(count: int) -> str:
    return (f"Adoption: {count} accounts only gain the reconciler's own tags (managed-by and the "
            "metadata tags their files set); nothing else about them changes. Apply tags them "
            "with the other account updates. For example:")
