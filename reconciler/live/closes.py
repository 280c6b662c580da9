"""The CloseAccount calls of the last 30 days, as CloudTrail keeps them: what AWS's rolling 30-day
close quota counts (Organizations API Reference, CloseAccount). One LookupEvents query by event name
(about one call per 50 closes); calls AWS refused (an `errorCode` in the record) did not close
anything and are left out."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from reconciler.live.calls import AwsCalls
from reconciler.live.cloudtrail import detail

WINDOW = timedelta(days=30)


def recent_closes(client: AwsCalls, now: datetime) -> dict[str, datetime]:
    """{account id: when CloseAccount was called} for the successful calls of the last 30 days."""
    params: dict[str, Any] = {
        "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "CloseAccount"}],
        "StartTime": now - WINDOW, "EndTime": now, "MaxResults": 50}
    found: dict[str, datetime] = {}
    for event in client.pages("LookupEvents", "Events", service="cloudtrail", **params):
        record = detail(event) or {}
        account = (record.get("requestParameters") or {}).get("accountId")
        when = event.get("EventTime")
        if record.get("errorCode") or not account or not isinstance(when, datetime):
            continue
        found[str(account)] = when
    return found
