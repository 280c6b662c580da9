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
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from reconciler.drift.schedule import FULL_SCAN_INTERVAL, full_scan_reason
from reconciler.drift.state import State
from reconciler.live.calls import AwsCalls
from reconciler.live.read import read_organization
from reconciler.live.reread import read_accounts, read_policies
from reconciler.model import Organization

# CloudTrail delivers an event some minutes after the call (AWS: typically within 15 minutes).
DELIVERY_DELAY = timedelta(minutes=20)
SOURCE = "organizations.amazonaws.com"
# Account renames (PutAccountName) are the Account Management API's, logged under its own source.
SOURCES = (SOURCE, "account.amazonaws.com")
# Events the incremental path cannot follow by re-reading one account or policy.
STRUCTURAL = frozenset({
    "CreateOrganizationalUnit", "UpdateOrganizationalUnit", "DeleteOrganizationalUnit",
    "EnablePolicyType", "DisablePolicyType", "CreatePolicy", "DeletePolicy", "CreateAccount",
    "CreateAccountResult", "InviteAccountToOrganization", "AcceptHandshake", "CreateGovCloudAccount",
    "RemoveAccountFromOrganization", "LeaveOrganization", "CloseAccount", "CloseAccountResult",
})


@dataclass(frozen=True)
class Touched:
    accounts: frozenset[str]  # account ids
    policies: frozenset[str]  # policy ids
    structural: tuple[str, ...]  # event names that need a full scan


def touched(events: Iterable[Mapping[str, Any]]) -> Touched:
    accounts: set[str] = set()
    policies: set[str] = set()
    structural: list[str] = []
    for event in events:
        name = str(event.get("EventName", ""))
        ids = [str(r.get("ResourceName", "")) for r in event.get("Resources") or []]
        if name in STRUCTURAL or any(i.startswith(("ou-", "r-")) and name.endswith("Resource") for i in ids):
            structural.append(name)  # OU tags too: OUs are re-read only by a full scan
        accounts.update(i for i in ids if i.isdigit() and len(i) == 12)
        policies.update(i for i in ids if i.startswith("p-"))
    return Touched(frozenset(accounts), frozenset(policies), tuple(structural))


def lookup_events(client: AwsCalls, since: datetime, resource: str | None = None) -> list[dict[str, Any]]:
    """Organizations and Account Management events since `since` (about one call per 50 events,
    one lookup per source: LookupEvents takes a single attribute)."""
    if resource:
        return _lookup(client, since, {"AttributeKey": "ResourceName", "AttributeValue": resource})
    return [e for source in SOURCES
            for e in _lookup(client, since, {"AttributeKey": "EventSource", "AttributeValue": source})]


def _lookup(client: AwsCalls, since: datetime, attribute: dict[str, str]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    params: dict[str, Any] = {"LookupAttributes": [attribute], "StartTime": since, "MaxResults": 50}
    while True:
        response = client.call("LookupEvents", service="cloudtrail", **params)
        events += [e for e in response.get("Events", []) if e.get("EventSource", SOURCE) in SOURCES]
        if not response.get("NextToken"):
            return events
        params["NextToken"] = response["NextToken"]



def read_live(client: AwsCalls, desired: Organization, state: State, incremental: bool,
              now: datetime, interval: timedelta = FULL_SCAN_INTERVAL
              ) -> tuple[Organization, str, frozenset[str] | None]:
    """The live organization, how it was read, and (incremental) the addresses it covers."""
    reason = full_scan_reason(state, desired, incremental, now, interval)
    if reason is None and state.last_run and state.last_full_scan:
        found = touched(since_full_scan(client, state.last_run, state.last_full_scan))
        if found.structural:
            reason = f"CloudTrail shows {found.structural[0]}"
        else:
            live, covered = _partial(client, desired, state, found)
            return live, f"incremental, {len(covered)} resources re-read", covered
    live = read_organization(client)
    state.ids = {"root": live.root_id, "ous": {o.path: o.ou_id for o in live.ous},
                 "policies": {p.name: p.policy_id for p in live.policies}}
    # The scan's start: changes made while it read may be missed by it, so the next run's
    # CloudTrail window must reach back to here.
    state.last_full_scan = now.isoformat()
    return live, f"full ({reason})", None



def since_full_scan(client: AwsCalls, last_run: str, last_full_scan: str) -> list[dict[str, Any]]:
    """Events since the last run, reaching back DELIVERY_DELAY for CloudTrail's late deliveries,
    but none from before the last full scan: that scan saw their effects."""
    floor = datetime.fromisoformat(last_full_scan)
    start = max(datetime.fromisoformat(last_run) - DELIVERY_DELAY, floor)
    return [e for e in lookup_events(client, start) if _after(e.get("EventTime"), floor)]


def _after(value: Any, floor: datetime) -> bool:
    return not isinstance(value, datetime) or value >= floor


def _partial(client: AwsCalls, desired: Organization, state: State, found: Touched
             ) -> tuple[Organization, frozenset[str]]:
    by_name = {a.name: a.account_id for a in desired.accounts if a.account_id}
    open_accounts = {by_name[a.split(".", 1)[1]] for a in state.open if a.startswith("account.")
                     and a.split(".", 1)[1] in by_name}
    policy_ids: dict[str, str] = state.ids.get("policies", {})
    open_policies = {policy_ids[n] for n in _open_policy_names(state.open) if n in policy_ids}
    baseline = _baseline(desired, state)
    accounts = read_accounts(client, baseline, found.accounts | open_accounts)
    live = dataclasses.replace(baseline, accounts=accounts)
    live = dataclasses.replace(live, policies=read_policies(client, live, found.policies | open_policies))
    return live, _covered(desired, live, found.accounts | open_accounts, found.policies | open_policies)


def _open_policy_names(open_addresses: Iterable[str]) -> set[str]:
    return {a.split(".")[1] for a in open_addresses if a.startswith(("policy.", "attachment."))}


def _baseline(desired: Organization, state: State) -> Organization:
    """The organization as the repository says, with the ids the last full scan saw."""
    ous = state.ids.get("ous", {})
    policies = state.ids.get("policies", {})
    return dataclasses.replace(
        desired, root_id=state.ids.get("root"),
        ous=tuple(dataclasses.replace(o, ou_id=ous.get(o.path)) for o in desired.ous),
        accounts=tuple(a for a in desired.accounts if a.account_id),
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
