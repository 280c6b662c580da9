"""Effective management policies, computed locally: what each account ends up with per type.

AWS's rules (Organizations User Guide, "Understanding management policy inheritance" and
"Inheritance operators"): the policies attached to the root, then to each OU down the account's
path, then to the account itself are merged in that order into the account's effective policy.

- `@@assign` overwrites what is inherited (a single value, or a whole list) and adds it when nothing
  is inherited; `@@append` adds values to an inherited list; `@@remove` takes values out of it
  (both only for lists).
- `@@operators_allowed_for_child_policies` (`@@all`, the default; `@@none`; or a list of operators)
  limits the operators policies further down may use at that key and below; a child cannot widen it.
  A child's operator the parent forbids is not applied (the inherited value stays), and is reported.
- The effective policy holds values only: operators and child controls are resolved away.

Where AWS publishes no rule, this module's choices (docs/effective.md): policies attached to the same
target are merged in name order, and two of them assigning different values to the same key are
reported as a conflict; a value written without an operator counts as `@@assign`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.model import ROOT, Organization

ASSIGN, APPEND, REMOVE = "@@assign", "@@append", "@@remove"
CHILD_CONTROL = "@@operators_allowed_for_child_policies"
VALUE_OPERATORS = (ASSIGN, APPEND, REMOVE)
ALL, NONE = "@@all", "@@none"
Path = tuple[str, ...]


@dataclass(frozen=True)
class Attached:
    """One policy document at one level of an account's path."""

    policy: str  # its name
    target: str  # "root", "ou:<path>" or "account:<name>"
    document: Mapping[str, Any]


@dataclass(frozen=True)
class Finding:
    """Something AWS would mark invalid in the effective policy, and which policy and key caused it."""

    policy: str
    target: str
    path: Path  # keys inside the policy's document
    message: str


@dataclass
class Effective:
    document: dict[str, Any] | None  # None: no policy of the type reaches the account
    findings: list[Finding] = field(default_factory=list)


@dataclass
class _Merge:
    result: dict[str, Any] = field(default_factory=dict)
    # key path -> the operators policies below the level that set it may use
    allowed: dict[Path, frozenset[str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def merge_levels(levels: Sequence[Sequence[Attached]]) -> Effective:
    """Merges the policies level by level (root first, the account last) into the effective policy."""
    if not any(levels):
        return Effective(None)
    state = _Merge()
    for level in levels:
        controls: dict[Path, frozenset[str]] = {}
        assigned: dict[Path, tuple[str, Any]] = {}
        for attached in sorted(level, key=lambda a: a.policy):
            _merge_node(state, attached, attached.document, state.result, (), controls, assigned)
        for path, operators in controls.items():
            state.allowed[path] = _permitted(state, path) & operators
    return Effective(state.result, state.findings)


def _permitted(state: _Merge, path: Path) -> frozenset[str]:
    """What the levels merged so far allow at `path`: the narrowest control on it or above it."""
    allowed = frozenset(VALUE_OPERATORS)
    for depth in range(len(path) + 1):
        allowed &= state.allowed.get(path[:depth], allowed)
    return allowed


def _merge_node(state: _Merge, attached: Attached, node: Mapping[str, Any], into: dict[str, Any],
                path: Path, controls: dict[Path, frozenset[str]],
                assigned: dict[Path, tuple[str, Any]]) -> None:
    for key, value in node.items():
        here = (*path, key)
        if key == CHILD_CONTROL:
            controls[path] = controls.get(path, frozenset(VALUE_OPERATORS)) & _operators(value)
        elif isinstance(value, Mapping) and _is_setting(value):
            _apply(state, attached, value, into, here, controls, assigned)
        elif isinstance(value, Mapping):
            child = into.get(key)
            if not isinstance(child, dict):
                child = into[key] = {}
            _merge_node(state, attached, value, child, here, controls, assigned)
        else:
            _apply(state, attached, {ASSIGN: value}, into, here, controls, assigned)


def _is_setting(value: Mapping[str, Any]) -> bool:
    return any(k in VALUE_OPERATORS for k in value)


def _operators(value: Any) -> frozenset[str]:
    names = value if isinstance(value, list) else [value]
    if ALL in names:
        return frozenset(VALUE_OPERATORS)
    return frozenset(n for n in names if n in VALUE_OPERATORS)


def _apply(state: _Merge, attached: Attached, setting: Mapping[str, Any], into: dict[str, Any], path: Path,
           controls: dict[Path, frozenset[str]], assigned: dict[Path, tuple[str, Any]]) -> None:
    key = path[-1]
    allowed = _permitted(state, path)
    for operator in (CHILD_CONTROL, *VALUE_OPERATORS):  # in this order whatever order they were written
        if operator not in setting:
            continue
        value = setting[operator]
        if operator == CHILD_CONTROL:
            controls[path] = controls.get(path, frozenset(VALUE_OPERATORS)) & _operators(value)
            continue
        if operator not in allowed:
            shown = f"only {', '.join(sorted(allowed))}" if allowed else "no operator"
            state.findings.append(Finding(
                attached.policy, attached.target, (*path, operator),
                f"{operator} is not allowed here: a policy attached above allows {shown} at "
                f"{'.'.join(path)} (@@operators_allowed_for_child_policies), so AWS ignores it"))
            continue
        if operator == ASSIGN:
            plain = _values(value)
            earlier = assigned.get(path)
            if earlier is not None and earlier[1] != plain:
                state.findings.append(Finding(
                    attached.policy, attached.target, (*path, operator),
                    f"{earlier[0]} and {attached.policy}, attached to the same {attached.target}, "
                    f"assign different values to {'.'.join(path)}; keep one"))
            assigned[path] = (attached.policy, plain)
            into[key] = plain
        else:
            into[key] = _list_op(operator, into.get(key), value)


def _list_op(operator: str, current: Any, value: Any) -> list[Any]:
    have = list(current) if isinstance(current, list) else []
    items = value if isinstance(value, list) else [value]
    if operator == APPEND:
        return have + [v for v in items if v not in have]
    return [v for v in have if v not in items]


def _values(value: Any) -> Any:
    """A value with any operators nested inside it resolved (an assigned mapping may hold them)."""
    if isinstance(value, Mapping):
        if _is_setting(value):
            return _values(value.get(ASSIGN, value.get(APPEND, [])))
        return {k: _values(v) for k, v in value.items() if k != CHILD_CONTROL}
    if isinstance(value, list):
        return [_values(v) for v in value]
    return copy.deepcopy(value)


def path_targets(ou: str, account: str) -> list[str]:
    """The targets whose policies reach an account: the root, each OU down its path, itself."""
    names = [] if ou == ROOT else ou.split("/")
    return [ROOT, *("ou:" + "/".join(names[: i + 1]) for i in range(len(names))), f"account:{account}"]


def levels(targets: Sequence[str], policies: Iterable[tuple[str, Iterable[str], Mapping[str, Any]]],
           ) -> list[list[Attached]]:
    """(name, targets, document) of each policy of one type -> what is attached at each target."""
    listed = [(name, frozenset(where), document) for name, where, document in policies]
    return [[Attached(name, t, document) for name, where, document in listed if t in where] for t in targets]


def account_levels(org: Organization, account: str, policy_type: str) -> list[list[Attached]]:
    """The policies of the type attached to the root, each OU down the account's path, the account."""
    found = org.account(account)
    targets = path_targets(found.ou if found is not None else ROOT, account)
    return levels(targets, ((p.name, p.targets, p.document) for p in org.policies
                            if p.type == policy_type and p.document is not None))


def effective_policy(org: Organization, account: str, policy_type: str) -> Effective:
    return merge_levels(account_levels(org, account, policy_type))
