"""Closing past SUSPENDED: permanently CLOSED 90 days later, and a close quota set per organization."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from orgsim_support import create_account, error_of, wait_status

from orgsim.testing import OrgSim

DAY = 86400


def test_suspended_account_is_permanently_closed_after_90_days_and_stops_counting(orgsim: OrgSim) -> None:
    """"Monitor the state of your AWS accounts": SUSPENDED for 90 days, then CLOSED; until then the
    closed account still counts against the organization's account quota."""
    orgsim.configure(create_account_seconds=0, close_account_seconds=0, account_limit=3)
    org = orgsim.client()
    first = create_account(org, "c1")
    create_account(org, "c2")  # the management account, c1 and c2: the limit of 3 is reached
    org.close_account(AccountId=first)
    wait_status(org, first, "SUSPENDED")
    refused = org.create_account(Email="c3@example.com", AccountName="c3")["CreateAccountStatus"]
    status = org.describe_create_account_status(CreateAccountRequestId=refused["Id"])["CreateAccountStatus"]
    assert (status["State"], status.get("FailureReason")) == ("FAILED", "ACCOUNT_LIMIT_EXCEEDED")

    orgsim.set_clock(advance_seconds=89 * DAY)
    assert org.describe_account(AccountId=first)["Account"]["State"] == "SUSPENDED"
    orgsim.set_clock(advance_seconds=1 * DAY)
    assert org.describe_account(AccountId=first)["Account"]["State"] == "CLOSED"
    create_account(org, "c4")  # the permanently closed account no longer counts


def test_close_account_quota_setting_replaces_the_formula(orgsim: OrgSim) -> None:
    orgsim.configure(create_account_seconds=0, close_account_seconds=0, close_account_quota=2)
    org = orgsim.client()
    ids = [create_account(org, f"k{n}") for n in range(3)]
    for account_id in ids[:2]:
        org.close_account(AccountId=account_id)
    with pytest.raises(ClientError) as caught:
        org.close_account(AccountId=ids[2])
    assert error_of(caught.value) == ("ConstraintViolationException", "CLOSE_ACCOUNT_QUOTA_EXCEEDED")
    orgsim.set_clock(advance_seconds=30 * DAY + 1)
    org.close_account(AccountId=ids[2])  # the window rolled on
