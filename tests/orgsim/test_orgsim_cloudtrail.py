"""CloudTrail LookupEvents over Organizations calls, and Cost Explorer from the seeded spend table."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from orgsim_support import create_account, root_id, scp

from orgsim.testing import OrgSim


def test_lookup_events_records_writes_with_actor_and_resources(orgsim: OrgSim) -> None:
    """CloudTrail LookupEvents: EventName, EventSource organizations.amazonaws.com, Username,
    Resources and the CloudTrailEvent JSON with requestParameters."""
    mine = orgsim.client()
    other = orgsim.client(access_key_id="AKIDBOBOUTOFBAND")
    orgsim.configure(identities={"AKIDBOBOUTOFBAND": "bob"})
    rid = root_id(mine)
    ou = mine.create_organizational_unit(ParentId=rid, Name="Team")["OrganizationalUnit"]["Id"]
    other.update_organizational_unit(OrganizationalUnitId=ou, Name="Renamed")
    trail = orgsim.client("cloudtrail")
    by_ou = [{"AttributeKey": "ResourceName", "AttributeValue": ou}]
    events = trail.lookup_events(LookupAttributes=by_ou)["Events"]
    assert [e["EventName"] for e in events] == ["UpdateOrganizationalUnit", "CreateOrganizationalUnit"]
    assert events[0]["Username"] == "bob"
    assert events[1]["Username"] == "orgsim-admin"
    assert events[0]["EventSource"] == "organizations.amazonaws.com"
    detail = json.loads(events[0]["CloudTrailEvent"])
    assert detail["requestParameters"] == {"OrganizationalUnitId": ou, "Name": "Renamed"}
    assert detail["userIdentity"]["accessKeyId"] == "AKIDBOBOUTOFBAND"
    assert not any(e["EventName"] == "ListRoots" for e in trail.lookup_events()["Events"])


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
    assert len(pages) == 3 and sum(len(p["Events"]) for p in pages) == 5
    future = datetime.now(UTC) + timedelta(hours=1)
    assert trail.lookup_events(StartTime=future)["Events"] == []
    assert len(trail.lookup_events(StartTime=before, EndTime=future)["Events"]) == 5
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
    assert "CreateAccountResult" in names
    results = trail.lookup_events(
        LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": account}])
    assert "CreateAccountResult" in [e["EventName"] for e in results["Events"]]


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
