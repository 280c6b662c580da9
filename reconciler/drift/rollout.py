"""What a scheduled reconcile run does with each running rollout (docs/rollout.md): read its
rollback checks, roll it back when one fails during a bake, or take the next step when the bake
has passed and the checks are clean: one step a run. The attachments themselves follow from the
records (reconciler.plan.rollout.effective) through the ordinary plan and revert.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from reconciler.drift.pull_request_text import hidden_marker, own_issue
from reconciler.live.rollout_checks import CheckResult
from reconciler.model import Organization, Policy
from reconciler.plan.rollout import (
    RolloutRecord,
    Rollouts,
    document_hash,
    reached_accounts,
    rolling,
    step_targets,
)
from reconciler.pullrequests.port import Issue

# (policy, the accounts attached now by id, the window's start) -> the checks' values
Checks = Callable[[Policy, list[str], datetime], CheckResult]


class RolloutIssues(Protocol):
    def open_issues(self) -> list[Issue]: ...
    def create_issue(self, title: str, body: str) -> Issue: ...


@dataclass
class StepReport:
    policy: str
    what: str  # "baking", "held", "advanced", "completed", "rolled_back", "stopped"
    line: str  # one line for people

    def to_json(self) -> dict[str, str]:
        return {"policy": self.policy, "event": self.what, "message": self.line}


@dataclass
class RolloutRun:
    steps: list[StepReport] = field(default_factory=list)
    changed: bool = False  # a record changed: the store must be written


def rollouts_unsettled(rollouts: Rollouts, desired: Organization) -> bool:
    """Whether a run of the applied state must scan AWS in full for its rollouts: one is running,
    or one starts (its record is of another document). A rolling policy with no record is settled:
    AWS has its document already (the applied state was applied) and nothing steps it without a
    record, so its attachments stay as they are and the incremental path holds (docs/rollout.md)."""
    for policy in desired.policies:
        record = rollouts.records.get(policy.name) if rolling(policy) else None
        if record is not None and (record.status == "running"
                                   or record.document != document_hash(policy.document)):
            return True
    return False


def attached_account_ids(org: Organization, policy: Policy, step: int, *, shadow: bool = False) -> list[str]:
    """The accounts the policy (or its shadow) reaches during `step`, by id (the denial metric's
    dimension)."""
    reached = reached_accounts(org, step_targets(org, policy, step, shadow=shadow), canary=False)
    return sorted(a.account_id for a in reached if a.account_id)


def advance(rollouts: Rollouts, desired: Organization, now: datetime, checks: Checks) -> RolloutRun:
    """Each running rollout of the repository's current documents: rolled back, advanced one step
    or left baking. Records of policies gone from the repository are dropped."""
    out = RolloutRun()
    by_name = {p.name: p for p in desired.policies if rolling(p)}
    for name in sorted(set(rollouts.records) - set(by_name)):
        del rollouts.records[name]
        out.changed = True
    for name, policy in sorted(by_name.items()):
        record = rollouts.records.get(name)
        if record is None or record.document != document_hash(policy.document):
            continue
        if record.status == "rolled_back":
            out.steps.append(StepReport(name, "stopped", f"rollout of {name}: rolled back, stopped "
                                        f"({record.reason}); `reconciler rollout retry {name}` or a "
                                        "new document starts it again"))
        elif record.status == "running":
            out.steps.append(_one(record, policy, desired, now, checks))
            out.changed = True
    return out


def _one(record: RolloutRecord, policy: Policy, desired: Organization, now: datetime,
         checks: Checks) -> StepReport:
    assert policy.rollout is not None
    steps = policy.rollout.steps
    since = datetime.fromisoformat(record.since)
    shadow = record.previous is not None
    result = checks(policy, attached_account_ids(desired, policy, record.step, shadow=shadow), since)
    record.checks = {**result.values(), "read_at": now.isoformat()}
    failure = _failure(policy, result)
    if failure is not None:
        record.status, record.reason = "rolled_back", failure
        record.evidence = _evidence(record, result, since, now)
        return StepReport(policy.name, "rolled_back", f"rollout of {policy.name}: ROLLED BACK during step "
                          f"{record.step + 1} of {len(steps)}: {failure}")
    ends = since + timedelta(seconds=steps[record.step].bake_seconds)
    missing = [a.name for a in result.alarms if a.state == "MISSING"]
    if missing:
        return StepReport(policy.name, "held", f"rollout of {policy.name}: step {record.step + 1} of "
                          f"{len(steps)} held: CloudWatch has no alarm named {', '.join(missing)} "
                          "(a check that cannot be read never passes)")
    if now < ends:
        return StepReport(policy.name, "baking", f"rollout of {policy.name}: step {record.step + 1} of "
                          f"{len(steps)} baking until {ends.isoformat()}, checks clean")
    record.step, record.since = record.step + 1, now.isoformat()
    if steps[record.step].final:
        record.status = "done"
        done = (f"the new document put into {policy.name}, shadow {record.shadow or 'policy'} detached "
                "and deleted" if shadow else "attached to its declared targets, step attachments removed")
        return StepReport(policy.name, "completed", f"rollout of {policy.name}: step {record.step + 1} "
                          f"of {len(steps)}: {done}")
    return StepReport(policy.name, "advanced", f"rollout of {policy.name}: step {record.step + 1} of "
                      f"{len(steps)}: {describe_step(desired, policy, record.step, shadow=shadow)}")


def describe_step(desired: Organization, policy: Policy, step: int, *, shadow: bool = False) -> str:
    assert policy.rollout is not None
    this = policy.rollout.steps[step]
    if this.final:
        return "the declared targets"
    targets = step_targets(desired, policy, step, shadow=shadow)
    if this.targets is not None:
        return "attached to " + ", ".join(sorted(this.targets)) + f" ({len(targets)} targets in all)"
    accounts = sum(1 for t in targets if t.startswith("account:"))
    return f"{this.accounts_percent}% of the accounts it reaches ({accounts} accounts attached directly)"


def _failure(policy: Policy, result: CheckResult) -> str | None:
    assert policy.rollout is not None
    if result.firing:
        return "alarm " + ", ".join(f"{a.name} in ALARM" + (f" since {a.since}" if a.since else "")
                                    for a in result.firing)
    limit = policy.rollout.max_denied_calls
    if limit is not None and result.denied is not None and result.denied > limit:
        return f"{result.denied} calls denied by policies in the rollout's accounts, more than {limit}"
    return None


def _evidence(record: RolloutRecord, result: CheckResult, since: datetime,
              now: datetime) -> dict[str, object]:
    return {
        "step": record.step + 1, "window_start": since.isoformat(), "detected_at": now.isoformat(),
        "alarms": [vars(a) for a in result.firing],
        "denied_calls": result.denied,
        "denied_by_account": dict(sorted(result.denied_by_account.items(), key=lambda kv: -kv[1])[:20]),
    }


def marker(policy: str, document: str) -> str:
    return hidden_marker("rollout-rollback", {"policy": policy, "document": document})


def rollback_issue(issues: RolloutIssues, record: RolloutRecord, policy: Policy,
                   authors: frozenset[str]) -> int:
    """The one issue for this rollback: found again (never a second one), or opened."""
    mark = marker(policy.name, record.document)
    found = own_issue(issues.open_issues(), mark, authors)
    if found is not None:
        return found.number
    body = issue_body(record, policy, mark)
    return issues.create_issue(f"Rollout of {policy.name} rolled back", body).number


def issue_body(record: RolloutRecord, policy: Policy, mark: str) -> str:
    ev = record.evidence
    shadow = record.shadow or "with the new document"
    restored = (f"its shadow policy {shadow} was detached and deleted; {policy.name} kept its previous "
                "document and targets throughout" if record.previous is not None
                else "it was detached from every target it had been attached to")
    lines = [f"The reconciler rolled back the rollout of policy `{policy.name}` during step {ev.get('step')} "
             f"and stopped it: {restored}.", "", f"**Why**: {record.reason}", "",
             f"- bake window checked: from {ev.get('window_start')} to {ev.get('detected_at')}"]
    for alarm in ev.get("alarms", []):  # type: ignore[union-attr]
        lines.append(f"- alarm `{alarm['name']}`: {alarm['state']} since {alarm.get('since')} "
                     f"({alarm.get('reason') or 'no reason given'})")
    if ev.get("denied_calls") is not None:
        lines.append(f"- denied calls in the rollout's accounts: {ev.get('denied_calls')}")
    for account, count in dict(ev.get("denied_by_account") or {}).items():  # type: ignore[call-overload]
        lines.append(f"  - account {account}: {count}")
    lines += ["", f"The rollout stays stopped until the policy's document changes or someone runs "
              f"`reconciler rollout retry {policy.name}`.", "", mark, ""]
    return "\n".join(lines)
