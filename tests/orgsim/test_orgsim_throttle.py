"""Throttling: TooManyRequestsException as AWS sends it, so botocore's retry modes handle it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from botocore.exceptions import ClientError
from orgsim_support import error_of

from orgsim.testing import OrgSim

BURST = 15  # above the default read burst of 10


def _burst(call: Callable[[], object], size: int = BURST) -> list[ClientError]:
    errors = []
    for _ in range(size):
        try:
            call()
        except ClientError as exc:
            errors.append(exc)
    return errors


def test_burst_is_throttled_without_retries(orgsim: OrgSim) -> None:
    """Organizations: "You have sent too many requests in too short a period of time" -> HTTP 400,
    TooManyRequestsException with Type and Message."""
    orgsim.configure(throttle=True, rates={"ListRoots": [1, 3]})
    org = orgsim.client(retries={"total_max_attempts": 1, "mode": "standard"})
    errors = _burst(org.list_roots)
    assert errors, "no call was throttled"
    first = errors[0].response
    assert error_of(errors[0])[0] == "TooManyRequestsException"
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert first["Type"] and first["Message"]


@pytest.mark.parametrize("mode", ["standard", "adaptive"])
def test_botocore_retry_gets_through(orgsim: OrgSim, mode: str) -> None:
    """Four tokens a second, burst one: the call right after the first is throttled and botocore's
    back-off retries it until the bucket has a token again (adaptive mode then also slows the
    client down, so later calls may need no retry)."""
    orgsim.configure(throttle=True, rates={"ListRoots": [4, 1]})
    org = orgsim.client(retries={"max_attempts": 10, "mode": mode})
    attempts = [org.list_roots()["ResponseMetadata"]["RetryAttempts"] for _ in range(3)]
    assert attempts[1] >= 1
    assert orgsim.calls()["ListRoots"] == 3 + sum(attempts)


def test_default_rates_throttle_a_burst(orgsim: OrgSim) -> None:
    """Without overrides the conservative defaults (reads 5/s, burst 10) apply."""
    orgsim.configure(throttle=True)
    org = orgsim.client(retries={"total_max_attempts": 1, "mode": "standard"})
    # 40 calls outrun a 5/s refill unless each takes over 100 ms
    codes = [error_of(exc)[0] for exc in _burst(org.list_accounts, 40)]
    assert "TooManyRequestsException" in codes


def test_throttle_off_never_throttles(orgsim: OrgSim) -> None:
    org = orgsim.client(retries={"total_max_attempts": 1, "mode": "standard"})
    for _ in range(BURST * 2):
        org.list_roots()
    assert orgsim.calls()["ListRoots"] == BURST * 2


def test_put_account_name_is_throttled_at_its_published_rate(orgsim: OrgSim) -> None:
    """Account Management quotas: PutAccountName 1 request per second, burst 1; that API answers
    TooManyRequestsException with HTTP 429."""
    orgsim.configure(throttle=True)
    account = orgsim.client("account", retries={"total_max_attempts": 1, "mode": "standard"})
    errors = _burst(lambda: account.put_account_name(AccountName="management-renamed"), 3)
    assert errors
    assert error_of(errors[0])[0] == "TooManyRequestsException"
    assert errors[0].response["ResponseMetadata"]["HTTPStatusCode"] == 429
