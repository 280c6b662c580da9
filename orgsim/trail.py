"""CloudTrail's record of Organizations write calls, served through LookupEvents.

moto's CloudTrail has no LookupEvents; orgsim keeps its own event history of every Organizations
call that is not a read (Describe*/List*), successful or not, plus the CreateAccountResult and
CloseAccountResult service events AWS publishes when the asynchronous work finishes.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from orgsim.errors import AwsError

SOURCE = "organizations.amazonaws.com"
_ID_KEYS = {
    "AccountId": "AWS::Organizations::Account",
    "TargetId": "AWS::Organizations::Target",
    "PolicyId": "AWS::Organizations::Policy",
    "OrganizationalUnitId": "AWS::Organizations::OrganizationalUnit",
    "ParentId": "AWS::Organizations::Parent",
    "DestinationParentId": "AWS::Organizations::Parent",
    "SourceParentId": "AWS::Organizations::Parent",
    "RootId": "AWS::Organizations::Root",
    "ResourceId": "AWS::Organizations::Resource",
    "CreateAccountRequestId": "AWS::Organizations::CreateAccountRequest",
}
READ_PREFIXES = ("Describe", "List", "Get")


@dataclass
class Event:
    event_id: str
    name: str
    time: float
    username: str
    access_key: str
    resources: list[dict[str, str]]
    detail: dict[str, Any]
    source: str = SOURCE

    def summary(self) -> dict[str, Any]:
        return {"EventId": self.event_id, "EventName": self.name, "ReadOnly": "false",
                "AccessKeyId": self.access_key, "EventTime": self.time, "EventSource": self.source,
                "Username": self.username, "Resources": self.resources,
                "CloudTrailEvent": json.dumps(self.detail)}


def _resources(params: dict[str, Any], result: dict[str, Any]) -> list[dict[str, str]]:
    found = [{"ResourceType": kind, "ResourceName": str(params[key])}
             for key, kind in _ID_KEYS.items() if isinstance(params.get(key), str)]
    policy = (result.get("Policy") or {}).get("PolicySummary") or {}
    request = result.get("CreateAccountStatus") or {}
    created = [("AWS::Organizations::CreateAccountRequest", request.get("Id")),
               ("AWS::Organizations::OrganizationalUnit", (result.get("OrganizationalUnit") or {}).get("Id")),
               ("AWS::Organizations::Policy", policy.get("Id"))]
    found += [{"ResourceType": kind, "ResourceName": rid} for kind, rid in created if rid]
    for key in ("accountId", "createAccountStatus"):
        value = result.get(key)
        if isinstance(value, str):
            found.append({"ResourceType": "AWS::Organizations::Account", "ResourceName": value})
        elif isinstance(value, dict) and value.get("AccountId"):
            found.append({"ResourceType": "AWS::Organizations::Account", "ResourceName": value["AccountId"]})
    return found


class Trail:
    def __init__(self, management_account_id: str) -> None:
        self._lock = threading.Lock()
        self._events: list[Event] = []
        self.account_id = management_account_id

    def reset(self) -> None:
        with self._lock:
            self._events.clear()

    def record(self, name: str, params: dict[str, Any], result: dict[str, Any],
               identity: tuple[str, str], error: AwsError | None = None, source: str = SOURCE) -> None:
        if name.startswith(READ_PREFIXES):
            return
        username, access_key = identity
        now = time.time()
        detail: dict[str, Any] = {
            "eventVersion": "1.08", "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
            "eventSource": source, "eventName": name, "awsRegion": "us-east-1",
            "userIdentity": {"type": "IAMUser", "userName": username, "accessKeyId": access_key,
                             "accountId": self.account_id,
                             "arn": f"arn:aws:iam::{self.account_id}:user/{username}"},
            "requestParameters": params or None, "responseElements": result or None,
            "eventType": "AwsApiCall", "recipientAccountId": self.account_id,
        }
        if error is not None:
            detail.update(errorCode=error.code, errorMessage=error.message)
        event = Event(str(uuid.uuid4()), name, now, username, access_key, _resources(params, result), detail,
                      source)
        with self._lock:
            self._events.append(event)

    def service_event(self, name: str, details: dict[str, Any]) -> None:
        self.record(name, {}, details, ("AWS Organizations", ""))
        with self._lock:
            last = self._events[-1]
            last.detail.update(eventType="AwsServiceEvent", serviceEventDetails=details,
                               userIdentity={"accountId": self.account_id, "invokedBy": SOURCE})

    def lookup(self, params: dict[str, Any]) -> dict[str, Any]:
        start = float(params.get("StartTime", 0))
        end = float(params.get("EndTime", time.time() + 1))
        attributes = params.get("LookupAttributes") or []
        with self._lock:
            events = [e for e in self._events if start <= e.time <= end and _matches(e, attributes)]
        events.sort(key=lambda e: e.time, reverse=True)
        offset = int(params.get("NextToken") or 0)
        size = min(int(params.get("MaxResults") or 50), 50)
        out: dict[str, Any] = {"Events": [e.summary() for e in events[offset:offset + size]]}
        if offset + size < len(events):
            out["NextToken"] = str(offset + size)
        return out


def _matches(event: Event, attributes: list[dict[str, str]]) -> bool:
    for attribute in attributes:
        key, value = attribute.get("AttributeKey"), attribute.get("AttributeValue")
        if key == "EventName" and event.name != value:
            return False
        if key == "EventSource" and value != event.source:
            return False
        if key == "Username" and event.username != value:
            return False
        if key == "AccessKeyId" and event.access_key != value:
            return False
        if key == "ResourceName" and not any(r["ResourceName"] == value for r in event.resources):
            return False
        if key == "ResourceType" and not any(r["ResourceType"] == value for r in event.resources):
            return False
        if key == "EventId" and event.event_id != value:
            return False
    return True
