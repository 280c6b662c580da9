"""Guardrails and AWS quotas, checked on the whole plan before anything is done.

A plan that AWS would refuse halfway (a policy too large, an eleventh policy on a target, an OU
six levels deep) is refused here instead, so apply never leaves the organization half-changed for
a reason known in advance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from reconciler.effective import path_targets
from reconciler.errors import GuardrailError, RepositoryError
from reconciler.model import RCP, ROOT, SCP, Organization, policy_content
from reconciler.plan.changes import Change
from reconciler.plan.targets import display

ENABLE_TRUSTED_ACCESS = (
    "aws organizations enable-aws-service-access --service-principal account.amazonaws.com"
)
TRUSTED_ACCESS_OFF = (
    "trusted access for the AWS Account Management API (account.amazonaws.com) is off in this "
    "organization, and AWS refuses to rename a member account without it, so apply will not start "
    "the renames; turn it on once, from the management account: " + ENABLE_TRUSTED_ACCESS
)

BASELINE_TRUSTED_ACCESS_OFF = (
    "trusted access for the AWS Account Management API (account.amazonaws.com) is off in this "
    "organization, and AWS refuses to set a member account's alternate contacts or Regions without "
    "it, so apply will not start; turn it on once, from the management account: " + ENABLE_TRUSTED_ACCESS
)


def check_destructive(changes: Sequence[Change], desired: Organization) -> None:
    deletes = [c for c in changes if c.action == "delete"]
    if any(c.kind == "attachment" for c in deletes):  # one lookup table, not a search per detach
        inherited = _Inherited(desired)
        deletes = [c for c in deletes if not inherited.still(c)]
    count = len(deletes)
    limit = desired.guardrails.max_destructive_changes
    if count > limit:
        raise GuardrailError(
            f"the plan has {count} destructive changes (detaches, deletes, account closes), more than "
            f"guardrails.max_destructive_changes ({limit}); nothing was done. Split the change into "
            "smaller pull requests, or raise the limit in organization.yaml if this is intended"
        )


class _Inherited:
    """A detach of a deny-only SCP, or of an RCP (RCPs can only deny), from a target that still
    gets the same policy from a parent (an OU above it, or the root) changes nothing the target
    may do: a deny applies from any level above it (Organizations User Guide, "SCP evaluation").
    Such detaches are the last step of a rollout, which moves a canary's direct attachments to the
    policy's declared targets, and are not counted as destructive. An SCP with an Allow statement
    still counts: every level must allow, and the target's own level may have nothing else that
    does (a repository that declares FullAWSAccess decides where it stays)."""

    def __init__(self, desired: Organization) -> None:
        self._targets = {p.name: p.targets for p in desired.policies
                         if p.type == RCP or (p.type == SCP and _deny_only(p.document))}
        self._ou_of = {a.name: a.ou for a in desired.accounts}

    def still(self, change: Change) -> bool:
        if change.kind != "attachment" or change.before is None:
            return False
        targets = self._targets.get(str(change.before.get("policy")))
        if targets is None:
            return False
        return any(parent in targets for parent in self._parents(str(change.before.get("target"))))

    def _parents(self, target: str) -> list[str]:
        """The targets above `target` whose policies reach it: the root, then each OU down to it."""
        kind, _, name = target.partition(":")
        if kind == "account" and name in self._ou_of:
            return path_targets(self._ou_of[name], name)[:-1]
        if kind == "ou":
            parent = name.rpartition("/")[0] or ROOT
            return path_targets(parent, name)[:-1]
        return []


def _deny_only(document: object) -> bool:
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    return isinstance(statements, list) and bool(statements) and all(
        isinstance(s, dict) and s.get("Effect") == "Deny" for s in statements)


def check_structure(desired: Organization) -> None:
    """OU depth, policy types and document sizes: properties of the repository alone."""
    limit = desired.quotas.ou_max_depth
    for ou in desired.ous:
        if ou.depth > limit:
            raise GuardrailError(
                f"OU {ou.path!r} is {ou.depth} levels deep; AWS allows {limit} (quotas.ou_max_depth)"
            )
    for policy in desired.policies:
        if policy.type not in desired.policy_types:
            raise RepositoryError(
                f"policy {policy.name!r} is a {policy.type}, which organization.yaml does not enable: "
                f"add {policy.type} to policy_types"
            )
        if policy.aws_managed:
            continue
        size = len(policy_content(policy.document))
        most = desired.quotas.max_chars(policy.type)
        if size > most:
            raise GuardrailError(
                f"policy {policy.name!r} is {size} characters as minified JSON; AWS allows {most} for a "
                f"{policy.type}. Split it into two policies or shorten it"
            )


def check_per_target(final: Iterable[tuple[str, frozenset[str]]], desired: Organization) -> None:
    """Policies directly attached to each target after the plan, FullAWSAccess included."""
    counts: dict[tuple[str, str], int] = {}
    for policy_type, targets in final:
        for key in targets:
            counts[(policy_type, key)] = counts.get((policy_type, key), 0) + 1
    over = sorted((k, n) for k, n in counts.items() if n > desired.quotas.per_target(k[0]))
    if over:
        (policy_type, key), count = over[0]
        limit = desired.quotas.per_target(policy_type)
        raise GuardrailError(
            f"{display(key)} would have {count} {policy_type} policies attached directly; AWS allows "
            f"{limit} (or quotas.policies_per_target when lower; AWS's default policy included). "
            "Attach at a parent OU or "
            "merge policies"
            + (f" ({len(over) - 1} more targets over the limit)" if len(over) > 1 else "")
        )


def member_renames(changes: Iterable[Change], management_account_id: str) -> list[Change]:
    """Renames of member accounts: PutAccountName with an AccountId, which needs trusted access.
    The management account renames itself without an AccountId and needs none."""
    return [c for c in changes if c.kind == "account" and c.action == "update" and "name" in c.changed
            and _account_id(c) != management_account_id]


def _account_id(change: Change) -> str:
    return str((change.after or {}).get("account_id") or (change.before or {}).get("account_id"))


def baseline_account_items(changes: Iterable[Change]) -> list[Change]:
    """Baseline contacts and Regions: Account Management calls with an AccountId, which need
    trusted access (never for the management account: baselines skip it)."""
    return [c for c in changes if c.kind == "baseline"
            and (c.after or c.before or {}).get("item") in ("contact", "region")]


def needs_account_management(changes: Iterable[Change], management_account_id: str) -> bool:
    changes = list(changes)
    return bool(member_renames(changes, management_account_id) or baseline_account_items(changes))


def rename_notes(changes: Iterable[Change], management_account_id: str, trusted: bool) -> tuple[str, ...]:
    """The plan's notes when it renames a member account, or sets a baseline's contacts or Regions,
    and trusted access is off."""
    changes = list(changes)
    if trusted:
        return ()
    notes = (TRUSTED_ACCESS_OFF,) if member_renames(changes, management_account_id) else ()
    return (*notes, BASELINE_TRUSTED_ACCESS_OFF) if baseline_account_items(changes) else notes
