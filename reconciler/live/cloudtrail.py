"""CloudTrail's Organizations events, read and sorted: which accounts and policies they name,
and which of them the incremental read cannot follow by re-reading one resource.

Organizations and Account Management events since a time, one lookup per event source
(LookupEvents takes a single attribute), about one call per 50 events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from reconciler.live.calls import AwsCalls

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


def since_full_scan(client: AwsCalls, last_run: str, last_full_scan: str) -> list[dict[str, Any]]:
    """Events since the last run, reaching back DELIVERY_DELAY for CloudTrail's late deliveries,
    but none from before the last full scan: that scan saw their effects."""
    floor = datetime.fromisoformat(last_full_scan)
    start = max(datetime.fromisoformat(last_run) - DELIVERY_DELAY, floor)
    return [e for e in lookup_events(client, start) if _after(e.get("EventTime"), floor)]


def _after(value: Any, floor: datetime) -> bool:
    return not isinstance(value, datetime) or value >= floor
