"""`reconciler rollout setup` against orgsim (moto's CloudTrail and CloudWatch Logs behind it): the
metric filter on the organization trail's log group, created once and then found in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orgsim.testing import OrgSim
from reconciler.live.rollout_checks import FILTER_NAME, FILTER_PATTERN


@pytest.fixture
def setup(orgsim: OrgSim, cli: Callable[..., Any],
          monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str]]:
    monkeypatch.setenv("RECONCILER_AWS_PACING", "off")

    def run(*args: str) -> tuple[int, str]:
        ran = cli("rollout", "setup", *args)
        assert "Traceback" not in ran.stderr
        return ran.returncode, ran.stdout + ran.stderr
    return run


def test_without_an_organization_trail_it_says_what_it_needs(setup: Callable[..., tuple[int, str]]) -> None:
    code, out = setup()
    assert code == 1 and "no organization trail delivers to CloudWatch Logs" in out and "--log-group" in out


def test_creates_the_filter_on_the_trails_log_group_then_finds_it(
        orgsim: OrgSim, setup: Callable[..., tuple[int, str]]) -> None:
    orgsim.client("s3").create_bucket(Bucket="org-trail-bucket")
    orgsim.client("logs").create_log_group(logGroupName="org-trail")
    orgsim.client("cloudtrail").create_trail(
        Name="org", S3BucketName="org-trail-bucket", IsOrganizationTrail=True, IsMultiRegionTrail=True,
        CloudWatchLogsLogGroupArn="arn:aws:logs:us-east-1:111111111111:log-group:org-trail:*",
        CloudWatchLogsRoleArn="arn:aws:iam::111111111111:role/trail-to-logs")
    code, out = setup("--check")
    assert code == 1 and "missing" in out
    code, out = setup()
    assert code == 0 and "log group org-trail" in out and f"{FILTER_NAME} created" in out
    found = orgsim.client("logs").describe_metric_filters(logGroupName="org-trail")["metricFilters"]
    assert [(f["filterName"], f["filterPattern"]) for f in found] == [(FILTER_NAME, FILTER_PATTERN)]
    assert found[0]["metricTransformations"][0]["dimensions"] == {"AccountId": "$.recipientAccountId"}
    code, out = setup("--check")
    assert code == 0 and "is in place" in out
