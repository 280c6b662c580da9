"""ListCreateAccountStatus's order: newest request first. AWS documents no order for it (API
Reference ListCreateAccountStatus); orgsim keeps the order CloudTrail LookupEvents documents."""

from __future__ import annotations

from orgsim_support import create_account

from orgsim.testing import OrgSim


def test_list_create_account_status_is_newest_first(orgsim: OrgSim) -> None:
    org = orgsim.client()
    for name in ("first", "second", "third"):
        create_account(org, name)
    statuses = org.list_create_account_status()["CreateAccountStatuses"]
    assert [s["AccountName"] for s in statuses] == ["third", "second", "first"]
