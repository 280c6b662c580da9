"""Account creation and closure as AWS runs them: asynchronous, with AWS's failure reasons and quotas."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from orgsim_support import create_account, error_of, root_id, wait_created, wait_status

from orgsim.testing import OrgSim


def test_create_account_is_in_progress_then_succeeds_in_the_root(orgsim: OrgSim) -> None:
    """API Reference CreateAccount: "an asynchronous request"; the answer is State IN_PROGRESS and
    the account is usable once DescribeCreateAccountStatus says SUCCEEDED."""
    org = orgsim.client()
    orgsim.configure(create_account_seconds=0.5)
    request = org.create_account(AccountName="alpha", Email="alpha@example.com")["CreateAccountStatus"]
    assert request["State"] == "IN_PROGRESS"
    assert "AccountId" not in request
    assert [a["Id"] for a in org.list_accounts()["Accounts"]] == ["111111111111"]
    status = wait_created(org, request["Id"])
    assert status["State"] == "SUCCEEDED"
    ids = [a["Id"] for a in org.list_accounts()["Accounts"]]
    assert status["AccountId"] in ids
    children = org.list_accounts_for_parent(ParentId=root_id(org))["Accounts"]
    assert status["AccountId"] in [a["Id"] for a in children]


def test_reused_email_fails_with_email_already_exists(orgsim: OrgSim) -> None:
    """CreateAccountStatus FailureReason EMAIL_ALREADY_EXISTS, also for an email still in progress."""
    org = orgsim.client()
    create_account(org, "taken")
    again = org.create_account(AccountName="again", Email="taken@example.com")["CreateAccountStatus"]
    status = wait_created(org, again["Id"])
    assert (status["State"], status["FailureReason"]) == ("FAILED", "EMAIL_ALREADY_EXISTS")
    orgsim.configure(create_account_seconds=1)
    first = org.create_account(AccountName="p1", Email="pending@example.com")["CreateAccountStatus"]
    second = org.create_account(AccountName="p2", Email="pending@example.com")["CreateAccountStatus"]
    orgsim.configure(create_account_seconds=0)
    # the delay is fixed when a request is made: both keep their 1 s
    assert first["Id"] != second["Id"]
    assert wait_created(org, second["Id"])["FailureReason"] == "EMAIL_ALREADY_EXISTS"
    assert wait_created(org, first["Id"])["State"] == "SUCCEEDED"


def test_invalid_email_fails_with_invalid_email(orgsim: OrgSim) -> None:
    """CreateAccountStatus FailureReason INVALID_EMAIL."""
    org = orgsim.client()
    request = org.create_account(AccountName="nomail", Email="not-an-address")["CreateAccountStatus"]
    assert wait_created(org, request["Id"])["FailureReason"] == "INVALID_EMAIL"


def test_account_limit_fails_with_account_limit_exceeded(orgsim: OrgSim) -> None:
    """Quotas: the organization's account quota (default 10, raised on request) -> ACCOUNT_LIMIT_EXCEEDED."""
    orgsim.configure(account_limit=2)
    org = orgsim.client()
    create_account(org, "only-one")
    over = org.create_account(AccountName="over", Email="over@example.com")["CreateAccountStatus"]
    assert wait_created(org, over["Id"])["FailureReason"] == "ACCOUNT_LIMIT_EXCEEDED"


def test_injected_concurrent_modification_failure(orgsim: OrgSim) -> None:
    """FailureReason CONCURRENT_ACCOUNT_MODIFICATION, which AWS returns under contention."""
    orgsim.inject_fault("CreateAccount", "create_account_failure", reason="CONCURRENT_ACCOUNT_MODIFICATION")
    org = orgsim.client()
    request = org.create_account(AccountName="busy", Email="busy@example.com")["CreateAccountStatus"]
    assert wait_created(org, request["Id"])["FailureReason"] == "CONCURRENT_ACCOUNT_MODIFICATION"
    assert create_account(org, "later")  # the fault was for one call only


def test_at_most_five_creations_in_progress(orgsim: OrgSim) -> None:
    """A sixth concurrent CreateAccount gets TooManyRequestsException ("another request is already
    in progress"), which botocore's retry modes treat as throttling."""
    orgsim.configure(create_account_seconds=30)
    org = orgsim.client(retries={"total_max_attempts": 1, "mode": "standard"})
    for n in range(5):
        org.create_account(AccountName=f"c{n}", Email=f"c{n}@example.com")
    with pytest.raises(ClientError) as caught:
        org.create_account(AccountName="c5", Email="c5@example.com")
    assert error_of(caught.value)[0] == "TooManyRequestsException"


def test_list_create_account_status_filters_by_state(orgsim: OrgSim) -> None:
    org = orgsim.client()
    create_account(org, "done")
    orgsim.configure(create_account_seconds=30)
    pending = org.create_account(AccountName="wip", Email="wip@example.com")["CreateAccountStatus"]
    in_progress = org.list_create_account_status(States=["IN_PROGRESS"])["CreateAccountStatuses"]
    succeeded = org.list_create_account_status(States=["SUCCEEDED"])["CreateAccountStatuses"]
    assert [s["Id"] for s in in_progress] == [pending["Id"]]
    assert [s["AccountName"] for s in succeeded] == ["done"]
    paginator = org.get_paginator("list_create_account_status")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 1}))
    assert sum(len(p["CreateAccountStatuses"]) for p in pages) == 2


def test_close_account_goes_pending_closure_then_suspended(orgsim: OrgSim) -> None:
    """API Reference CloseAccount: State PENDING_CLOSURE while in progress, then SUSPENDED."""
    org = orgsim.client()
    account_id = create_account(org, "closing")
    orgsim.configure(close_account_seconds=0.5)
    org.close_account(AccountId=account_id)
    assert org.describe_account(AccountId=account_id)["Account"]["State"] == "PENDING_CLOSURE"
    wait_status(org, account_id, "SUSPENDED")
    with pytest.raises(ClientError) as caught:
        org.close_account(AccountId=account_id)
    assert error_of(caught.value)[0] == "AccountAlreadyClosedException"


def test_management_account_cannot_be_closed_or_removed(orgsim: OrgSim) -> None:
    """CloseAccount: "You can't close the management account with this API"
    (CANNOT_CLOSE_MANAGEMENT_ACCOUNT); RemoveAccountFromOrganization: MasterCannotLeaveOrganization."""
    org = orgsim.client()
    with pytest.raises(ClientError) as closed:
        org.close_account(AccountId="111111111111")
    assert error_of(closed.value) == ("ConstraintViolationException", "CANNOT_CLOSE_MANAGEMENT_ACCOUNT")
    with pytest.raises(ClientError) as removed:
        org.remove_account_from_organization(AccountId="111111111111")
    assert error_of(removed.value)[0] == "MasterCannotLeaveOrganizationException"


def test_at_most_three_closures_at_once(orgsim: OrgSim) -> None:
    """CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED: too many close requests in progress."""
    org = orgsim.client()
    ids = [create_account(org, f"shut{n}") for n in range(4)]
    orgsim.configure(close_account_seconds=30)
    for account_id in ids[:3]:
        org.close_account(AccountId=account_id)
    with pytest.raises(ClientError) as caught:
        org.close_account(AccountId=ids[3])
    assert error_of(caught.value) == ("ConstraintViolationException", "CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED")


def test_rolling_thirty_day_close_quota(orgsim: OrgSim) -> None:
    """CloseAccount: only 10% of member accounts, between 10 and 1000, in a rolling 30 days
    (CLOSE_ACCOUNT_QUOTA_EXCEEDED). With 11 members the floor of 10 applies."""
    orgsim.configure(create_account_seconds=0, close_account_seconds=0)
    org = orgsim.client()
    ids = [create_account(org, f"q{n}") for n in range(11)]
    for account_id in ids[:10]:
        org.close_account(AccountId=account_id)
        wait_status(org, account_id, "SUSPENDED")
    with pytest.raises(ClientError) as caught:
        org.close_account(AccountId=ids[10])
    assert error_of(caught.value) == ("ConstraintViolationException", "CLOSE_ACCOUNT_QUOTA_EXCEEDED")
