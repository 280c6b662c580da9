"""A rollout's rollback checks, read from CloudWatch (docs/rollout.md): the state of named alarms
(DescribeAlarms, up to 100 names a call) and the SCP denials in the rollout's accounts, a metric
that `reconciler rollout setup` makes from the organization trail's log group (GetMetricData, up
to 500 queries a call, one query an account).

SCP denials happen in member accounts, so the management account's event history does not have
them; an organization trail delivered to CloudWatch Logs does, and a metric filter on it turns each
denial that names a service control policy (or resource control policy) into a count per account.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reconciler.live.calls import AwsCalls

NAMESPACE = "OrgReconciler"
METRIC = "PolicyDeniedCalls"
DIMENSION = "AccountId"
FILTER_NAME = "org-reconciler-policy-denials"
# CloudTrail's errorMessage for an explicit deny names the policy type: "... with an explicit deny
# in a service control policy" (IAM User Guide, "Access denied error message examples").
FILTER_PATTERN = ('{ ($.errorCode = "*AccessDenied*" || $.errorCode = "*UnauthorizedOperation") && '
                  '(($.errorMessage = "*service control policy*") || '
                  '($.errorMessage = "*resource control policy*")) }')
METRIC_TRANSFORMATION = {"metricName": METRIC, "metricNamespace": NAMESPACE, "metricValue": "1",
                         "dimensions": {DIMENSION: "$.recipientAccountId"}}
ALARMS_PER_CALL = 100
QUERIES_PER_CALL = 500


@dataclass(frozen=True)
class Alarm:
    name: str
    state: str  # OK | ALARM | INSUFFICIENT_DATA | MISSING (no such alarm)
    since: str | None = None  # StateUpdatedTimestamp, ISO 8601
    reason: str | None = None


@dataclass
class CheckResult:
    alarms: list[Alarm] = field(default_factory=list)
    denied: int | None = None  # None: no max_denied_calls to check
    denied_by_account: dict[str, int] = field(default_factory=dict)

    @property
    def firing(self) -> list[Alarm]:
        return [a for a in self.alarms if a.state == "ALARM"]

    def values(self) -> dict[str, Any]:
        """The last values, as `rollout status` shows them."""
        return {"alarms": {a.name: a.state for a in self.alarms}, "denied_calls": self.denied}


def alarm_states(client: AwsCalls, names: Sequence[str]) -> list[Alarm]:
    """Each named alarm's state; an alarm CloudWatch does not know is MISSING (never a pass)."""
    found: dict[str, Alarm] = {}
    for start in range(0, len(names), ALARMS_PER_CALL):
        batch = list(names[start:start + ALARMS_PER_CALL])
        response = client.call("DescribeAlarms", "cloudwatch", AlarmNames=batch,
                               AlarmTypes=["MetricAlarm", "CompositeAlarm"], MaxRecords=100)
        for alarm in [*response.get("MetricAlarms", []), *response.get("CompositeAlarms", [])]:
            when = alarm.get("StateUpdatedTimestamp")
            found[alarm["AlarmName"]] = Alarm(alarm["AlarmName"], alarm["StateValue"],
                                              when.isoformat() if isinstance(when, datetime) else None,
                                              alarm.get("StateReason"))
    return [found.get(name, Alarm(name, "MISSING")) for name in names]


def denials(client: AwsCalls, account_ids: Iterable[str], start: datetime, end: datetime) -> dict[str, int]:
    """Policy denials per account between `start` and `end` (one period spanning the window)."""
    ids = sorted(set(account_ids))
    period = max(60, math.ceil((end - start).total_seconds() / 60) * 60)
    counts: dict[str, int] = {}
    for begin in range(0, len(ids), QUERIES_PER_CALL):
        batch = ids[begin:begin + QUERIES_PER_CALL]
        queries = [_query(i, account_id, period) for i, account_id in enumerate(batch)]
        token: str | None = None
        while True:
            extra = {"NextToken": token} if token else {}
            response = client.call("GetMetricData", "cloudwatch", MetricDataQueries=queries,
                                   StartTime=start, EndTime=end, **extra)
            for result in response.get("MetricDataResults", []):
                account_id = batch[int(result["Id"][1:])]
                counts[account_id] = counts.get(account_id, 0) + int(sum(result.get("Values", [])))
            token = response.get("NextToken")
            if not token:
                break
    return {a: n for a, n in counts.items() if n}


def _query(index: int, account_id: str, period: int) -> dict[str, Any]:
    metric = {"Namespace": NAMESPACE, "MetricName": METRIC,
              "Dimensions": [{"Name": DIMENSION, "Value": account_id}]}
    return {"Id": f"a{index}", "MetricStat": {"Metric": metric, "Period": period, "Stat": "Sum"},
            "ReturnData": True}


def organization_trail_log_group(client: AwsCalls) -> tuple[str | None, str | None]:
    """(trail name, log group name) of an organization trail delivered to CloudWatch Logs."""
    trails = client.call("DescribeTrails", "cloudtrail", includeShadowTrails=True).get("trailList", [])
    for trail in trails:
        arn = trail.get("CloudWatchLogsLogGroupArn")
        if trail.get("IsOrganizationTrail") and arn:
            # arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*
            return trail["Name"], arn.split(":log-group:", 1)[1].removesuffix(":*")
    return (trails[0]["Name"] if trails else None), None


def metric_filter(client: AwsCalls, log_group: str) -> dict[str, Any] | None:
    filters = client.call("DescribeMetricFilters", "logs", logGroupName=log_group,
                          filterNamePrefix=FILTER_NAME).get("metricFilters", [])
    return next((f for f in filters if f["filterName"] == FILTER_NAME), None)


def put_metric_filter(client: AwsCalls, log_group: str) -> None:
    client.call("PutMetricFilter", "logs", logGroupName=log_group, filterName=FILTER_NAME,
                filterPattern=FILTER_PATTERN, metricTransformations=[METRIC_TRANSFORMATION])


def read_checks(client: AwsCalls, alarms: Sequence[str], max_denied: int | None, account_ids: Sequence[str],
                window: tuple[datetime, datetime]) -> CheckResult:
    """A rollout's checks now: its alarms' states, and (with max_denied_calls) the denials in its
    accounts over `window`, the current step's bake so far."""
    result = CheckResult()
    if alarms:
        result.alarms = alarm_states(client, alarms)
    if max_denied is not None:
        by_account = denials(client, account_ids, *window) if account_ids else {}
        result.denied, result.denied_by_account = sum(by_account.values()), by_account
    return result
