"""orgsim's one clock (orgsim.clock): moved by the control API, read by every timed behaviour."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orgsim.testing import OrgSim, OrgSimError
from tests.orgsim.orgsim_support import create_account


def test_advancing_the_clock_completes_a_closure_without_waiting(orgsim: OrgSim) -> None:
    """A close due in 90 days' worth of seconds is SUSPENDED once the clock is moved past it."""
    org = orgsim.client()
    account_id = create_account(org, "later")
    orgsim.configure(close_account_seconds=3600)
    org.close_account(AccountId=account_id)
    assert org.describe_account(AccountId=account_id)["Account"]["State"] == "PENDING_CLOSURE"
    orgsim.set_clock(advance_seconds=3601)
    assert org.describe_account(AccountId=account_id)["Account"]["State"] == "SUSPENDED"


def test_cloudtrail_event_times_follow_the_clock(orgsim: OrgSim) -> None:
    orgsim.set_clock(now="2027-03-01T12:00:00Z")
    org = orgsim.client()
    org.create_organizational_unit(ParentId=org.list_roots()["Roots"][0]["Id"], Name="Timed")
    trail = orgsim.client("cloudtrail")
    events = trail.lookup_events(StartTime=datetime(2027, 3, 1, 11, 59, tzinfo=UTC),
                                 EndTime=datetime(2027, 3, 1, 12, 5, tzinfo=UTC))["Events"]
    assert "CreateOrganizationalUnit" in [event["EventName"] for event in events]


def test_reset_puts_the_clock_back(orgsim: OrgSim) -> None:
    orgsim.set_clock(now="2030-01-01T00:00:00Z")
    orgsim.reset(state=True)
    assert orgsim.set_clock().startswith(str(datetime.now(UTC).year))


@pytest.mark.parametrize("body", [{"now": "tomorrow"}, {"now": "2026-12-01T10:00:00"},
                                  {"advance_seconds": -5}])
def test_bad_clock_requests_are_refused(orgsim: OrgSim, body: dict[str, object]) -> None:
    with pytest.raises(OrgSimError, match=r"clock|time zone|forward"):
        orgsim._control("POST", "clock", body)


def test_an_event_is_answered_only_after_the_delivery_delay(orgsim: OrgSim) -> None:
    """CloudTrail "typically delivers logs within an average of about 5 minutes of an API call"."""
    orgsim.configure(cloudtrail_delivery_seconds=300)
    org = orgsim.client()
    org.create_organizational_unit(ParentId=org.list_roots()["Roots"][0]["Id"], Name="Late")
    trail = orgsim.client("cloudtrail")

    def names() -> list[str]:
        writes = [{"AttributeKey": "ReadOnly", "AttributeValue": "false"}]
        found = trail.lookup_events(LookupAttributes=writes)
        return [event["EventName"] for event in found["Events"]]

    assert "CreateOrganizationalUnit" not in names()
    # orgsim's clock also runs in real time: 290 s leaves room for a slow machine between calls
    orgsim.set_clock(advance_seconds=290)
    assert "CreateOrganizationalUnit" not in names()
    orgsim.set_clock(advance_seconds=20)
    assert "CreateOrganizationalUnit" in names()
