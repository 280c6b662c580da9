"""CloudTrail LookupEvents over Organizations calls as AWS records them, and Cost Explorer from the
seeded spend table."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from orgsim_support import create_account, root_id, scp, wait_created

from orgsim.testing import ACCESS_KEY_ID, SECRET_ACCESS_KEY, OrgSim, OrgSimError

FIXTURES = Path(__file__).parent / "fixtures" / "cloudtrail"
BY_KEY = {"AKIDROLE": {"type": "AssumedRole", "role": "admin", "session": "alice"},
          "AKIDROOT": {"type": "Root"}, "AKIDBOB": "bob",
          "AKIDSERVICE": {"type": "AWSService", "service": "cloudformation.amazonaws.com"}}


def _fixture(name: str) -> dict[str, Any]:
    body = json.loads((FIXTURES / name).read_text())
    assert body["source"]["url"].startswith("https://docs.aws.amazon.com/")  # names its page
    return dict(body["record"])


def _misfits(theirs: Any, ours: Any, path: str = "") -> list[str]:
    """Where `ours` lacks the structure of AWS's example `theirs`: a missing key, or a value of
    another kind (object, list, text, boolean, null)."""
    if isinstance(theirs, dict):
        if not isinstance(ours, dict):
            return [f"{path}: not an object"]
        return [m for key, value in theirs.items() for m in (
            _misfits(value, ours[key], f"{path}.{key}") if key in ours else [f"{path}.{key}: missing"])]
    kinds = (dict, list, str, bool, type(None))
    kind = next(k for k in kinds if isinstance(theirs, k))
    return [] if isinstance(ours, kind) else [f"{path}: {type(ours).__name__}, AWS has {kind.__name__}"]


def _event(orgsim: OrgSim, name: str, index: int = 0) -> dict[str, Any]:
    trail = orgsim.client("cloudtrail")
    events = trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": name}])
    return dict(json.loads(events["Events"][index]["CloudTrailEvent"]))


def test_records_have_the_structure_of_the_user_guides_examples(orgsim: OrgSim) -> None:
    """Organizations User Guide, "Logging API calls with AWS CloudTrail for AWS Organizations",
    example log entries: every key of AWS's example is in orgsim's record, with a value of the
    same kind (fixtures in tests/orgsim/fixtures/cloudtrail name their source)."""
    orgsim.configure(identities=BY_KEY, close_account_seconds=0.0)
    role: Any = orgsim.client(access_key_id="AKIDROLE")
    bob: Any = orgsim.client(access_key_id="AKIDBOB")
    rid = root_id(bob)
    ou = bob.create_organizational_unit(ParentId=rid, Name="Team")["OrganizationalUnit"]["Id"]
    policy = bob.create_policy(Name="p", Description="d", Type="SERVICE_CONTROL_POLICY",
                               Content=scp())["Policy"]["PolicySummary"]["Id"]
    with pytest.raises(ClientError, match="PolicyTypeNotEnabledException"):
        bob.attach_policy(PolicyId=policy, TargetId=ou)
    request = role.create_account(AccountName="traced", Email="traced@example.com", Tags=[])
    account = wait_created(role, request["CreateAccountStatus"]["Id"])["AccountId"]
    role.close_account(AccountId=account)
    role.list_roots()  # closures settle at the next call
    for fixture, name in [("create-organizational-unit.json", "CreateOrganizationalUnit"),
                          ("attach-policy-failed.json", "AttachPolicy"),
                          ("create-account.json", "CreateAccount"),
                          ("create-account-result.json", "CreateAccountResult"),
                          ("close-account.json", "CloseAccount"),
                          ("close-account-result.json", "CloseAccountResult")]:
        ours, theirs = _event(orgsim, name), _fixture(fixture)
        assert _misfits(theirs, ours) == [], fixture
        assert set(ours) - set(theirs) <= {"readOnly", "managementEvent", "eventCategory"}, fixture
    create = _event(orgsim, "CreateAccount")
    assert create["requestParameters"] == {"accountName": "****", "email": "****", "tags": []}
    assert create["responseElements"]["createAccountStatus"]["state"] == "IN_PROGRESS"
    result = _event(orgsim, "CreateAccountResult")["serviceEventDetails"]["createAccountStatus"]
    assert result["accountId"] == account
    assert _event(orgsim, "CloseAccount")["requestParameters"] == {"accountId": account}
    assert _event(orgsim, "AttachPolicy")["requestParameters"] == {"policyId": policy, "targetId": ou}


def test_user_identity_is_who_config_identities_says(orgsim: OrgSim) -> None:
    """CloudTrail User Guide, "CloudTrail userIdentity element": IAMUser, AssumedRole (with its
    sessionContext), Root and AWSService, each with the keys of AWS's example; LookupEvents'
    Username is the user, the role session, root, or blank for a service."""
    orgsim.configure(identities=BY_KEY)
    expected = {"AKIDBOB": ("user-identity-iam-user.json", "bob"),
                "AKIDROLE": ("user-identity-assumed-role.json", "alice"),
                "AKIDROOT": ("user-identity-root.json", "root"),
                "AKIDSERVICE": ("user-identity-aws-service.json", None)}
    trail = orgsim.client("cloudtrail")
    for key, (fixture, username) in expected.items():
        orgsim.client(access_key_id=key).list_roots()
        found = trail.lookup_events(LookupAttributes=[{"AttributeKey": "AccessKeyId", "AttributeValue": key}])
        [event] = found["Events"] if key != "AKIDSERVICE" else _by_name(trail, "ListRoots")[:1]
        user = json.loads(event["CloudTrailEvent"])["userIdentity"]
        aws = _fixture(fixture)["userIdentity"]
        assert _misfits(aws, user) == [] and set(user) == set(aws), key
        assert event.get("Username") == username, key
    [role] = [json.loads(e["CloudTrailEvent"])["userIdentity"] for e in _by_name(trail, "ListRoots")
              if e.get("Username") == "alice"]
    assert role["arn"] == "arn:aws:sts::111111111111:assumed-role/admin/alice"
    assert role["sessionContext"]["sessionIssuer"]["arn"] == "arn:aws:iam::111111111111:role/admin"
    with pytest.raises(OrgSimError, match="AssumedRole"):
        orgsim.configure(identities={"AKIDX": {"type": "AssumedRole", "role": "admin"}})


def _by_name(trail: Any, name: str) -> list[dict[str, Any]]:
    found = trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": name}])
    return list(found["Events"])


def test_read_only_events_are_kept_and_filtered_by_read_only(orgsim: OrgSim) -> None:
    """CloudTrail event history keeps read-only management events; LookupEvents' ReadOnly
    attribute selects them (CloudTrail API Reference, LookupEvents, LookupAttribute)."""
    org = orgsim.client()
    rid = root_id(org)
    org.create_organizational_unit(ParentId=rid, Name="Team")
    trail = orgsim.client("cloudtrail")
    reads = trail.lookup_events(LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "true"}])
    writes = trail.lookup_events(LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "false"}])
    assert [e["EventName"] for e in reads["Events"]] == ["ListRoots"]
    assert [e["EventName"] for e in writes["Events"]] == ["CreateOrganizationalUnit"]
    read = json.loads(reads["Events"][0]["CloudTrailEvent"])
    assert read["readOnly"] is True and read["responseElements"] is None
    # AWS documents no Resources for Organizations events
    assert all("Resources" not in e for e in trail.lookup_events()["Events"])
    by_ou = trail.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceType",
                                                   "AttributeValue": "AWS::Organizations::Account"}])
    assert by_ou["Events"] == []


def test_lookup_events_takes_one_attribute(orgsim: OrgSim) -> None:
    """CloudTrail API Reference, LookupEvents: "Currently the list can contain only one item";
    more -> InvalidLookupAttributesException."""
    trail = orgsim.client("cloudtrail")
    two = [{"AttributeKey": "ReadOnly", "AttributeValue": "false"},
           {"AttributeKey": "EventSource", "AttributeValue": "organizations.amazonaws.com"}]
    with pytest.raises(trail.exceptions.InvalidLookupAttributesException):
        trail.lookup_events(LookupAttributes=two)


def test_lookup_events_refuses_what_cloudtrail_refuses(orgsim: OrgSim) -> None:
    """CloudTrail API Reference LookupEvents errors: a start after the end ->
    InvalidTimeRangeException, a token it did not give -> InvalidNextTokenException, an unknown
    attribute key -> InvalidLookupAttributesException (sent raw: botocore checks the enum first)."""
    trail = orgsim.client("cloudtrail")
    now = datetime.now(UTC)
    with pytest.raises(trail.exceptions.InvalidTimeRangeException):
        trail.lookup_events(StartTime=now, EndTime=now - timedelta(hours=1))
    with pytest.raises(trail.exceptions.InvalidNextTokenException):
        trail.lookup_events(NextToken="not-a-token")
    for body, code in [({"LookupAttributes": [{"AttributeKey": "Colour", "AttributeValue": "x"}]},
                        "InvalidLookupAttributesException"),
                       ({"MaxResults": 51}, "InvalidMaxResultsException")]:
        request = urllib.request.Request(orgsim.url, data=json.dumps(body).encode(), headers={
            "X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
            "Content-Type": "application/x-amz-json-1.1",
            "Authorization": f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY_ID}/20260101/us-east-1/"
                             "cloudtrail/aws4_request"})
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=30)
        assert json.loads(caught.value.read())["__type"] == code


def test_organizations_events_are_only_in_us_east_1(orgsim: OrgSim) -> None:
    """Organizations User Guide, "Logging API calls with AWS CloudTrail for AWS Organizations":
    its events are seen only in US East (N. Virginia); LookupEvents signed for another Region
    finds none."""
    org = orgsim.client()
    org.create_organizational_unit(ParentId=root_id(org), Name="Team")
    session = boto3.session.Session(aws_access_key_id=ACCESS_KEY_ID,
                                    aws_secret_access_key=SECRET_ACCESS_KEY, region_name="eu-west-1")
    elsewhere = session.client("cloudtrail", endpoint_url=orgsim.url)
    assert elsewhere.lookup_events()["Events"] == []
    assert len(orgsim.client("cloudtrail").lookup_events()["Events"]) == 2


def test_lookup_events_filters_and_paginates(orgsim: OrgSim) -> None:
    org = orgsim.client()
    rid = root_id(org)
    before = datetime.now(UTC) - timedelta(seconds=1)
    org.enable_policy_type(RootId=rid, PolicyType="SERVICE_CONTROL_POLICY")
    for n in range(4):
        org.create_policy(Name=f"p{n}", Description="d", Type="SERVICE_CONTROL_POLICY", Content=scp())
    trail = orgsim.client("cloudtrail")
    by_name = trail.lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreatePolicy"}])
    assert len(by_name["Events"]) == 4
    pages = list(trail.get_paginator("lookup_events").paginate(
        LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "organizations.amazonaws.com"}],
        PaginationConfig={"PageSize": 2}))
    assert len(pages) == 3 and sum(len(p["Events"]) for p in pages) == 6  # ListRoots is an event too
    future = datetime.now(UTC) + timedelta(hours=1)
    assert trail.lookup_events(StartTime=future)["Events"] == []
    assert len(trail.lookup_events(StartTime=before, EndTime=future)["Events"]) == 6
    assert trail.lookup_events(EndTime=before)["Events"] == []


def test_failed_calls_and_async_results_are_recorded(orgsim: OrgSim) -> None:
    """CloudTrail records failed calls with errorCode, and the CreateAccountResult service event."""
    org = orgsim.client()
    account = create_account(org, "traced")
    try:
        org.close_account(AccountId="111111111111")
    except org.exceptions.ConstraintViolationException:
        pass
    trail = orgsim.client("cloudtrail")
    names = [e["EventName"] for e in trail.lookup_events()["Events"]]
    assert names[:1] == ["CloseAccount"]
    failed = json.loads(trail.lookup_events()["Events"][0]["CloudTrailEvent"])
    assert failed["errorCode"] == "ConstraintViolationException" and failed["responseElements"] is None
    [result] = _by_name(trail, "CreateAccountResult")
    detail = json.loads(result["CloudTrailEvent"])
    assert detail["eventType"] == "AwsServiceEvent" and "Username" not in result
    assert detail["serviceEventDetails"]["createAccountStatus"]["accountId"] == account


def test_cost_and_usage_grouped_by_linked_account(orgsim: OrgSim) -> None:
    """Cost Explorer GetCostAndUsage with GroupBy DIMENSION LINKED_ACCOUNT over a seeded table."""
    orgsim.seed_spend([
        {"account_id": "222222222222", "date": "2026-01-05", "amount": 10.5},
        {"account_id": "222222222222", "date": "2026-01-20", "amount": 4.5},
        {"account_id": "333333333333", "date": "2026-02-02", "amount": 7},
    ])
    ce = orgsim.client("ce")
    result = ce.get_cost_and_usage(
        TimePeriod={"Start": "2026-01-01", "End": "2026-03-01"}, Granularity="MONTHLY",
        Metrics=["UnblendedCost"], GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}])
    january, february = result["ResultsByTime"]
    assert january["TimePeriod"] == {"Start": "2026-01-01", "End": "2026-02-01"}
    assert [(g["Keys"], g["Metrics"]["UnblendedCost"]["Amount"]) for g in january["Groups"]] == [
        (["222222222222"], "15")]
    assert february["Groups"][0]["Keys"] == ["333333333333"]
    total = ce.get_cost_and_usage(TimePeriod={"Start": "2026-01-01", "End": "2026-01-06"},
                                  Granularity="DAILY", Metrics=["UnblendedCost"])
    assert len(total["ResultsByTime"]) == 5
    assert total["ResultsByTime"][4]["Total"]["UnblendedCost"]["Amount"] == "10.5"


def test_lookup_events_is_throttled_at_its_published_rate(orgsim: OrgSim) -> None:
    """CloudTrail API Reference LookupEvents: "The rate of lookup requests is limited to two per
    second, per account, per Region"; a third at once is throttled."""
    orgsim.configure(throttle=True)
    trail = orgsim.client("cloudtrail", retries={"total_max_attempts": 1, "mode": "standard"})
    answers = []
    for _ in range(3):
        try:
            answers.append(bool(trail.lookup_events(MaxResults=1)))
        except ClientError as error:
            answers.append(error.response["Error"]["Code"])
    assert answers[:2] == [True, True] and answers[2] == "TooManyRequestsException"
