"""Account Management API calls orgsim serves (moto does not): PutAccountName's name length and
GetAccountInformation's published request rate."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from orgsim_support import error_of

from orgsim.testing import OrgSim


def test_an_account_name_over_50_characters_is_a_validation_error(orgsim: OrgSim) -> None:
    """Account Management API Reference, PutAccountName, AccountName: "Length Constraints: Maximum
    length of 50"; Errors: ValidationException. botocore does not check the maximum on the client."""
    account = orgsim.client("account")
    with pytest.raises(ClientError) as caught:
        account.put_account_name(AccountName="n" * 51)
    assert error_of(caught.value)[0] == "ValidationException"
    account.put_account_name(AccountName="n" * 50)
    assert account.get_account_information()["AccountName"] == "n" * 50


def test_get_account_information_is_throttled_at_its_published_rate(orgsim: OrgSim) -> None:
    """Quotas for AWS Account Management: GetAccountInformation 3 per second, burst to 3 per
    second; that API answers TooManyRequestsException with HTTP 429."""
    orgsim.configure(throttle=True)
    account = orgsim.client("account", retries={"total_max_attempts": 1, "mode": "standard"})
    answers: list[object] = []
    for _ in range(5):
        try:
            answers.append(account.get_account_information()["AccountName"])
        except ClientError as error:
            answers.append((error_of(error)[0], error.response["ResponseMetadata"]["HTTPStatusCode"]))
    assert answers[:3] == ["management"] * 3
    assert ("TooManyRequestsException", 429) in answers[3:]
