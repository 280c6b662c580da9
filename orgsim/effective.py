"""DescribeEffectivePolicy: an account's effective management policy of one type.

AWS's rules (Organizations User Guide, "Understanding management policy inheritance", "Inheritance
operators"), computed here on moto's state, independently of the reconciler's own code
(reconciler/effective.py; tests/test_effective_agrees.py compares the two): the root's policies, each
OU's down the account's path, then the account's are merged in that order. `@@assign` replaces,
`@@append` / `@@remove` add to or take from a list, `@@operators_allowed_for_child_policies` limits
what lower levels may use (a forbidden operator is ignored), and the answer holds values only.
Policies on the same target are merged in name order (assumption: AWS publishes no order).
"""

from __future__ import annotations

import json
from typing import Any

from orgsim import clock
from orgsim.backend import ancestry, find_account, find_container
from orgsim.errors import AwsError, invalid_input
from orgsim.policy_kinds import MANAGEMENT

OPS = frozenset({"@@assign", "@@append", "@@remove"})
CONTROL = "@@operators_allowed_for_child_policies"


def describe(backend: Any, params: dict[str, Any], caller_account: str) -> dict[str, Any]:
    policy_type = str(params.get("PolicyType", ""))
    if policy_type not in MANAGEMENT:
        raise invalid_input("INVALID_ENUM_POLICY_TYPE", "You specified an invalid policy type string.")
    target_id = str(params.get("TargetId") or caller_account)
    account = find_account(backend, target_id)
    if account is None:
        if find_container(backend, target_id) is not None:
            raise invalid_input("TARGET_NOT_SUPPORTED", "You specified a target that isn't supported.")
        raise AwsError("TargetNotFoundException",
                       "We can't find a root, OU, account, or policy with the TargetId that you specified.")
    chain = [*ancestry(backend, account), account]
    levels = [sorted((p for p in entity.attached_policies if p.type == policy_type), key=lambda p: p.name)
              for entity in chain]
    if not any(levels):
        raise AwsError("EffectivePolicyNotFoundException",
                       "We can't find an effective policy of the specified type for the specified target.")
    content = _effective([[json.loads(p.content) for p in level] for level in levels])
    return {"EffectivePolicy": {"PolicyContent": json.dumps(content, separators=(",", ":")),
                                "LastUpdatedTimestamp": clock.now(), "TargetId": target_id,
                                "PolicyType": policy_type}}


def _effective(levels: list[list[dict[str, Any]]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    limits: dict[tuple[str, ...], frozenset[str]] = {}
    for level in levels:
        new_limits: dict[tuple[str, ...], frozenset[str]] = {}
        for document in level:
            _walk(document, result, (), limits, new_limits)
        for path, ops in new_limits.items():
            limits[path] = _limit(limits, path) & ops
    return result


def _limit(limits: dict[tuple[str, ...], frozenset[str]], path: tuple[str, ...]) -> frozenset[str]:
    allowed = OPS
    for i in range(len(path) + 1):
        allowed = allowed & limits.get(path[:i], OPS)
    return allowed


def _allowed(value: Any) -> frozenset[str]:
    names = set(value if isinstance(value, list) else [value])
    return OPS if "@@all" in names else frozenset(names & OPS)


def _walk(node: dict[str, Any], out: dict[str, Any], path: tuple[str, ...],
          limits: dict[tuple[str, ...], frozenset[str]],
          new_limits: dict[tuple[str, ...], frozenset[str]]) -> None:
    for key, value in node.items():
        if key == CONTROL:
            new_limits[path] = new_limits.get(path, OPS) & _allowed(value)
            continue
        where = (*path, key)
        if not isinstance(value, dict):
            value = {"@@assign": value}
        if not OPS & set(value):
            sub = out.get(key)
            out[key] = sub if isinstance(sub, dict) else {}
            _walk(value, out[key], where, limits, new_limits)
            continue
        if CONTROL in value:
            new_limits[where] = new_limits.get(where, OPS) & _allowed(value[CONTROL])
        permitted = _limit(limits, where)
        for op in ("@@assign", "@@append", "@@remove"):
            if op not in value or op not in permitted:
                continue
            if op == "@@assign":
                out[key] = _plain(value[op])
                continue
            items = value[op] if isinstance(value[op], list) else [value[op]]
            current = out.get(key)
            have: list[Any] = current if isinstance(current, list) else []
            out[key] = (have + [v for v in items if v not in have] if op == "@@append"
                        else [v for v in have if v not in items])


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        if OPS & set(value):
            return _plain(value.get("@@assign", value.get("@@append", [])))
        return {k: _plain(v) for k, v in value.items() if k != CONTROL}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
