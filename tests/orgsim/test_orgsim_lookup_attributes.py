"""LookupEvents' answer fields and the lookup attributes not covered elsewhere (CloudTrail API
Reference, LookupEvents and the Event and LookupAttribute data types): EventId and Username."""

from __future__ import annotations

import json

from orgsim_support import root_id

from orgsim.testing import OrgSim

FIELDS = {"EventId", "EventName", "ReadOnly", "AccessKeyId", "EventTime", "EventSource", "Username",
          "CloudTrailEvent"}


def test_events_carry_the_event_fields_and_are_found_by_event_id_and_username(orgsim: OrgSim) -> None:
    orgsim.configure(identities={"AKIDBOB": "bob"})
    bob = orgsim.client(access_key_id="AKIDBOB")
    bob.create_organizational_unit(ParentId=root_id(bob), Name="Team")
    trail = orgsim.client("cloudtrail")
    newest = trail.lookup_events()["Events"][0]
    assert set(newest) == FIELDS  # and no Resources (see docs/orgsim.md)
    assert (newest["EventName"], newest["ReadOnly"], newest["AccessKeyId"], newest["Username"]) == (
        "CreateOrganizationalUnit", "false", "AKIDBOB", "bob")
    assert newest["EventSource"] == "organizations.amazonaws.com"
    assert json.loads(newest["CloudTrailEvent"])["eventID"] == newest["EventId"]
    by_id = trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventId",
                                                   "AttributeValue": newest["EventId"]}])["Events"]
    assert [e["EventId"] for e in by_id] == [newest["EventId"]]
    by_user = trail.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "bob"}])
    assert [e["EventName"] for e in by_user["Events"]] == ["CreateOrganizationalUnit", "ListRoots"]
    nobody = trail.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "carol"}])
    assert nobody["Events"] == []
