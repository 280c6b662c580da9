"""Reading the live organization for a reconcile run: a full scan, or the cheap incremental path.

The incremental path reads CloudTrail's Organizations events since the last run and re-reads only
the accounts and policies they name (plus those still drifted from earlier runs); everything else
is taken to be as the repository says, which the last full scan established. Anything it cannot
follow cheaply (an OU created, renamed or deleted, a policy created, a policy type switched, an
account joining or leaving) falls back to a full scan, and so does a run whose last full scan is
older than the full-scan interval: the full scan is the safety net, on a clock rather than a run
count, because a large organization's full scan outlasts the schedule's period.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from reconciler.drift.schedule import FULL_SCAN_INTERVAL, full_scan_reason
from reconciler.drift.state import State, decode_states, encode_states
from reconciler.errors import AwsError
from reconciler.live.calls import AwsCalls
from reconciler.live.cloudtrail import PERMISSION, Touched, denied, since_full_scan, touched
from reconciler.live.read import read_organization
from reconciler.live.reread import read_accounts, read_policies
from reconciler.live.scope import expecting
from reconciler.model import Organization
from reconciler.plan.lifecycle import with_quarantine


def read_live(client: AwsCalls, desired: Organization, state: State, incremental: bool,
              now: datetime, interval: timedelta = FULL_SCAN_INTERVAL
              ) -> tuple[Organization, str, frozenset[str] | None]:
    """The live organization, how it was read, and (incremental) the addresses it covers."""
    reason = full_scan_reason(state, desired, incremental, now, interval)
    if reason is None and state.last_run and state.last_full_scan:
        found, reason = _events(client, state)
        if found is not None and found.structural:
            reason = f"CloudTrail shows {found.structural[0]}"
        elif found is not None:
            found, unknown = _known(desired, state, found)
            live, covered = _partial(client, desired, state, found)
            return live, _incremental(len(covered), found.skipped + unknown), covered
    # tags that differ from the repository's are re-read: the Tagging API's index may lag
    live = read_organization(client, expecting(desired))
    state.ids = {"root": live.root_id, "ous": {o.path: o.ou_id for o in live.ous},
                 "policies": {p.name: p.policy_id for p in live.policies},
                 "accounts": encode_states({str(a.account_id): a.status for a in live.accounts})}
    # The scan's start: changes made while it read may be missed by it, so the next run's
    # CloudTrail window must reach back to here.
    state.last_full_scan = now.isoformat()
    return live, f"full ({reason})", None



def _events(client: AwsCalls, state: State) -> tuple[Touched | None, str | None]:
    """What CloudTrail says changed since the last run; None and the reason when it refused."""
    try:
        return touched(since_full_scan(client, str(state.last_run), str(state.last_full_scan))), None
    except AwsError as exc:
        if not denied(exc):
            raise
        return None, f"CloudTrail refused LookupEvents: the credentials lack {PERMISSION}"


def _known(desired: Organization, state: State, found: Touched) -> tuple[Touched, tuple[str, ...]]:
    """`found` without the accounts and policies the repository does not know (an unmanaged
    account's tags, say): noted and left to the full scan, which reports unmanaged resources."""
    accounts = {a.account_id for a in desired.accounts if a.account_id} | {desired.management_account_id}
    ids: dict[str, str] = state.ids.get("policies", {})
    policies = {ids[p.name] for p in desired.policies if p.name in ids}
    unknown = sorted((found.accounts - accounts) | (found.policies - policies))
    notes = tuple(f"{i}: not in the repository" for i in unknown)
    return dataclasses.replace(found, accounts=found.accounts & accounts,
                               policies=found.policies & policies), notes


def _incremental(count: int, notes: tuple[str, ...]) -> str:
    text = f"incremental, {count} resources re-read"
    if not notes:
        return text
    return f"{text}; skipped {len(notes)} CloudTrail event(s) for the full scan: {notes[0]}" + (
        f" (+{len(notes) - 1} more)" if len(notes) > 1 else "")


def _partial(client: AwsCalls, desired: Organization, state: State, found: Touched
             ) -> tuple[Organization, frozenset[str]]:
    by_name = {a.name: a.account_id for a in desired.accounts if a.account_id}
    open_accounts = {by_name[a.split(".", 1)[1]] for a in state.open if a.startswith("account.")
                     and a.split(".", 1)[1] in by_name}
    policy_ids: dict[str, str] = state.ids.get("policies", {})
    open_policies = {policy_ids[n] for n in _open_policy_names(state.open) if n in policy_ids}
    states = decode_states(state.ids.get("accounts")) or {}
    baseline = _baseline(desired, state, states)
    reread = found.accounts | open_accounts
    accounts = read_accounts(client, baseline, reread)
    # what this run re-read is the newest word on those accounts: the next runs start from it
    states.update({str(a.account_id): a.status for a in accounts if a.account_id in reread})
    state.ids["accounts"] = encode_states(states)
    live = dataclasses.replace(baseline, accounts=accounts)
    live = dataclasses.replace(live, policies=read_policies(client, live, found.policies | open_policies))
    return live, _covered(desired, live, found.accounts | open_accounts, found.policies | open_policies)


def _open_policy_names(open_addresses: Iterable[str]) -> set[str]:
    return {a.split(".")[1] for a in open_addresses if a.startswith(("policy.", "attachment."))}


def _baseline(desired: Organization, state: State, states: Mapping[str, str]) -> Organization:
    """The organization as the repository says, with the ids the last full scan saw and each
    account's State as AWS last answered it (that scan, or a re-read since). An account the
    scan did not find in the organization is left out, as the full scan leaves it out. Retiring
    accounts are where the planner puts them: in the quarantine OU."""
    desired = with_quarantine(desired)
    ous = state.ids.get("ous", {})
    policies = state.ids.get("policies", {})
    return dataclasses.replace(
        desired, root_id=state.ids.get("root"),
        ous=tuple(dataclasses.replace(o, ou_id=ous.get(o.path)) for o in desired.ous),
        accounts=tuple(dataclasses.replace(a, status=states[a.account_id]) for a in desired.accounts
                       if a.account_id and a.account_id in states),
        policies=tuple(dataclasses.replace(p, policy_id=policies.get(p.name)) for p in desired.policies),
    )


def _covered(desired: Organization, live: Organization, accounts: Sequence[str] | frozenset[str],
             policies: frozenset[str]) -> frozenset[str]:
    names = {a.name for a in (*desired.accounts, *live.accounts) if a.account_id in accounts}
    covered = {f"account.{n}" for n in names}
    for policy in live.policies:
        if policy.policy_id in policies:
            wanted = desired.policy(policy.name)
            targets = policy.targets | (wanted.targets if wanted else frozenset())
            covered.add(f"policy.{policy.name}")
            covered |= {f"attachment.{policy.name}.{t}" for t in targets}
    return frozenset(covered)
