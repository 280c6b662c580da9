"""CloudTrail events read as AWS writes them: ids from CloudTrailEvent's requestParameters,
responseElements and serviceEventDetails (AWS's example records, tests/orgsim/fixtures/cloudtrail),
never from Resources; one ReadOnly=false lookup; bad events skipped with a note."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from orgsim.testing import OrgSim
from reconciler.adapters.aws import AwsClient, organizations_region
from reconciler.errors import AwsError
from reconciler.live.cloudtrail import denied, ids_of, lookup_events, touched

FIXTURES = Path(__file__).parents[1] / "orgsim" / "fixtures" / "cloudtrail"
ACCOUNT, OTHER, POLICY, OU = "123456789012", "210987654321", "p-abcd1234", "ou-ab12-cd34ef56"


def _example(name: str) -> dict[str, Any]:
    """A LookupEvents event around one of AWS's example records, without Resources."""
    return _summary(json.loads((FIXTURES / name).read_text())["record"])


def _summary(record: dict[str, Any]) -> dict[str, Any]:
    return {"EventId": record.get("eventID", "e-1"), "EventName": record["eventName"],
            "EventSource": record["eventSource"], "CloudTrailEvent": json.dumps(record)}


def _call(name: str, request: dict[str, Any] | None, response: dict[str, Any] | None = None,
          source: str = "organizations.amazonaws.com") -> dict[str, Any]:
    return _summary({"eventName": name, "eventSource": source, "requestParameters": request,
                     "responseElements": response, "eventType": "AwsApiCall",
                     "recipientAccountId": "111111111111", "userIdentity": {"type": "IAMUser"}})


def test_ids_come_from_the_records_aws_documents() -> None:
    example_ou = "ou-examplerootid111-exampleouid111"
    assert ids_of(_example("create-organizational-unit.json")) == {"r-a1b2", example_ou}
    assert "444455556666" in ids_of(_example("create-account-result.json"))
    assert ids_of(_example("close-account.json")) == {"555555555555"}
    assert ids_of(_example("close-account-result.json")) == {"555555555555"}
    assert ids_of(_example("attach-policy-failed.json")) == {"p-examplepolicyid111", example_ou}


def test_touched_follows_accounts_and_policies_and_sends_structure_to_a_full_scan() -> None:
    events = [
        _call("MoveAccount", {"accountId": ACCOUNT, "sourceParentId": "r-ab12", "destinationParentId": OU}),
        _call("UpdatePolicy", {"policyId": POLICY, "content": "{}"},
              {"policy": {"policySummary": {"id": POLICY}}}),
        _call("TagResource", {"resourceId": OTHER, "tags": [{"key": "team", "value": "x"}]}),
        _call("PutAccountName", {"accountName": "x"}, source="account.amazonaws.com"),  # its own account
        _example("attach-policy-failed.json"),  # failed: changed nothing
        _call("EnableAWSServiceAccess", {"servicePrincipal": "x.amazonaws.com"}),  # not the org's shape
    ]
    found = touched(events)
    assert found.accounts == {ACCOUNT, OTHER, "111111111111"} and found.policies == {POLICY}
    assert found.structural == () and found.skipped == ()
    assert touched([_call("TagResource", {"resourceId": OU})]).structural == ("TagResource",)
    assert touched([_example("create-account-result.json")]).structural == ("CreateAccountResult",)
    assert touched([_example("create-organizational-unit.json")]).structural == ("CreateOrganizationalUnit",)


def test_events_that_cannot_be_read_are_skipped_with_a_note() -> None:
    not_json = {"EventId": "e-9", "EventName": "MoveAccount", "CloudTrailEvent": "{not json"}
    not_object = {"EventId": "e-8", "EventName": "MoveAccount", "CloudTrailEvent": "[1, 2]"}
    no_ids = _call("MoveAccount", {"accountId": "not-an-id"})
    found = touched([not_json, not_object, no_ids, _call("MoveAccount", {"accountId": ACCOUNT})])
    assert found.accounts == {ACCOUNT}
    assert [n.split(":")[1].strip() for n in found.skipped] == [
        "its CloudTrailEvent is not JSON", "its CloudTrailEvent is not JSON", "names no account or policy id"]
    assert found.skipped[0].startswith("MoveAccount e-9")


def test_one_read_only_false_lookup_however_busy_with_reads(aws: OrgSim, org: Any) -> None:
    """A quiet run is one LookupEvents call: reads are left out by the lookup's one attribute."""
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="Team")["OrganizationalUnit"]["Id"]
    for _ in range(60):  # more than a page of reads
        org.list_roots()
    client = AwsClient()
    events = lookup_events(client, datetime.now(UTC) - timedelta(hours=1))
    assert [e["EventName"] for e in events] == ["CreateOrganizationalUnit"]
    assert client.calls["LookupEvents"] == 1
    assert ou in ids_of(events[0])


def test_cloudtrail_is_asked_in_the_organizations_region(aws: OrgSim, org: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Organizations User Guide: its CloudTrail events are only in US East (N. Virginia), so the
    client asks there whatever AWS_REGION says (the partition's Organizations Region)."""
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    org.create_organizational_unit(ParentId=org.list_roots()["Roots"][0]["Id"], Name="Team")
    events = lookup_events(AwsClient(), datetime.now(UTC) - timedelta(hours=1))
    assert [e["EventName"] for e in events] == ["CreateOrganizationalUnit"]
    assert (organizations_region("us-gov-east-1"), organizations_region("cn-north-1")) == (
        "us-gov-west-1", "cn-northwest-1")


def test_access_denied_names_the_permission(aws: OrgSim) -> None:
    aws.inject_fault("LookupEvents", "aws_error", code="AccessDeniedException")
    with pytest.raises(AwsError) as caught:
        lookup_events(AwsClient(), datetime.now(UTC))
    assert denied(caught.value) and "cloudtrail:LookupEvents" in str(caught.value)
