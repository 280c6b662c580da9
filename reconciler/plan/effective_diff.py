"""What a plan does to accounts' effective management policies: for each management policy type a
plan changes (a policy created or edited, an attachment added or removed), the accounts whose
effective policy changes, counted, with one example account's diff (docs/plan.md, "Effective
policies"). Computed locally with reconciler/effective.py on both sides."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from reconciler import policy_types
from reconciler.effective import Effective, levels, merge_levels, path_targets
from reconciler.model import ROOT, Organization, Policy
from reconciler.plan.changes import Change
from reconciler.plan.targets import TargetSpace

EXAMPLE_LINES = 6  # the example diff is cut after this many lines


def effective_notes(desired: Organization, live: Organization, space: TargetSpace,
                    changes: Iterable[Change]) -> list[str]:
    touched = _changed_types(desired, live, changes)
    if not touched:
        return []
    before = replace(desired, policies=tuple(_as_desired(p, space) for p in live.policies
                                             if p.type in touched and p.document is not None))
    return [note for kind in sorted(touched) if (note := _note(desired, before, kind))]


def _changed_types(desired: Organization, live: Organization, changes: Iterable[Change]) -> set[str]:
    kinds = {p.name: p.type for p in (*live.policies, *desired.policies)}
    found = set()
    for change in changes:
        body: Mapping[str, Any] = change.after or change.before or {}
        name = body.get("policy") if change.kind == "attachment" else body.get("name")
        if change.kind in ("policy", "attachment") and kinds.get(str(name)) in policy_types.MANAGEMENT:
            found.add(kinds[str(name)])
    return found


def _as_desired(policy: Policy, space: TargetSpace) -> Policy:
    return replace(policy, targets=frozenset(space.from_live(t) for t in policy.targets))


def _note(desired: Organization, before: Organization, kind: str) -> str | None:
    differ: list[tuple[str, list[str]]] = []
    direct = {t for p in (*before.policies, *desired.policies) if p.type == kind for t in p.targets}
    shared: dict[tuple[str, str], list[str]] = {}  # accounts of one OU with nothing attached directly
    old_ou = {a.name: a.ou for a in before.accounts}
    old_policies, new_policies = _of_kind(before, kind), _of_kind(desired, kind)
    for account in desired.accounts:
        key = (account.ou, account.name if f"account:{account.name}" in direct else "")
        if key not in shared:
            old = _effective(old_ou.get(account.name, ROOT), account.name, old_policies).document
            new = _effective(account.ou, account.name, new_policies).document
            shared[key] = list(diff_lines(old, new))
        if shared[key]:
            differ.append((account.name, shared[key]))
    if not differ:
        return None
    name, lines = differ[0]
    shown = lines[:EXAMPLE_LINES] + ([f"... {len(lines) - EXAMPLE_LINES} more lines"]
                                     if len(lines) > EXAMPLE_LINES else [])
    count = f"{len(differ)} account{'s' * (len(differ) != 1)}"
    return (f"{kind}: the effective policy of {count} changes (`reconciler effective account:{name} "
            f"--type {kind}`); for example {name}: " + "; ".join(shown))


def _of_kind(org: Organization, kind: str) -> list[tuple[str, frozenset[str], Any]]:
    """The type's policies with documents, listed once per note rather than once per account."""
    return [(p.name, p.targets, p.document) for p in org.policies
            if p.type == kind and p.document is not None]


def _effective(ou: str, account: str, policies: list[tuple[str, frozenset[str], Any]]) -> Effective:
    """reconciler.effective.effective_policy, with the account's OU and the policies looked up once."""
    return merge_levels(levels(path_targets(ou, account), policies))


def diff_lines(old: Any, new: Any) -> Iterator[str]:
    """`- key = value` / `+ key = value` for every leaf that differs, keys as dotted paths."""
    before, after = dict(_leaves(old)), dict(_leaves(new))
    for key in sorted(before.keys() | after.keys()):
        if before.get(key) != after.get(key):
            if key in before:
                yield f"- {key} = {before[key]}"
            if key in after:
                yield f"+ {key} = {after[key]}"


def _leaves(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, f"{prefix}.{key}" if prefix else str(key))
    elif value is not None:
        yield prefix or "(policy)", json.dumps(value, ensure_ascii=False, sort_keys=True)
