"""Progressive rollouts of policies (docs/rollout.md), the pure part: which accounts a canary step
picks, what each step attaches, the rollout records kept between runs, and the desired state a
running rollout stands for.

A rollout's state is the desired state while it runs: `effective(desired, live, rollouts)` is the
repository's organization with each rolling-out policy's targets replaced by its current step's
(and, rolled back, by what it had before), so the planner, apply and drift handling need nothing
new and never fight a rollout. A changed document of a policy AWS already has rolls out beside the
old one, as a second policy (its shadow, `reconciler.model.shadow_name`): the original keeps its
old document and targets, the shadow holds the new document and takes the steps, and the last
step puts the new document into the original; the planner deletes a shadow the effective state
no longer has.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from reconciler.model import (
    FULL_AWS_ACCESS,
    ROOT,
    SCP,
    Account,
    Organization,
    Policy,
    policy_content,
    rollout_allowed,
    shadow_description,
    shadow_name,
)

Status = Literal["running", "rolled_back", "done"]
VERSION = 1
ACCOUNT = "account:"
NOTE_ACCOUNTS = 30  # a plan note names at most this many of the first step's accounts


def document_hash(document: Mapping[str, object] | None) -> str:
    return hashlib.sha256(policy_content(document).encode("utf-8")).hexdigest()[:16]


@dataclass
class RolloutRecord:
    """One policy's rollout as the store keeps it between runs."""

    document: str  # document_hash of the document being rolled out
    step: int  # 0-based index into the policy's rollout steps
    since: str  # ISO 8601: when the current step began (its bake runs from here)
    status: Status = "running"
    started: str = ""
    # A changed document: the document and targets the policy had before. The original keeps them
    # while its shadow rolls the new document out, and after a rollback.
    previous: dict[str, Any] | None = None
    checks: dict[str, Any] = field(default_factory=dict)  # the last values the checks read
    reason: str | None = None  # why it was rolled back
    evidence: dict[str, Any] = field(default_factory=dict)
    issue: int | None = None
    shadow: str | None = None  # the shadow policy's name, for a changed document (None: in place)


@dataclass
class Rollouts:
    records: dict[str, RolloutRecord] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {"version": VERSION, "rollouts": {n: vars(r) for n, r in sorted(self.records.items())}}
        return json.dumps(data, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str | None) -> Rollouts:
        """An empty store for no document. A damaged one is an error rather than a fresh start:
        a fresh start would broaden every running rollout at once."""
        if not text:
            return cls()
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise ValueError("the rollout store is not a version-1 document")
        return cls({name: RolloutRecord(**r) for name, r in data.get("rollouts", {}).items()})


# -- which accounts ------------------------------------------------------------------------------


def reached_accounts(org: Organization, targets: Iterable[str], *, canary: bool = True) -> list[Account]:
    """The accounts `targets` reach that the policy applies to: active, not the management account
    (policies do not apply to it). `canary`: those a canary may pick, so not `automation_level:
    manual` either (a person runs those)."""
    keys = set(targets)
    ous = {k[3:] for k in keys if k.startswith("ou:")}
    found = []
    for account in org.accounts:
        if (account.account_id == org.management_account_id or account.lifecycle_state != "active"
                or (canary and account.automation_level == "manual")):
            continue
        if ROOT in keys or ACCOUNT + account.name in keys or _under(account.ou, ous):
            found.append(account)
    return found


def _under(path: str, ous: set[str]) -> bool:
    parts = path.split("/") if path != ROOT else []
    return any("/".join(parts[: i + 1]) in ous for i in range(len(parts)))


def _hash(policy: str, account: str) -> str:
    return hashlib.sha256(f"{policy}\0{account}".encode()).hexdigest()


def canary_order(policy: str, accounts: Iterable[Account]) -> list[Account]:
    """Every account in the order canaries are taken: within each OU by a stable hash of the
    policy and the account name, and the OUs interleaved in proportion to their size, so that
    any prefix is spread across the OUs. A larger percentage is a longer prefix of the same order,
    so 25% keeps the 5% accounts."""
    by_ou: dict[str, list[Account]] = {}
    for account in accounts:
        by_ou.setdefault(account.ou, []).append(account)
    keyed = []
    for members in by_ou.values():
        members.sort(key=lambda a: _hash(policy, a.name))
        size = len(members)
        keyed += [((rank + 0.5) / size, _hash(policy, a.name), a) for rank, a in enumerate(members)]
    return [a for _, _, a in sorted(keyed, key=lambda k: (k[0], k[1]))]


def canary_count(total: int, percent: int) -> int:
    return min(total, math.ceil(total * percent / 100))


def direct_scps(org: Organization) -> dict[str, int]:
    """SCPs attached directly to each account key, FullAWSAccess included where AWS keeps it
    (everywhere, unless the repository declares it)."""
    counts: dict[str, int] = {}
    declared = org.policy(FULL_AWS_ACCESS) is not None
    for account in org.accounts:
        counts[ACCOUNT + account.name] = 0 if declared else 1
    for policy in org.policies:
        if policy.type == SCP:
            for target in policy.targets:
                if target.startswith(ACCOUNT):
                    counts[target] = counts.get(target, 0) + 1
    return counts


@dataclass(frozen=True)
class Canary:
    accounts: tuple[str, ...]  # account names, in canary order
    reach: int  # accounts the policy's targets reach that a canary may pick
    skipped_full: tuple[str, ...] = ()  # at quotas.policies_per_target already: passed over


def pick_canary(org: Organization, policy: Policy, percent: int, *, shadow: bool = False) -> Canary:
    """`percent` of the accounts the policy's own targets reach, chosen deterministically; an
    account whose direct SCP attachments are at `quotas.policies_per_target` is passed over for
    the next one, so the canary's attachments stay within AWS's quota. With a `shadow`, an account
    the policy is attached to already gets one more attachment (the shadow's), so it counts too."""
    pool = canary_order(policy.name, reached_accounts(org, policy.targets))
    wanted = canary_count(len(pool), percent)
    counts, limit = direct_scps(org), org.quotas.policies_per_target
    chosen: list[str] = []
    full: list[str] = []
    for account in pool:
        if len(chosen) == wanted:
            break
        key = ACCOUNT + account.name
        if (key in policy.targets and not shadow) or counts.get(key, 0) < limit:
            chosen.append(account.name)
        else:
            full.append(account.name)
    return Canary(tuple(chosen), len(pool), tuple(full))


# -- what each step attaches --------------------------------------------------------------------


def step_targets(org: Organization, policy: Policy, step: int, *, shadow: bool = False) -> frozenset[str]:
    """What the policy (or its `shadow`) is attached to during step `step` (0-based): the step's
    own targets and every earlier step's (a canary keeps the policy until the end); the last step,
    `targets: all`, is the policy's declared targets and nothing else."""
    assert policy.rollout is not None
    steps = policy.rollout.steps
    if steps[step].final:
        return policy.targets
    so_far = steps[: step + 1]
    targets = {t for earlier in so_far if earlier.targets is not None for t in earlier.targets}
    percents = [earlier.accounts_percent for earlier in so_far if earlier.accounts_percent is not None]
    if percents:  # canaries are nested (canary_order): the largest one holds every earlier one
        canary = pick_canary(org, policy, max(percents), shadow=shadow)
        targets |= {ACCOUNT + name for name in canary.accounts}
    return frozenset(targets)


def rolling(policy: Policy) -> bool:
    return policy.rollout is not None and rollout_allowed(policy.type) and not policy.aws_managed


def starts(desired: Organization, live: Organization, rollouts: Rollouts) -> list[Policy]:
    """Policies whose rollout starts now: created, or their document changed (in AWS, or since the
    rollout on record, which then starts over)."""
    live_by_name = {p.name: p for p in live.policies}
    found = []
    for policy in desired.policies:
        if not rolling(policy):
            continue
        record = rollouts.records.get(policy.name)
        if record is not None and record.document == document_hash(policy.document):
            continue
        have = live_by_name.get(policy.name)
        changed = have is None or document_hash(have.document) != document_hash(policy.document)
        if changed or record is not None:
            found.append(policy)
    return found


def previous_of(have: Policy | None, old: RolloutRecord | None) -> dict[str, Any] | None:
    """What the policy had before this rollout: None for a new policy (it rolls out itself), else
    the document and targets the original keeps while its shadow rolls out. Edited mid-rollout:
    what it had before the first edit (the original never changed since)."""
    if old is not None and old.status == "running":
        return old.previous
    return None if have is None else {"document": have.document, "targets": sorted(have.targets)}


def start(rollouts: Rollouts, desired: Organization, live: Organization, now: str) -> list[str]:
    """Records a rollout at step 1 for every policy `starts` finds; returns their names."""
    live_by_name = {p.name: p for p in live.policies}
    names = []
    for policy in starts(desired, live, rollouts):
        previous = previous_of(live_by_name.get(policy.name), rollouts.records.get(policy.name))
        rollouts.records[policy.name] = RolloutRecord(
            document_hash(policy.document), 0, now, "running", now, previous,
            shadow=None if previous is None else shadow_name(policy.name))
        names.append(policy.name)
    return names


def shadow_policy(policy: Policy, targets: frozenset[str]) -> Policy:
    """The second policy a changed document rolls out as: the new document, the step's targets."""
    return Policy(shadow_name(policy.name), policy.type, shadow_description(policy.name),
                  policy.document, targets)


def effective(desired: Organization, live: Organization, rollouts: Rollouts) -> Organization:
    """The desired state with every rollout's state in it (see the module's docstring)."""
    live_by_name = {p.name: p for p in live.policies}
    pending = {p.name for p in starts(desired, live, rollouts)}
    policies: list[Policy] = []
    for policy in desired.policies:
        if rolling(policy):
            policies += _effective_policies(desired, policy, live_by_name.get(policy.name),
                                            rollouts.records.get(policy.name), policy.name in pending)
        else:
            policies.append(policy)
    return dataclasses.replace(desired, policies=tuple(policies))


def _effective_policies(desired: Organization, policy: Policy, have: Policy | None,
                        record: RolloutRecord | None, pending: bool) -> list[Policy]:
    if pending:
        return _stepped(desired, policy, 0, previous_of(have, record))
    if record is None or record.document != document_hash(policy.document):
        # No rollout on record for this document, and AWS already has it: leave its attachments
        # as they are (a lost store never broadens, nor narrows, a policy).
        return [policy if have is None else dataclasses.replace(policy, targets=have.targets)]
    if record.status == "running":
        return _stepped(desired, policy, record.step, record.previous)
    if record.status == "rolled_back":
        if record.previous is None:
            return [dataclasses.replace(policy, targets=frozenset())]
        return [_original(policy, record.previous)]  # the shadow is gone; the original never changed
    return [policy]


def _stepped(desired: Organization, policy: Policy, step: int,
             previous: dict[str, Any] | None) -> list[Policy]:
    """During step `step`: a new policy itself at the step's targets; a changed one as its original,
    untouched, and its shadow at the step's targets."""
    if previous is None:
        return [dataclasses.replace(policy, targets=step_targets(desired, policy, step))]
    targets = step_targets(desired, policy, step, shadow=True)
    return [_original(policy, previous), shadow_policy(policy, targets)]


def _original(policy: Policy, previous: Mapping[str, Any]) -> Policy:
    return dataclasses.replace(policy, document=previous["document"], targets=frozenset(previous["targets"]))


def step_words(org: Organization, policy: Policy, step: int, *, shadow: bool = False) -> str:
    """One step as people read it: `ou:Sandbox, bake 2h`, `5% (3 accounts), bake 48h`."""
    assert policy.rollout is not None
    this = policy.rollout.steps[step]
    if this.final:
        declared = ", ".join(sorted(policy.targets)) or "none"
        return f"its declared targets ({declared}); step attachments removed"
    if this.targets is not None:
        what = ", ".join(this.targets)
    else:
        assert this.accounts_percent is not None
        count = len(pick_canary(org, policy, this.accounts_percent, shadow=shadow).accounts)
        what = f"{this.accounts_percent}% ({count} accounts)"
    return f"{what}, bake {this.bake}"


def start_notes(desired: Organization, live: Organization, rollouts: Rollouts) -> list[str]:
    """For the plan: each rollout this plan starts, its steps and the first step's targets."""
    live_by_name = {p.name: p for p in live.policies}
    notes = []
    for policy in starts(desired, live, rollouts):
        assert policy.rollout is not None
        previous = previous_of(live_by_name.get(policy.name), rollouts.records.get(policy.name))
        shadow = previous is not None
        steps = "; ".join(f"{i + 1}. {step_words(desired, policy, i, shadow=shadow)}"
                          for i in range(len(policy.rollout.steps)))
        first_targets = step_targets(desired, policy, 0, shadow=shadow)
        first = ", ".join(sorted(first_targets)) or "nothing"
        names = [a.name for a in reached_accounts(desired, first_targets, canary=False)]
        shown = ", ".join(names[:NOTE_ACCOUNTS]) + (f" and {len(names) - NOTE_ACCOUNTS} more"
                                                    if len(names) > NOTE_ACCOUNTS else "")
        what = (f"this plan creates the shadow policy {shadow_name(policy.name)} with the new document "
                f"and attaches only it, at step 1" if shadow else "this plan attaches only step 1")
        notes.append(f"rollout of {policy.name} starts: {what} ({first}), which "
                     f"reaches {len(names)} accounts ({shown or 'none'}); the "
                     "scheduled reconcile takes the next steps as their bakes pass with clean "
                     f"checks: {steps}")
        if shadow:
            notes.append(_shadow_note(policy))
    return notes


def _shadow_note(policy: Policy) -> str:
    """A changed document rolls out beside the old one: say what the canary tests (docs/rollout.md)."""
    return (f"note: {policy.name} keeps its old document and its targets everywhere until the last step, "
            f"which puts the new document into {policy.name} and detaches and deletes "
            f"{shadow_name(policy.name)}; a rollback deletes the shadow and leaves {policy.name} as it "
            "was. The canary has both documents: the new one's denies apply there, but at each level AWS "
            "allows what any SCP attached there allows, so with both attached at one target (or "
            "FullAWSAccess beside the shadow) what either allows is allowed, and narrowing an allow "
            "list is not tested by the canary until the last step (docs/rollout.md)")
