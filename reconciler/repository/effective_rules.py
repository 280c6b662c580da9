"""E273: an effective management policy AWS would mark invalid, found before anything is attached.

For every account and every enabled management policy type, the account's effective policy is
computed (reconciler/effective.py); an operator a parent forbids, or two policies on one target
assigning different values to the same key, is reported once, at the policy and key that cause it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reconciler import policy_types
from reconciler.effective import Finding, levels, merge_levels, path_targets
from reconciler.repository.parse import Parsed
from reconciler.repository.policy_rules import policy_type
from reconciler.repository.problems import Problem


def check_effective(
    org: dict[str, Any], policies: list[Parsed], accounts: Iterable[Parsed]
) -> list[Problem]:
    enabled = set(org.get("policy_types", []))
    by_name = {p.data["name"]: p for p in policies
               if p.read and isinstance(p.data.get("document"), dict)}
    seen: dict[tuple[str, tuple[str, ...], str], int] = {}
    accounts = list(accounts)
    for kind in sorted(enabled & set(policy_types.MANAGEMENT)):
        of_kind = [(n, p.data.get("targets", []), p.data["document"]) for n, p in by_name.items()
                   if policy_type(p.data) == kind]
        if not of_kind:
            continue
        # Accounts in one OU with nothing of the type attached directly share one effective policy.
        merged_for: dict[tuple[str, ...], list[Finding]] = {}
        for account in accounts:
            data = account.data
            stack = levels(path_targets(data["ou"], data["account_name"]), of_kind)
            key_of = (data["ou"], *(a.policy for a in stack[-1]), data["account_name"] if stack[-1] else "")
            if key_of not in merged_for:
                merged_for[key_of] = merge_levels(stack).findings
            for finding in merged_for[key_of]:
                key = (finding.policy, finding.path, finding.message)
                seen[key] = seen.get(key, 0) + 1
    return [_problem(by_name[name], path, message, count) for (name, path, message), count in seen.items()]


def _problem(policy: Parsed, path: tuple[str, ...], message: str, count: int) -> Problem:
    accounts = "1 account" if count == 1 else f"{count} accounts"
    message = f"the effective policy of {accounts} is invalid: {message}"
    return policy.problem("E273", message, "document", *path)
