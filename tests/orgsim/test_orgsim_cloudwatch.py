"""CloudWatch and CloudWatch Logs behind orgsim: moto's own, on orgsim's clock (orgsim/cloudwatch.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from orgsim.testing import OrgSim

T = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _alarm(sim: OrgSim) -> None:
    sim.client("cloudwatch").put_metric_alarm(
        AlarmName="canary", MetricName="m", Namespace="n", Statistic="Sum", Period=60,
        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")


def test_an_alarm_state_change_is_stamped_with_the_simulated_time(orgsim: OrgSim) -> None:
    """CloudWatch API Reference, MetricAlarm StateUpdatedTimestamp: the time of the last update
    of StateValue."""
    orgsim.set_clock(now=T.isoformat())
    _alarm(orgsim)
    orgsim.set_clock(advance_seconds=7200)
    cloudwatch = orgsim.client("cloudwatch")
    cloudwatch.set_alarm_state(AlarmName="canary", StateValue="ALARM", StateReason="test")
    alarm = cloudwatch.describe_alarms(AlarmNames=["canary"])["MetricAlarms"][0]
    assert alarm["StateValue"] == "ALARM"
    assert abs(alarm["StateUpdatedTimestamp"] - (T + timedelta(hours=2))) < timedelta(seconds=30)


def test_a_datum_without_a_timestamp_is_received_at_the_simulated_time(orgsim: OrgSim) -> None:
    """CloudWatch API Reference, MetricDatum Timestamp: omitted, the time the data was received."""
    orgsim.set_clock(now=T.isoformat())
    cloudwatch = orgsim.client("cloudwatch")
    metric = {"Namespace": "OrgReconciler", "MetricName": "PolicyDeniedCalls",
              "Dimensions": [{"Name": "AccountId", "Value": "222222222222"}]}
    cloudwatch.put_metric_data(Namespace=metric["Namespace"], MetricData=[
        {"MetricName": metric["MetricName"], "Dimensions": metric["Dimensions"], "Value": 7}])
    answer = cloudwatch.get_metric_data(
        MetricDataQueries=[{"Id": "a0", "MetricStat": {"Metric": metric, "Period": 3600, "Stat": "Sum"}}],
        StartTime=T - timedelta(minutes=5), EndTime=T + timedelta(minutes=55))
    assert answer["MetricDataResults"][0]["Values"] == [7.0]


def test_metric_filters_are_kept_and_listed(orgsim: OrgSim) -> None:
    """CloudWatch Logs API Reference, PutMetricFilter / DescribeMetricFilters (moto's own)."""
    logs = orgsim.client("logs")
    logs.create_log_group(logGroupName="org-trail")
    logs.put_metric_filter(logGroupName="org-trail", filterName="f", filterPattern='{ $.errorCode = "x" }',
                           metricTransformations=[{"metricName": "m", "metricNamespace": "n",
                                                   "metricValue": "1"}])
    found = logs.describe_metric_filters(logGroupName="org-trail", filterNamePrefix="f")["metricFilters"]
    assert [f["filterName"] for f in found] == ["f"]
