"""orgsim's own default Organizations rates (AWS publishes none; docs/orgsim.md, Throttle rates):
writes 2 per second with a burst of 4, and one bucket per operation for the whole organization,
whichever access key calls."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from orgsim_support import error_of, root_id

from orgsim.testing import OrgSim

NO_RETRIES = {"total_max_attempts": 1, "mode": "standard"}


def test_writes_are_throttled_after_a_burst_of_four(orgsim: OrgSim) -> None:
    orgsim.configure(throttle=True)
    org = orgsim.client(retries=NO_RETRIES)
    parent = root_id(org)
    outcomes = []
    for n in range(8):  # eight calls outrun a 2/s refill unless each takes over 250 ms
        try:
            org.create_organizational_unit(ParentId=parent, Name=f"w{n}")
            outcomes.append("ok")
        except ClientError as error:
            outcomes.append(error_of(error)[0])
    assert outcomes[:4] == ["ok"] * 4
    assert "TooManyRequestsException" in outcomes[4:]


def test_the_bucket_is_shared_by_every_caller(orgsim: OrgSim) -> None:
    orgsim.configure(throttle=True, rates={"ListRoots": [0.5, 2]})
    alice = orgsim.client(access_key_id="AKIDALICE", retries=NO_RETRIES)
    bob = orgsim.client(access_key_id="AKIDBOB", retries=NO_RETRIES)
    alice.list_roots()
    alice.list_roots()
    with pytest.raises(ClientError) as caught:
        bob.list_roots()  # a bucket per caller would still hold two tokens for bob
    assert error_of(caught.value)[0] == "TooManyRequestsException"
