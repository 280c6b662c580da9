"""`reconciler rollout status|retry|setup`: see and steer progressive rollouts (docs/rollout.md)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click

from reconciler import clock
from reconciler.adapters.aws import AwsClient
from reconciler.adapters.github import GitHubClient
from reconciler.commands.audit_trail import run_info
from reconciler.commands.lease import holding_lease
from reconciler.commands.plan import load_valid
from reconciler.commands.rollouts import ROLLOUTS_REF, read_rollouts, write_rollouts
from reconciler.errors import ReconcilerError, show
from reconciler.live import rollout_checks
from reconciler.model import Organization, shadow_name
from reconciler.plan.rollout import RolloutRecord, document_hash, step_targets
from reconciler.pullrequests.actions import ActionsEnv

SHOWN_TARGETS = 12  # a canary of hundreds of accounts is summarised past this many


@click.group("rollout")
def command() -> None:
    """See and steer progressive rollouts of policies."""


def _github() -> GitHubClient:
    return GitHubClient.from_actions(ActionsEnv.from_environ())


_REPO = click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
                     show_default=True, help="The desired-state repository.")


@command.command("status")
@_REPO
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def status(repo: Path, output_format: str) -> None:
    """Each rollout: its step, what it is attached to now, when the bake ends, its checks, or why
    it was rolled back."""
    desired = load_valid(repo)
    rows = [_row(desired, name, record) for name, record in sorted(read_rollouts(_github()).records.items())]
    if output_format == "json":
        click.echo(json.dumps({"rollouts": rows}, indent=2))
        return
    if not rows:
        click.echo(f"No rollouts recorded ({ROLLOUTS_REF}).")
    for row in rows:
        click.echo(_text(row))


def _row(desired: Organization, name: str, record: RolloutRecord) -> dict[str, Any]:
    policy = desired.policy(name)
    row: dict[str, Any] = {"policy": name, "status": record.status, "step": record.step + 1,
                           "started": record.started, "step_since": record.since, "checks": record.checks}
    if policy is None or policy.rollout is None:
        return {**row, "status": "orphaned", "note": "the repository no longer has this policy's rollout"}
    steps = policy.rollout.steps
    row["steps"] = len(steps)
    shadow = record.previous is not None
    if shadow:  # a changed document: the shadow policy carries it through the steps
        row["shadow"] = record.shadow or shadow_name(name)
    if record.document != document_hash(policy.document):
        row["note"] = "the repository's document differs: the rollout starts over when it is applied"
    if record.status == "rolled_back":
        row.update(reason=record.reason, evidence=record.evidence, issue=record.issue,
                   attached=sorted(record.previous["targets"]) if record.previous else [])
        return row
    row["attached"] = sorted(step_targets(desired, policy, record.step, shadow=shadow))
    if record.status == "running":
        ends = datetime.fromisoformat(record.since) + timedelta(seconds=steps[record.step].bake_seconds)
        row["bake_ends"] = ends.isoformat()
        row["bake_passed"] = clock.now() >= ends
    return row


def _text(row: dict[str, Any]) -> str:
    attached = row.get("attached", [])
    shown = ", ".join(attached[:SHOWN_TARGETS]) + (f" (+{len(attached) - SHOWN_TARGETS} more)"
                                                  if len(attached) > SHOWN_TARGETS else "")
    state = row["status"].replace("_", " ")
    lines = [f"{row['policy']}: {state}, step {row['step']} of {row.get('steps', '?')}"]
    if row.get("shadow"):
        lines.append("  " + _shadow_words(row["policy"], row["shadow"], row["status"]))
    if row["status"] == "rolled_back":
        lines.append(f"  rolled back: {row['reason']}")
        evidence = row.get("evidence") or {}
        lines.append(f"  detected at {evidence.get('detected_at')}, "
                     f"window from {evidence.get('window_start')}"
                     + (f"; issue #{row['issue']}" if row.get("issue") else ""))
        lines.append(f"  attached now: {shown or 'nothing (detached from every rollout target)'}")
        lines.append(f"  `reconciler rollout retry {row['policy']}` or a new document starts it again")
    else:
        lines.append(f"  attached now: {shown or 'nothing'} ({len(attached)} targets)")
    if "bake_ends" in row:
        lines.append(f"  bake ends {row['bake_ends']}" + (" (passed: the next run takes the next step)"
                                                          if row["bake_passed"] else ""))
    checks = row.get("checks") or {}
    if checks:
        alarms = ", ".join(f"{k} {v}" for k, v in checks.get("alarms", {}).items()) or "none"
        lines.append(f"  checks at {checks.get('read_at')}: alarms {alarms}; denied calls "
                     f"{_or(checks.get('denied_calls'), 'not checked')}")
    if row.get("note"):
        lines.append(f"  note: {row['note']}")
    return "\n".join(lines)


def _shadow_words(policy: str, shadow: str, status: str) -> str:
    if status == "running":
        return (f"shadow policy {shadow} holds the new document at the step's targets; {policy} keeps "
                "its old document and targets until the last step")
    if status == "done":
        return f"{policy} holds the new document; shadow policy {shadow} is deleted"
    return f"shadow policy {shadow} is deleted; {policy} kept its old document and targets"


def _or(value: object, instead: str) -> object:
    return instead if value is None else value


@command.command("retry")
@click.argument("policy")
def retry(policy: str) -> None:
    """Start a rolled-back rollout again from step 1 (the next reconcile attaches step 1)."""
    env = ActionsEnv.from_environ()
    port = GitHubClient.from_actions(env)
    # under the AWS lease, as reconcile writes the records under it: neither overwrites the other
    with holding_lease(port, run_info(env, "rollout-retry", None)):
        _retry(port, policy)


def _retry(port: GitHubClient, policy: str) -> None:
    rollouts = read_rollouts(port)
    record = rollouts.records.get(policy)
    if record is None:
        known = ", ".join(sorted(rollouts.records)) or "none"
        raise ReconcilerError(f"no rollout of {show(policy)} is recorded (recorded: {known})")
    if record.status != "rolled_back":
        raise ReconcilerError(f"the rollout of {show(policy)} is {record.status.replace('_', ' ')}, not "
                              "rolled back: there is nothing to retry")
    now = clock.now().isoformat()
    rollouts.records[policy] = RolloutRecord(record.document, 0, now, "running", now, record.previous,
                                             shadow=record.shadow)
    write_rollouts(port, rollouts, f"rollout of {policy} retried at {now}")
    click.echo(f"rollout of {policy} starts again at step 1; the next reconcile run attaches it")


@command.command("setup")
@click.option("--log-group", help="The CloudWatch Logs group the organization trail delivers to "
              "[default: found from DescribeTrails].")
@click.option("--check", is_flag=True, help="Only check; change nothing.")
def setup(log_group: str | None, check: bool) -> None:
    """Create or check the metric filter that counts policy denials per account, on the log group
    of the organization trail."""
    client = AwsClient()
    if log_group is None:
        trail, log_group = rollout_checks.organization_trail_log_group(client)
        if log_group is None:
            raise ReconcilerError(
                "no organization trail delivers to CloudWatch Logs" + (f" (trail {show(trail)} does not)"
                                                                       if trail else "")
                + ": create an organization trail with a CloudWatch Logs log group, or pass --log-group; "
                "named CloudWatch alarms work without it")
        click.echo(f"organization trail {trail} delivers to log group {log_group}")
    found = rollout_checks.metric_filter(client, log_group)
    fits = found is not None and found.get("filterPattern") == rollout_checks.FILTER_PATTERN
    if fits:
        click.echo(f"metric filter {rollout_checks.FILTER_NAME} is in place")
    elif check:
        raise ReconcilerError(f"metric filter {rollout_checks.FILTER_NAME} on {log_group} is "
                              f"{'different' if found else 'missing'}: run `reconciler rollout setup`")
    else:
        rollout_checks.put_metric_filter(client, log_group)
        done = "updated" if found else "created"
        click.echo(f"metric filter {rollout_checks.FILTER_NAME} {done} on {log_group}")
    click.echo(f"denials are counted as {rollout_checks.NAMESPACE}/{rollout_checks.METRIC} by "
               f"{rollout_checks.DIMENSION}; rollouts with max_denied_calls read it with GetMetricData")
