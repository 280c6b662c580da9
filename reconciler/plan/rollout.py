"""Progressive rollouts of policies (docs/rollout.md), the pure part: which accounts a canary step
picks, what each step attaches, the rollout records kept between runs, and the desired state a
running rollout stands for.

A rollout's state is the desired state while it runs: `effective(desired, live, rollouts)` is the
repository's organization with each rolling-out policy's targets replaced by its current step's
(and, rolled back, by what it had before), so the planner, apply and drift handling need nothing
new and never fight a rollout.
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
    RolloutStep,
    policy_content,
    rollout_allowed,
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
    # A changed document: the document and targets the policy had before, restored on rollback.
    previous: dict[str, Any] | None = None
    checks: dict[str, Any] = field(default_factory=dict)  # the last values the checks read
    reason: str | None = None  # why it was rolled back
    evidence: dict[str, Any] = field(default_factory=dict)
    issue: int | None = None


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


def pick_canary(org: Organization, policy: Policy, percent: int) -> Canary:
    """`percent` of the accounts the policy's own targets reach, chosen deterministically; an
    account whose direct SCP attachments are at `quotas.policies_per_target` is passed over for
    the next one, so the canary's attachments stay within AWS's quota."""
    pool = canary_order(policy.name, reached_accounts(org, policy.targets))
    wanted = canary_count(len(pool), percent)
    counts, limit = direct_scps(org), org.quotas.policies_per_target
    chosen: list[str] = []
    full: list[str] = []
    for account in pool:
        if len(chosen) == wanted:
            break
        key = ACCOUNT + account.name
        if key in policy.targets or counts.get(key, 0) < limit:
            chosen.append(account.name)
        else:
            full.append(account.name)
    return Canary(tuple(chosen), len(pool), tuple(full))


# -- what each step attaches --------------------------------------------------------------------


def step_targets(org: Organization, policy: Policy, step: int) -> frozenset[str]:
    """What the policy is attached to during step `step` (0-based): the step's own targets and
    every earlier step's (a canary keeps the policy until the end); the last step, `targets: all`,
    is the policy's declared targets and nothing else."""
    assert policy.rollout is not None
    steps = policy.rollout.steps
    if steps[step].final:
        return policy.targets
    targets: set[str] = set()
    for earlier in steps[: step + 1]:
        targets |= _one_step(org, policy, earlier)
    return frozenset(targets)


def _one_step(org: Organization, policy: Policy, step: RolloutStep) -> set[str]:
    if step.targets is not None:
        return set(step.targets)
    assert step.accounts_percent is not None
    return {ACCOUNT + name for name in pick_canary(org, policy, step.accounts_percent).accounts}


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


def start(rollouts: Rollouts, desired: Organization, live: Organization, now: str) -> list[str]:
    """Records a rollout at step 1 for every policy `starts` finds; returns their names."""
    live_by_name = {p.name: p for p in live.policies}
    names = []
    for policy in starts(desired, live, rollouts):
        have = live_by_name.get(policy.name)
        old = rollouts.records.get(policy.name)
        if old is not None and old.status == "running":
            previous = old.previous  # edited mid-rollout: what it had before the first edit
        else:
            previous = None if have is None else {"document": have.document, "targets": sorted(have.targets)}
        rollouts.records[policy.name] = RolloutRecord(
            document_hash(policy.document), 0, now, "running", now, previous)
        names.append(policy.name)
    return names


def effective(desired: Organization, live: Organization, rollouts: Rollouts) -> Organization:
    """The desired state with every rollout's state in it (see the module's docstring)."""
    live_by_name = {p.name: p for p in live.policies}
    pending = {p.name for p in starts(desired, live, rollouts)}
    policies = []
    for policy in desired.policies:
        if rolling(policy):
            policy = _effective_policy(desired, policy, live_by_name.get(policy.name),
                                       rollouts.records.get(policy.name), policy.name in pending)
        policies.append(policy)
    return dataclasses.replace(desired, policies=tuple(policies))


def _effective_policy(desired: Organization, policy: Policy, have: Policy | None,
                      record: RolloutRecord | None, pending: bool) -> Policy:
    if pending:
        return dataclasses.replace(policy, targets=step_targets(desired, policy, 0))
    if record is None or record.document != document_hash(policy.document):
        # No rollout on record for this document, and AWS already has it: leave its attachments
        # as they are (a lost store never broadens, nor narrows, a policy).
        return policy if have is None else dataclasses.replace(policy, targets=have.targets)
    if record.status == "running":
        return dataclasses.replace(policy, targets=step_targets(desired, policy, record.step))
    if record.status == "rolled_back":
        if record.previous is None:
            return dataclasses.replace(policy, targets=frozenset())
        return dataclasses.replace(policy, document=record.previous["document"],
                                   targets=frozenset(record.previous["targets"]))
    return policy


def step_words(org: Organization, policy: Policy, step: int) -> str:
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
        count = len(pick_canary(org, policy, this.accounts_percent).accounts)
        what = f"{this.accounts_percent}% ({count} accounts)"
    return f"{what}, bake {this.bake}"


def start_notes(desired: Organization, live: Organization, rollouts: Rollouts) -> list[str]:
    """For the plan: each rollout this plan starts, its steps and the first step's targets."""
    notes = []
    for policy in starts(desired, live, rollouts):
        assert policy.rollout is not None
        steps = "; ".join(f"{i + 1}. {step_words(desired, policy, i)}"
                          for i in range(len(policy.rollout.steps)))
        first = ", ".join(sorted(step_targets(desired, policy, 0))) or "nothing"
        names = [a.name for a in reached_accounts(desired, step_targets(desired, policy, 0), canary=False)]
        shown = ", ".join(names[:NOTE_ACCOUNTS]) + (f" and {len(names) - NOTE_ACCOUNTS} more"
                                                    if len(names) > NOTE_ACCOUNTS else "")
        notes.append(f"rollout of {policy.name} starts: this plan attaches only step 1 ({first}), which "
                     f"reaches {len(names)} accounts ({shown or 'none'}); the "
                     "scheduled reconcile takes the next steps as their bakes pass with clean "
                     f"checks: {steps}")
        notes += _in_place_warning(live, policy, step_targets(desired, policy, 0))
    return notes


def _in_place_warning(live: Organization, policy: Policy, first: frozenset[str]) -> list[str]:
    """A changed document rolls out in place: say, for the reviewer, where the policy stops
    applying until the last step (docs/rollout.md)."""
    have = next((p for p in live.policies if p.name == policy.name), None)
    lost = sorted(have.targets - set(first)) if have is not None else []
    if not lost:
        return []
    return [f"warning: {policy.name} exists in AWS with another document and rolls out in place: it is "
            f"detached from {', '.join(lost)} until the last step, so the accounts there have neither "
            "the old nor the new document meanwhile (docs/rollout.md)"]
