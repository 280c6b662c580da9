"""CloudWatch on orgsim's clock. moto serves CloudWatch (alarms, PutMetricData, GetMetricData)
and CloudWatch Logs (metric filters) as they are; what it lacks is orgsim's clock: it stamps an
alarm's state change and a datum sent without a Timestamp with the machine's time. AWS stamps
both with the time it received the request (CloudWatch API Reference: MetricAlarm
`StateUpdatedTimestamp`, "the time stamp of the last update to the value of either the StateValue
or EvaluationState parameters"; MetricDatum `Timestamp`, "the time the metric data was received"
when omitted), which in orgsim is orgsim's clock, so a test that moves the clock sees alarms and
data at the simulated time."""

from __future__ import annotations

from datetime import UTC, datetime

from orgsim import clock


def simulated_utcnow() -> datetime:
    """moto's `utcnow` (a naive UTC datetime), read from orgsim's clock."""
    return datetime.fromtimestamp(clock.now(), UTC).replace(tzinfo=None)


def install() -> None:
    """Point moto's CloudWatch models at orgsim's clock (idempotent)."""
    from moto.cloudwatch import models

    models.utcnow = simulated_utcnow  # type: ignore[attr-defined]
