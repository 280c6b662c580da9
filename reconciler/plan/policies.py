"""Policy and attachment changes.

The repository is authoritative for the policies it lists: their documents, and where they are
attached (an attachment added out of band is detached). Policies it does not list are reported as
unmanaged, never touched, except a rollout's shadow policy (docs/rollout.md), which is the
reconciler's own: while its rollout runs the desired state has it, and after that it is detached
and deleted. FullAWSAccess is AWS's: never edited, and its attachments are left as AWS
makes them unless `policies/FullAWSAccess.yaml` declares where it must stay.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reconciler.errors import GuardrailError, RepositoryError
from reconciler.model import FULL_AWS_ACCESS, ROOT, SCP, Organization, Policy, shadow_of
from reconciler.plan.changes import Change
from reconciler.plan.fingerprint import jsonable
from reconciler.plan.targets import ACCOUNT, OU, Reach, TargetSpace, display


@dataclass
class PolicyPlan:
    changes: list[Change] = field(default_factory=list)  # creates and updates of policies
    attach: list[Change] = field(default_factory=list)
    detach: list[Change] = field(default_factory=list)
    deletes: list[Change] = field(default_factory=list)  # rollout shadows whose rollout is over
    # The detaches and deletes of those shadows: the reconciler's own, outside
    # guardrails.max_destructive_changes (a 25% canary alone can pass it)
    retired: list[Change] = field(default_factory=list)
    # (policy type, targets) for every policy as it will be, for the per-target quota
    final: list[tuple[str, frozenset[str]]] = field(default_factory=list)


@dataclass(frozen=True)
class NewTargets:
    """Targets this plan creates; AWS attaches FullAWSAccess to each when SCPs are enabled."""

    ous: frozenset[str]
    accounts: frozenset[str]


def policy_dict(policy: Policy) -> dict[str, Any]:
    return {
        "name": policy.name,
        "type": policy.type,
        "description": policy.description,
        "document": jsonable(policy.document),
    }


def plan_policies(
    desired: Organization, live: Organization, space: TargetSpace, reach: Reach, new: NewTargets
) -> PolicyPlan:
    result = PolicyPlan()
    live_by_name = {p.name: p for p in live.policies}
    for policy in sorted(desired.policies, key=lambda p: p.name):
        have = live_by_name.get(policy.name)
        if policy.aws_managed:
            wanted = _wanted(policy, space, management_allowed=True)
            current = aws_managed_targets(policy, have, desired, live, space, new)
        else:
            wanted = _wanted(policy, space, management_allowed=False)
            current = _live_targets(have, space) if have else set()
            _policy_change(policy, have, reach, result)
        _attachments(policy.name, wanted, current, reach, result)
        result.final.append((policy.type, frozenset(wanted)))
    for shadow in retired_shadows(desired, live):
        current = _live_targets(shadow, space)
        detaches = [_attachment(shadow.name, k, "delete", reach) for k in sorted(current)]
        delete = Change(f"policy.{shadow.name}", "policy", "delete", before=policy_dict(shadow),
                        reach=reach.of_all(current))
        result.detach += detaches
        result.deletes.append(delete)
        result.retired += [*detaches, delete]
    return result


def retired_shadows(desired: Organization, live: Organization) -> list[Policy]:
    """Rollout shadows in AWS that the desired state no longer has: their rollout ended or was
    rolled back (or a run stopped before it deleted them). Deleted after their detaches."""
    names = {p.name for p in desired.policies}
    return sorted((p for p in live.policies if p.name not in names and not p.aws_managed
                   and shadow_of(p.name, p.description) is not None), key=lambda p: p.name)


def _wanted(policy: Policy, space: TargetSpace, *, management_allowed: bool) -> set[str]:
    wanted = set()
    for key in policy.targets:
        if space.is_management(key):
            if management_allowed:
                continue  # AWS keeps FullAWSAccess on the management account; SCPs do not apply there
            raise GuardrailError(
                f"policy {policy.name!r} targets {key}, the management account, which is never a policy "
                "target (SCPs do not apply to it): remove the target"
            )
        if not space.is_inert(key):
            wanted.add(key)
    return wanted


def _live_targets(policy: Policy, space: TargetSpace) -> set[str]:
    keys = {space.from_live(t) for t in policy.targets}
    return {k for k in keys if not space.is_inert(k)}


def aws_managed_targets(
    policy: Policy, have: Policy | None, desired: Organization, live: Organization,
    space: TargetSpace, new: NewTargets,
) -> set[str]:
    """Where the AWS-managed policy will be before this plan's attach/detach steps run."""
    if policy.name != FULL_AWS_ACCESS:
        if have is None or not have.aws_managed:
            raise RepositoryError(
                f"policy {policy.name!r} is declared aws_managed, but AWS has no AWS-managed policy of "
                "that name: remove aws_managed, or the file"
            )
        current = _live_targets(have, space)
    elif SCP in live.policy_types:
        current = _live_targets(have, space) if have else set()
    else:  # enabling SCPs attaches FullAWSAccess to the root and to every OU and account
        current = {ROOT} | {OU + o.path for o in live.ous}
        current |= {space.from_live(ACCOUNT + a.name) for a in live.accounts}
    if SCP in desired.policy_types | live.policy_types:
        current |= {OU + p for p in new.ous} | {ACCOUNT + n for n in new.accounts}
    return {k for k in current if not space.is_management(k) and not space.is_inert(k)}


def _policy_change(policy: Policy, have: Policy | None, reach: Reach, result: PolicyPlan) -> None:
    address = f"policy.{policy.name}"
    count = reach.of_all(policy.targets)
    if have is None:
        result.changes.append(Change(address, "policy", "create", after=policy_dict(policy), reach=count))
        return
    if have.aws_managed:
        raise RepositoryError(
            f"policy {policy.name!r} is AWS-managed in AWS and cannot be edited: "
            "declare it with aws_managed: true and no document"
        )
    if have.type != policy.type:
        raise RepositoryError(
            f"policy {policy.name!r} is a {have.type} in AWS and a {policy.type} in the repository; a "
            "policy's type cannot change: give the new policy another name"
        )
    before, after = policy_dict(have), policy_dict(policy)
    changed = tuple(k for k in ("description", "document") if before[k] != after[k])
    if changed:
        result.changes.append(
            Change(address, "policy", "update", before=before, after=after, changed=changed, reach=count)
        )


def _attachments(
    name: str, wanted: set[str], current: set[str], reach: Reach, result: PolicyPlan
) -> None:
    result.attach.extend(_attachment(name, k, "create", reach) for k in sorted(wanted - current))
    result.detach.extend(_attachment(name, k, "delete", reach) for k in sorted(current - wanted))


def _attachment(name: str, key: str, action: str, reach: Reach) -> Change:
    body = {"policy": name, "target": display(key)}
    before, after = (None, body) if action == "create" else (body, None)
    return Change(
        f"attachment.{name}.{display(key)}", "attachment", action,  # type: ignore[arg-type]
        before=before, after=after, reach=reach.of(key),
    )


def unmanaged_targets(live: Organization, managed: Iterable[str], space: TargetSpace) -> list[Policy]:
    """Live customer policies the repository does not list, targets in the repository's terms."""
    names = set(managed)
    return [
        Policy(p.name, p.type, p.description, p.document,
               frozenset(space.from_live(t) for t in p.targets), p.aws_managed, p.policy_id)
        for p in live.policies
        if p.name not in names and not p.aws_managed and shadow_of(p.name, p.description) is None
    ]
