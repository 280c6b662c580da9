"""The reconcile command's CloudTrail for attribution: one lookup, and none when CloudTrail refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from orgsim.testing import OrgSim
from reconciler.adapters.aws import AwsClient
from reconciler.commands.wiring import attribution_events
from reconciler.errors import AwsError


def test_attribution_events_are_none_when_cloudtrail_refuses(aws: OrgSim, org: Any) -> None:
    org.create_organizational_unit(ParentId=org.list_roots()["Roots"][0]["Id"], Name="Team")
    since = datetime.now(UTC) - timedelta(hours=1)
    assert [e["EventName"] for e in attribution_events(AwsClient(), since)] == ["CreateOrganizationalUnit"]
    aws.inject_fault("LookupEvents", "aws_error", code="AccessDeniedException")
    assert attribution_events(AwsClient(), since) == []  # the pull request says CloudTrail has no record
    aws.inject_fault("LookupEvents", "aws_error", code="ValidationException")
    with pytest.raises(AwsError, match="ValidationException"):  # anything else is an error, not silence
        attribution_events(AwsClient(), since)
