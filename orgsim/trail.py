"""CloudTrail's event history of Organizations and Account Management calls, served through
LookupEvents as AWS serves it.

moto's CloudTrail has no LookupEvents; orgsim keeps its own event history. Every call is recorded,
reads (`readOnly: true`) and writes, successful or not, plus the CreateAccountResult and
CloseAccountResult service events AWS publishes when the asynchronous work finishes. Records take
the shape of the example log entries in the Organizations User Guide ("Logging API calls with AWS
CloudTrail for AWS Organizations"): camelCase `requestParameters` and `responseElements`, the
caller's `userIdentity`, `readOnly`, `eventType`, `recipientAccountId`. No `Resources` are invented:
AWS documents none for Organizations events.

Organizations is a global service whose events CloudTrail keeps in US East (N. Virginia) only; a
LookupEvents signed for another Region finds none of them.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from orgsim import clock
from orgsim.errors import AwsError
from orgsim.identity import Caller

SOURCE = "organizations.amazonaws.com"
EVENT_REGION = "us-east-1"
READ_PREFIXES = ("Describe", "List", "Get")
# CloudTrail masks these in Organizations' records (the User Guide's CreateAccount example).
_MASKED = frozenset({"email", "accountName"})
_SERVICE_ORIGIN = {"CloseAccountResult": SOURCE, "CreateAccountResult": "AWS Internal"}
_ATTRIBUTES = ("EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName",
               "EventSource", "AccessKeyId")


@dataclass
class Event:
    time: float
    username: str | None
    access_key: str | None
    detail: dict[str, Any]

    def summary(self) -> dict[str, Any]:
        """The event as LookupEvents returns it."""
        out = {"EventId": self.detail["eventID"], "EventName": self.detail["eventName"],
               "ReadOnly": str(self.detail["readOnly"]).lower(), "EventTime": self.time,
               "EventSource": self.detail["eventSource"], "CloudTrailEvent": json.dumps(self.detail)}
        if self.access_key:
            out["AccessKeyId"] = self.access_key
        if self.username:
            out["Username"] = self.username
        return out

    def value(self, key: str) -> str | None:
        return {"EventId": self.detail["eventID"], "EventName": self.detail["eventName"],
                "ReadOnly": str(self.detail["readOnly"]).lower(), "Username": self.username,
                "EventSource": self.detail["eventSource"], "AccessKeyId": self.access_key}.get(key)


def camel(value: Any, masked: frozenset[str] = frozenset()) -> Any:
    """An API's PascalCase JSON in CloudTrail's camelCase (AccountId -> accountId), masked keys
    shown as ****, timestamps written as CloudTrail writes them ("Sep 16, 2020 9:20:50 PM")."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            name = key[:1].lower() + key[1:]
            if name in masked:
                item = "****"
            elif name.endswith("Timestamp") and isinstance(item, int | float):
                item = _timestamp(item)
            out[name] = camel(item, masked)
        return out
    if isinstance(value, list):
        return [camel(item, masked) for item in value]
    return value


class Trail:
    def __init__(self, management_account_id: str) -> None:
        self._lock = threading.Lock()
        self._events: list[Event] = []
        self._closing: dict[str, float] = {}  # account id -> when CloseAccount was called
        self.account_id = management_account_id

    def reset(self) -> None:
        with self._lock:
            self._events.clear()
            self._closing.clear()

    def record(self, name: str, params: dict[str, Any], result: dict[str, Any], caller: Caller,
               error: AwsError | None = None, source: str = SOURCE, user_agent: str = "") -> None:
        read = name.startswith(READ_PREFIXES)
        masked = _MASKED if name == "CreateAccount" else frozenset()
        detail = self._detail(name, source, caller.user_identity)
        detail.update(sourceIPAddress="192.0.2.0", userAgent=user_agent or "orgsim")
        if error is not None:
            detail.update(errorCode=error.code, errorMessage=error.message)
        detail.update(requestParameters=camel(params, masked) or None,
                      responseElements=None if read or error else camel(result, masked) or None,
                      requestID=str(uuid.uuid4()), eventID=str(uuid.uuid4()), readOnly=read,
                      eventType="AwsApiCall", managementEvent=True,
                      recipientAccountId=self.account_id, eventCategory="Management")
        if name == "CloseAccount" and error is None:
            self._closing[str(params.get("AccountId"))] = clock.now()
        self._add(Event(clock.now(), caller.username, caller.access_key, detail))

    def service_event(self, name: str, details: dict[str, Any]) -> None:
        origin = _SERVICE_ORIGIN.get(name, "AWS Internal")
        detail = self._detail(name, SOURCE, {"accountId": self.account_id, "invokedBy": origin})
        detail.update(sourceIPAddress=origin, userAgent=origin, requestParameters=None,
                      responseElements=None, eventID=str(uuid.uuid4()), readOnly=False,
                      eventType="AwsServiceEvent", managementEvent=True, recipientAccountId=self.account_id,
                      serviceEventDetails=self._service_details(name, details), eventCategory="Management")
        self._add(Event(clock.now(), None, None, detail))

    def _service_details(self, name: str, details: dict[str, Any]) -> dict[str, Any]:
        """serviceEventDetails as in the User Guide's CreateAccountResult / CloseAccountResult examples."""
        if name == "CloseAccountResult":
            account = str(details.get("accountId"))
            now = clock.now()
            return {"closeAccountStatus": {"accountId": account, "state": "SUCCEEDED",
                                           "requestedTimestamp": _timestamp(self._closing.pop(account, now)),
                                           "completedTimestamp": _timestamp(now)}}
        return dict(camel(details, _MASKED))

    def _detail(self, name: str, source: str, user_identity: dict[str, Any]) -> dict[str, Any]:
        return {"eventVersion": "1.08", "userIdentity": user_identity,
                "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock.now())),
                "eventSource": source, "eventName": name, "awsRegion": EVENT_REGION}

    def _add(self, event: Event) -> None:
        with self._lock:
            self._events.append(event)

    def lookup(self, params: dict[str, Any], region: str, delivery_seconds: float = 0.0) -> dict[str, Any]:
        """LookupEvents in `region`: Organizations' events are all in us-east-1. An event is
        answered only `delivery_seconds` after it happened (CloudTrail's delivery delay)."""
        attributes = params.get("LookupAttributes") or []
        if len(attributes) > 1:
            raise AwsError("InvalidLookupAttributesException",
                           "You can specify only one lookup attribute.")
        for attribute in attributes:
            if attribute.get("AttributeKey") not in _ATTRIBUTES:
                raise AwsError("InvalidLookupAttributesException",
                               f"Invalid attribute key: {attribute.get('AttributeKey')}")
        start, end, offset, size = _window(params)
        delivered = clock.now() - delivery_seconds
        with self._lock:
            events = [e for e in self._events if region == EVENT_REGION and start <= e.time <= end
                      and e.time <= delivered and all(_matches(e, a) for a in attributes)]
        events.sort(key=lambda e: e.time, reverse=True)
        if offset > len(events):
            raise AwsError("InvalidNextTokenException", "Invalid NextToken.")
        out: dict[str, Any] = {"Events": [e.summary() for e in events[offset:offset + size]]}
        if offset + size < len(events):
            out["NextToken"] = str(offset + size)
        return out


def _window(params: dict[str, Any]) -> tuple[float, float, int, int]:
    """StartTime, EndTime, the NextToken's offset and the page size, refused as CloudTrail does
    (its API Reference's InvalidTimeRange, InvalidNextToken and InvalidMaxResults exceptions)."""
    try:
        start = float(params.get("StartTime", 0))
        end = float(params.get("EndTime", clock.now() + 1))
    except (TypeError, ValueError):
        raise AwsError("InvalidTimeRangeException", "Invalid StartTime or EndTime.") from None
    if "StartTime" in params and "EndTime" in params and start > end:  # both given, out of order
        raise AwsError("InvalidTimeRangeException", "StartTime is after EndTime.")
    token = str(params.get("NextToken") or "0")
    if not token.isdigit():
        raise AwsError("InvalidNextTokenException", "Invalid NextToken.")
    size = params.get("MaxResults", 50)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 50:
        raise AwsError("InvalidMaxResultsException", "MaxResults must be between 1 and 50.")
    return start, end, int(token), size


def _matches(event: Event, attribute: dict[str, str]) -> bool:
    """ResourceName and ResourceType match nothing: Organizations events carry no Resources."""
    key, value = attribute.get("AttributeKey", ""), attribute.get("AttributeValue")
    return event.value(key) == value if key not in ("ResourceName", "ResourceType") else False


def _timestamp(epoch: float) -> str:
    moment = time.gmtime(epoch)
    hour = moment.tm_hour % 12 or 12
    return time.strftime(f"%b %d, %Y {hour}:%M:%S %p", moment).replace(" 0", " ", 1)


