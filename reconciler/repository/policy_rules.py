"""Policy rules: file names, the AWS-managed FullAWSAccess file, targets that exist, enabled policy
types, document grammar and size, policies per target, and the SCP allow-list invariant (every
level from the root to an account keeps an Allow, or everything in that account is denied)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from reconciler import model, policy_types
from reconciler.errors import show
from reconciler.model import policy_content
from reconciler.repository.management_grammar import management_findings
from reconciler.repository.parse import Parsed
from reconciler.repository.policy_grammar import not_json, rcp_findings, scp_findings, tag_policy_findings
from reconciler.repository.problems import Problem
from reconciler.repository.rollout_rules import check_rollout, check_shadow_names

Attachment = tuple[Parsed, int]  # the policy file and the index of the target in its `targets`


def check_policies(
    org: Parsed | None, policies: list[Parsed], accounts: Iterable[Parsed], account_names: set[str]
) -> list[Problem]:
    valid = [p for p in policies if p.read]
    account_files = list(accounts)
    by_name = {a.data["account_name"]: a.data for a in account_files}
    problems: list[Problem] = []
    for policy in valid:
        problems += _file_rules(policy)
        if org is not None:
            problems += _target_rules(policy, org.data, by_name, account_names)
        problems += check_rollout(policy, org.data if org is not None else None, by_name, account_names)
    problems += check_shadow_names(valid)
    if org is not None:
        problems += _per_target_quota(org.data, valid)
        problems += _allow_list(valid, account_files, org.data["management_account_id"])
    return problems


def policy_type(data: dict[str, Any]) -> str:
    return str(data.get("type", model.SCP))


def file_name_rule(parsed: Parsed, key: str, kind: str) -> list[Problem]:
    """E201 when the name under `key` is not the file's name (the file name is the address)."""
    if parsed.data[key] == parsed.stem:
        return []
    return [parsed.problem("E201", f"{key} {show(parsed.data[key])} differs from the file name "
                                   f"{show(parsed.stem)}; rename the file or the {kind}", key)]


def _file_rules(policy: Parsed) -> list[Problem]:
    data, problems = policy.data, file_name_rule(policy, "name", "policy")
    managed = data.get("aws_managed", False)
    if data["name"] == model.RCP_FULL_AWS_ACCESS:
        problems.append(policy.problem(
            "E274",
            "RCPFullAWSAccess is AWS's: attached to the root, every OU and every account while RCPs are "
            "enabled, never edited and never detached; remove this file",
            "name",
        ))
    elif managed and data["name"] != model.FULL_AWS_ACCESS:
        problems.append(
            policy.problem(
                "E238",
                "aws_managed: true is only for FullAWSAccess; remove it and write the policy's document",
                "aws_managed",
            )
        )
    elif data["name"] == model.FULL_AWS_ACCESS and not managed:
        problems.append(
            policy.problem(
                "E238",
                "FullAWSAccess is AWS-managed and cannot be edited: write aws_managed: true and targets only",
                "name",
            )
        )
    elif managed and ("document" in data or policy_type(data) != model.SCP):
        problems.append(
            policy.problem(
                "E238",
                "an aws_managed policy has no document and is an SCP; "
                "keep only name, aws_managed, targets (and description)",
                "aws_managed",
            )
        )
    elif "document" in data:
        problems += _document_rules(policy)
    return problems


def _document_rules(policy: Parsed) -> list[Problem]:
    data = policy.data
    document = data["document"]
    findings = list(not_json(document))
    if not findings:
        findings = list(_grammar(data["type"], document))
    problems = [policy.problem(code, message, "document", *path) for code, message, path in findings]
    return problems


def _grammar(kind: str, document: dict[str, Any]) -> Any:
    if kind == model.SCP:
        return scp_findings(document)
    if kind == model.RCP:
        return rcp_findings(document)
    if kind == model.TAG_POLICY:
        return tag_policy_findings(document)
    return management_findings(kind, document)


def _target_rules(
    policy: Parsed, org: dict[str, Any], accounts: dict[str, dict[str, Any]], account_names: set[str]
) -> list[Problem]:
    data, problems = policy.data, []
    kind = policy_type(data)
    if kind not in org.get("policy_types", []):
        problems.append(
            policy.problem(
                "E233",
                f"the policy type {kind} is not enabled: add it to policy_types in organization.yaml",
                "type" if "type" in data else "name",
            )
        )
    if "document" in data and not problems and not _has_problems_in(data):
        limit = _quotas(org).max_chars(kind)
        size = len(policy_content(data["document"]))
        if size > limit:
            problems.append(
                policy.problem(
                    "E240",
                    f"the document is {size} characters as minified JSON; "
                    f"the {kind} limit is {limit}: split the policy",
                    "document",
                    key=True,
                )
            )
    ous = {e if isinstance(e, str) else e["path"] for e in org.get("organizational_units", [])}
    for index, target in enumerate(data.get("targets", [])):
        kind_of, _, name = target.partition(":")
        if kind_of == "ou" and name not in ous:
            problems.append(
                policy.problem(
                    "E231",
                    f"the target OU {show(name)} is not declared in organization.yaml",
                    "targets",
                    index,
                )
            )
        elif kind_of == "account" and name not in account_names:
            problems.append(
                policy.problem(
                    "E232",
                    f"the target account {show(name)} has no file accounts/{name}.yaml",
                    "targets",
                    index,
                )
            )
        elif (
            kind_of == "account" and accounts.get(name, {}).get("account_id") == org["management_account_id"]
        ):
            problems.append(
                policy.problem(
                    "E235",
                    f"{show(name)} is the management account: policies do "
                    "not apply to it, so it is never a target",
                    "targets",
                    index,
                )
            )
    return problems


def _has_problems_in(data: dict[str, Any]) -> bool:
    return any(True for _ in not_json(data["document"]))


def _quotas(org: dict[str, Any]) -> model.Quotas:
    return model.Quotas(**org.get("quotas", {}))


def _attachments(policies: list[Parsed]) -> dict[tuple[str, str], list[Attachment]]:
    result: dict[tuple[str, str], list[Attachment]] = defaultdict(list)
    for policy in sorted(policies, key=lambda p: p.data["name"]):
        for index, target in enumerate(policy.data.get("targets", [])):
            result[(target, policy_type(policy.data))].append((policy, index))
    return result


def _full_access(policies: list[Parsed]) -> Parsed | None:
    return next(
        (
            p
            for p in policies
            if p.data["name"] == model.FULL_AWS_ACCESS
            and p.data.get("aws_managed")
            and "document" not in p.data
        ),
        None,
    )


def _per_target_quota(org: dict[str, Any], policies: list[Parsed]) -> list[Problem]:
    quotas = _quotas(org)
    declared = _full_access(policies)
    problems = []
    for (target, kind), attached in _attachments(policies).items():
        count, limit = len(attached), quotas.per_target(kind)
        default = policy_types.kind(kind).default_policy
        if (kind == model.SCP and declared is None) or kind == model.RCP:
            count += 1  # AWS keeps FullAWSAccess (unless declared) and RCPFullAWSAccess attached everywhere
        if count > limit:
            policy, index = attached[-1]
            names = ", ".join(p.data["name"] for p, _ in attached)
            extra = f" plus {default}, which AWS keeps attached" if count > len(attached) else ""
            problems.append(
                policy.problem(
                    "E236",
                    f"{target} would have {count} {kind} policies attached "
                    f"directly ({names}{extra}); {_limit_text(kind, limit)}",
                    "targets",
                    index,
                )
            )
    return problems


def _limit_text(kind: str, limit: int) -> str:
    if kind in (model.SCP, model.TAG_POLICY):
        return f"the limit (quotas.policies_per_target) is {limit}"
    aws = policy_types.kind(kind).max_per_target
    return f"the limit is {limit} (AWS's {aws} for the type, or quotas.policies_per_target when lower)"


def _allows(policy: Parsed) -> bool:
    if policy.data.get("aws_managed"):
        return True
    statements = policy.data.get("document", {}).get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    return any(isinstance(s, dict) and s.get("Effect") == "Allow" for s in statements)


def _allow_list(policies: list[Parsed], accounts: list[Parsed], management: str) -> list[Problem]:
    declared = _full_access(policies)
    if declared is None:
        return []
    allowed = {
        t
        for p in policies
        if policy_type(p.data) == model.SCP and _allows(p)
        for t in p.data.get("targets", [])
    }
    needed: set[str] = set()
    problems = []
    for account in accounts:
        data = account.data
        if data.get("account_id") == management:
            continue  # SCPs never apply to the management account
        names = [] if data["ou"] == model.ROOT else data["ou"].split("/")
        needed.update(["root", *("ou:" + "/".join(names[: i + 1]) for i in range(len(names)))])
        target = f"account:{data['account_name']}"
        if target not in allowed:
            message = (
                "no SCP with an Allow statement is attached to this account directly, so every action in "
                f"it is denied: add {target} to the targets of policies/FullAWSAccess.yaml"
            )
            problems.append(account.problem("E237", message, "account_name"))
    for level in sorted(needed - allowed):
        message = (
            f"no SCP with an Allow statement is attached to {level}, so every account below it is denied "
            "everything: add it to targets"
        )
        problems.append(declared.problem("E237", message, "targets", key=True))
    return problems
