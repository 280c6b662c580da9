"""Rules of a policy's `rollout:` block (docs/rollout.md): only policy types that may roll out,
each step either `targets` or `accounts_percent`, `targets: all` last and only last, a bake on
every step before it, step targets that exist and are not the management account, and no policy
named like the shadow policy a rollout of a changed document creates. The schema has already
checked the shapes (bake units, percent range, steps non-empty, rollback checks)."""

from __future__ import annotations

from typing import Any

from reconciler import model
from reconciler.errors import show
from reconciler.repository.parse import Parsed
from reconciler.repository.problems import Problem

ALL = "all"


def check_rollout(policy: Parsed, org: dict[str, Any] | None, accounts: dict[str, dict[str, Any]],
                  account_names: set[str]) -> list[Problem]:
    data = policy.data
    if "rollout" not in data:
        return []
    kind = str(data.get("type", model.SCP))
    if data.get("aws_managed") or not model.rollout_allowed(kind):
        allowed = ", ".join(model.ROLLOUT_TYPES)
        return [policy.problem("E281", f"a {kind} cannot be rolled out in steps: only {allowed} "
                               "policies take a rollout block; remove it", "rollout", key=True)]
    steps: list[dict[str, Any]] = data["rollout"]["steps"]
    problems: list[Problem] = []
    for index, step in enumerate(steps):
        problems += _step_rules(policy, index, step, last=index == len(steps) - 1)
        if org is not None and isinstance(step.get("targets"), list):
            problems += _step_targets(policy, index, step["targets"], org, accounts, account_names)
    return problems


def _step_rules(policy: Parsed, index: int, step: dict[str, Any], *, last: bool) -> list[Problem]:
    at = ("rollout", "steps", index)
    if ("targets" in step) == ("accounts_percent" in step):
        return [policy.problem("E282", f"rollout step {index + 1} needs either targets or accounts_percent, "
                               "not both and not neither", *at)]
    is_all = step.get("targets") == ALL
    if is_all and not last:
        return [policy.problem("E283", f"rollout step {index + 1} is `targets: all`, which must be the last "
                               "step: move it to the end", *at, "targets")]
    if last and not is_all:
        return [policy.problem("E283", "the last rollout step must be `targets: all` (the policy's own "
                               "targets); add it as the last step", *at)]
    if not last and "bake" not in step:
        return [policy.problem("E284", f"rollout step {index + 1} has no bake: write how long to wait "
                               "before the next step, e.g. bake: 2h", *at)]
    return []


def _step_targets(policy: Parsed, index: int, targets: list[str], org: dict[str, Any],
                  accounts: dict[str, dict[str, Any]], account_names: set[str]) -> list[Problem]:
    ous = {e if isinstance(e, str) else e["path"] for e in org.get("organizational_units", [])}
    problems = []
    for position, target in enumerate(targets):
        kind, _, name = target.partition(":")
        if kind == "ou" and name not in ous:
            why = f"the OU {show(name)} is not declared in organization.yaml"
        elif kind == "account" and name not in account_names:
            why = f"the account {show(name)} has no file accounts/{name}.yaml"
        elif kind == "account" and accounts.get(name, {}).get("account_id") == org["management_account_id"]:
            why = f"{show(name)} is the management account, which policies do not apply to"
        else:
            continue
        problems.append(policy.problem("E285", f"rollout step {index + 1} targets {show(target)}, but {why}",
                                       "rollout", "steps", index, "targets", position))
    return problems


def check_shadow_names(policies: list[Parsed]) -> list[Problem]:
    """E286: a policy named like another policy's rollout shadow (`<name>.rollout`,
    reconciler.model.shadow_name), which that rollout would create beside the original."""
    names = {str(p.data.get("name")): p for p in policies}
    problems = []
    for policy in policies:
        data = policy.data
        kind = str(data.get("type", model.SCP))
        if "rollout" not in data or data.get("aws_managed") or not model.rollout_allowed(kind):
            continue
        clash = names.get(model.shadow_name(str(data["name"])))
        if clash is not None:
            problems.append(clash.problem(
                "E286", f"policy {show(clash.data['name'])} has the name of the shadow policy that the "
                f"rollout of {show(data['name'])} creates for a changed document; rename this policy",
                "name"))
    return problems
