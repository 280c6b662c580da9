"""CloudTrail's Organizations events, read and sorted: which accounts and policies they name,
and which of them the incremental read cannot follow by re-reading one resource.

One lookup reads every write event since a time (LookupEvents takes a single attribute, and
`ReadOnly=false` is the one that leaves out the organization's reads, however many), about one
call per 50 events; the Organizations and Account Management events are kept client-side. The ids
come from each event's `CloudTrailEvent` JSON, `requestParameters`, `responseElements` and
`serviceEventDetails`, as AWS's example records carry them: `Resources` is not something AWS
documents for Organizations events. The adapter asks CloudTrail in the partition's Organizations
Region (us-east-1), the only Region that holds these events.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from reconciler.errors import AwsError
from reconciler.live.calls import AwsCalls

# CloudTrail delivers an event some minutes after the call (AWS: typically within 15 minutes).
DELIVERY_DELAY = timedelta(minutes=20)
SOURCE = "organizations.amazonaws.com"
# Account renames (PutAccountName) are the Account Management API's, logged under its own source.
SOURCES = (SOURCE, "account.amazonaws.com")
WRITES = {"AttributeKey": "ReadOnly", "AttributeValue": "false"}
PERMISSION = "cloudtrail:LookupEvents"
# Events the incremental path cannot follow by re-reading one account or policy.
STRUCTURAL = frozenset({
    "CreateOrganizationalUnit", "UpdateOrganizationalUnit", "DeleteOrganizationalUnit",
    "EnablePolicyType", "DisablePolicyType", "CreatePolicy", "DeletePolicy", "CreateAccount",
    "CreateAccountResult", "InviteAccountToOrganization", "AcceptHandshake", "CreateGovCloudAccount",
    "RemoveAccountFromOrganization", "LeaveOrganization", "CloseAccount", "CloseAccountResult",
})
# Events that change one account or policy, followed by re-reading it.
FOLLOWED = frozenset({"MoveAccount", "PutAccountName", "UpdatePolicy", "AttachPolicy", "DetachPolicy",
                      "TagResource", "UntagResource"})


@dataclass(frozen=True)
class Touched:
    accounts: frozenset[str]  # account ids
    policies: frozenset[str]  # policy ids
    structural: tuple[str, ...]  # event names that need a full scan
    skipped: tuple[str, ...] = ()  # notes: events that could not be read, the full scan's to catch


def detail(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """The event's CloudTrailEvent JSON as an object; None when it is not one."""
    try:
        found = json.loads(str(event.get("CloudTrailEvent") or ""))
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def ids_of(event: Mapping[str, Any]) -> set[str]:
    """Every id the event's request, response and service details name (accountId, policyId,
    targetId, resourceId, destinationParentId, a created thing's id, ...)."""
    record = detail(event) or {}
    parts = ("requestParameters", "responseElements", "serviceEventDetails")
    found = set(_ids([record.get(k) for k in parts]))
    if record.get("eventSource") == SOURCES[1] and not any(_is_account(i) for i in found):
        # Account Management calls without accountId act on the caller's own account.
        found |= {str(record.get("recipientAccountId") or "")} - {""}
    return found


def _ids(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, Mapping):
        for name, item in value.items():
            yield from _ids(item, str(name))
    elif isinstance(value, list):
        for item in value:
            yield from _ids(item, key)
    elif isinstance(value, str) and key.lower().endswith("id"):
        yield value


def _is_account(value: str) -> bool:
    return value.isdigit() and len(value) == 12


def touched(events: Iterable[Mapping[str, Any]]) -> Touched:
    accounts: set[str] = set()
    policies: set[str] = set()
    structural: list[str] = []
    skipped: list[str] = []
    for event in events:
        name = str(event.get("EventName", ""))
        record = detail(event)
        if record is None:
            skipped.append(f"{name or 'an event'} {event.get('EventId', '')}: "
                           "its CloudTrailEvent is not JSON")
            continue
        if record.get("errorCode") or name not in STRUCTURAL | FOLLOWED:
            continue  # a failed call changed nothing; other events are not the organization's shape
        ids = ids_of(event)
        on_ou = name.endswith("Resource") and any(i.startswith(("ou-", "r-")) for i in ids)
        if name in STRUCTURAL or on_ou:
            structural.append(name)  # OU tags too: OUs are re-read only by a full scan
            continue
        found = {i for i in ids if _is_account(i)}, {i for i in ids if i.startswith("p-")}
        if not any(found):
            skipped.append(f"{name} {event.get('EventId', '')}: names no account or policy id")
        accounts |= found[0]
        policies |= found[1]
    return Touched(frozenset(accounts), frozenset(policies), tuple(structural), tuple(skipped))


def lookup_events(client: AwsCalls, since: datetime) -> list[dict[str, Any]]:
    """Organizations and Account Management write events since `since`: one lookup of every
    write event (ReadOnly=false), about one call per 50, sorted by source here."""
    return [e for e in client.pages("LookupEvents", "Events", service="cloudtrail",
                                    LookupAttributes=[WRITES], StartTime=since, MaxResults=50)
            if _source(e) in SOURCES]


def _source(event: Mapping[str, Any]) -> str:
    return str(event.get("EventSource") or (detail(event) or {}).get("eventSource") or "")


def denied(error: AwsError) -> bool:
    """Whether CloudTrail refused the lookup for want of cloudtrail:LookupEvents."""
    return error.code in ("AccessDeniedException", "AccessDenied")


def since_full_scan(client: AwsCalls, last_run: str, last_full_scan: str) -> list[dict[str, Any]]:
    """Events since the last run, reaching back DELIVERY_DELAY for CloudTrail's late deliveries,
    but none from before the last full scan: that scan saw their effects."""
    floor = datetime.fromisoformat(last_full_scan)
    start = max(datetime.fromisoformat(last_run) - DELIVERY_DELAY, floor)
    return [e for e in lookup_events(client, start) if _after(e.get("EventTime"), floor)]


def _after(value: Any, floor: datetime) -> bool:
    return not isinstance(value, datetime) or value >= floor
