"""The live reader's independent reads overlap (docs/live-reader.md, "In parallel"), and a
parallel read sees exactly what a one-at-a-time read sees."""

from __future__ import annotations

import json
import threading
from typing import Any

from core_world import create_account

from orgsim.testing import OrgSim
from reconciler.adapters.aws import AwsClient
from reconciler.live.calls import Response
from reconciler.live.read import read_organization

SCP = "SERVICE_CONTROL_POLICY"
DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
WAIT_SECONDS = 20  # a bound for a broken reader, never reached by a working one


def _arrange(org: Any) -> None:
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType=SCP)
    parents = [root]
    for depth in range(3):
        parents.append(org.create_organizational_unit(ParentId=parents[-1], Name=f"L{depth}")
                       ["OrganizationalUnit"]["Id"])
    for n in range(3):
        account = create_account(org, f"p{n}@example.com", f"p{n}", {"team": f"t{n}"})
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=parents[n + 1])
        policy = org.create_policy(Content=json.dumps(DOC), Description="", Name=f"deny-{n}", Type=SCP)
        org.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=account)


class Meeting(AwsClient):
    """Holds the first ListAccounts call until an OU walk call is in flight at the same time: a
    reader that reads one thing after another never gets there and the wait runs out."""

    def __init__(self) -> None:
        super().__init__()
        self.walking = threading.Event()
        self.met = False

    def call(self, operation: str, service: str = "organizations", **params: Any) -> Response:
        if operation == "ListOrganizationalUnitsForParent":
            self.walking.set()
        if operation == "ListAccounts" and not self.met:
            self.met = self.walking.wait(WAIT_SECONDS)
        return super().call(operation, service, **params)


def test_accounts_are_listed_while_the_ou_tree_is_walked(aws: OrgSim, org: Any) -> None:
    _arrange(org)
    client = Meeting()
    read_organization(client)
    assert client.met


def test_a_parallel_read_equals_a_one_at_a_time_read(aws: OrgSim, org: Any) -> None:
    _arrange(org)
    one, many = AwsClient(), AwsClient()
    assert read_organization(many, workers=8) == read_organization(one, workers=1)
    assert many.calls == one.calls
