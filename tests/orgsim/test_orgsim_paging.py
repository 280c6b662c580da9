"""List operations page as AWS pages them, and accounts carry State (never the retired Status) and
Paths in the form botocore's service model gives for them."""

from __future__ import annotations

import re
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError
from orgsim_support import create_account, error_of, root_id, wait_status

from orgsim import paging
from orgsim.testing import OrgSim, OrgSimError

FULL_ACCESS = "p-FullAWSAccess"


def _model() -> Any:
    return botocore.session.get_session().get_service_model("organizations")


def _ous(org: Any, parent: str, count: int) -> list[str]:
    return [org.create_organizational_unit(ParentId=parent, Name=f"ou{n}")["OrganizationalUnit"]["Id"]
            for n in range(count)]


def test_list_targets_for_policy_pages_at_most_max_results(orgsim: OrgSim) -> None:
    """API Reference ListTargetsForPolicy: MaxResults 1-20; "If additional items exist beyond the
    maximum you specify, the NextToken response element is present". FullAWSAccess on the root,
    the management account and 25 OUs is 27 targets: 20, then 7."""
    org = orgsim.client()
    rid = root_id(org)
    org.enable_policy_type(RootId=rid, PolicyType="SERVICE_CONTROL_POLICY")
    _ous(org, rid, 25)
    first = org.list_targets_for_policy(PolicyId=FULL_ACCESS, MaxResults=20)
    assert len(first["Targets"]) == 20 and first["NextToken"]
    second = org.list_targets_for_policy(PolicyId=FULL_ACCESS, MaxResults=20, NextToken=first["NextToken"])
    assert len(second["Targets"]) == 7 and "NextToken" not in second
    ids = {t["TargetId"] for t in first["Targets"] + second["Targets"]}
    assert len(ids) == 27 and rid in ids
    unasked = org.list_targets_for_policy(PolicyId=FULL_ACCESS)  # no MaxResults: still 20 at most
    assert len(unasked["Targets"]) == 20 and unasked["NextToken"]


def test_every_organizations_list_operation_has_its_maximum_from_the_model() -> None:
    """botocore's model: MaxResults max 20 on every Organizations list operation that takes it."""
    model = _model()
    for operation in ("ListAccounts", "ListAccountsForParent", "ListOrganizationalUnitsForParent",
                      "ListRoots", "ListPolicies", "ListTargetsForPolicy", "ListPoliciesForTarget",
                      "ListChildren", "ListParents", "ListCreateAccountStatus"):
        member = model.operation_model(operation).input_shape.members["MaxResults"]
        assert paging.max_results(operation) == member.metadata["max"] == 20
        assert paging.result_key(operation) is not None
    assert paging.max_results("ListTagsForResource") is None  # it takes no MaxResults
    assert paging.result_key("ListTagsForResource") == "Tags"


def test_max_results_above_the_maximum_is_invalid_input(orgsim: OrgSim) -> None:
    """botocore checks only MaxResults' minimum; above the model's maximum orgsim answers
    InvalidInputException MAX_VALUE_EXCEEDED (a Reason of the model's InvalidInputException)."""
    org = orgsim.client()
    for call in (lambda: org.list_accounts(MaxResults=21),
                 lambda: org.list_targets_for_policy(PolicyId=FULL_ACCESS, MaxResults=100)):
        with pytest.raises(ClientError) as caught:
            call()
        assert error_of(caught.value) == ("InvalidInputException", "MAX_VALUE_EXCEEDED")


def test_a_token_not_handed_out_for_the_operation_is_invalid(orgsim: OrgSim) -> None:
    """InvalidInputException INVALID_PAGINATION_TOKEN: "Get the value for the NextToken parameter
    from the response to a previous call of the operation"."""
    org = orgsim.client()
    _ous(org, root_id(org), 2)
    token = org.list_organizational_units_for_parent(ParentId=root_id(org), MaxResults=1)["NextToken"]
    for bad in ("not-a-token", token):  # the second: another operation's token
        with pytest.raises(ClientError) as caught:
            org.list_accounts(NextToken=bad)
        assert error_of(caught.value) == ("InvalidInputException", "INVALID_PAGINATION_TOKEN")


def test_pages_may_hold_fewer_than_max_results(orgsim: OrgSim) -> None:
    """MaxResults: "Organizations might return fewer results than the maximum even when there are
    more results available" (setting page_size); a paginator still reads every item."""
    org = orgsim.client()
    rid = root_id(org)
    _ous(org, rid, 5)
    orgsim.configure(page_size=2)
    first = org.list_organizational_units_for_parent(ParentId=rid, MaxResults=20)
    assert len(first["OrganizationalUnits"]) == 2 and first["NextToken"]
    pages = list(org.get_paginator("list_organizational_units_for_parent").paginate(ParentId=rid))
    assert [len(p["OrganizationalUnits"]) for p in pages] == [2, 2, 1]
    tags = [{"Key": f"k{n}", "Value": "v"} for n in range(5)]
    org.tag_resource(ResourceId=rid, Tags=tags)
    tag_pages = list(org.get_paginator("list_tags_for_resource").paginate(ResourceId=rid))
    assert sum(len(p["Tags"]) for p in tag_pages) == 5 and len(tag_pages) == 3
    with pytest.raises(OrgSimError, match="page_size must be 1 to 20"):
        orgsim.configure(page_size=21)


def test_an_empty_page_with_a_next_token_resumes_where_it_was(orgsim: OrgSim) -> None:
    """Every List* operation's note: "These operations can occasionally return an empty set of
    results even when more results are available" (fault kind empty_page)."""
    org = orgsim.client()
    rid = root_id(org)
    orgsim.inject_fault("ListRoots", "empty_page")
    empty = org.list_roots()
    assert empty["Roots"] == [] and empty["NextToken"]
    assert [r["Id"] for r in org.list_roots(NextToken=empty["NextToken"])["Roots"]] == [rid]
    assert [r["Id"] for r in org.list_roots()["Roots"]] == [rid]  # the fault was used up


def test_accounts_carry_state_and_never_status(orgsim: OrgSim) -> None:
    """botocore's Account shape: Status "will be retired on September 9, 2026 ... use the State
    parameter"; State is one of PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED.
    CloseAccount: PENDING_CLOSURE, then SUSPENDED."""
    org = orgsim.client()
    states = _model().shape_for("AccountState").enum
    pending, closed = create_account(org, "pending"), create_account(org, "closed")
    orgsim.configure(close_account_seconds=600)  # a closure's delay is fixed when it is asked for
    org.close_account(AccountId=pending)
    orgsim.configure(close_account_seconds=0)
    org.close_account(AccountId=closed)
    wait_status(org, closed, "SUSPENDED")

    def state_of(account_id: str) -> set[str]:
        listed = [*org.list_accounts()["Accounts"],
                  *org.list_accounts_for_parent(ParentId=root_id(org))["Accounts"],
                  org.describe_account(AccountId=account_id)["Account"]]
        assert all("Status" not in a and a["State"] in states for a in listed)
        return {a["State"] for a in listed if a["Id"] == account_id}

    assert state_of(pending) == {"PENDING_CLOSURE"}
    assert state_of(closed) == {"SUSPENDED"}
    assert state_of("111111111111") == {"ACTIVE"}


def test_paths_match_the_pattern_of_botocores_path_shape(orgsim: OrgSim) -> None:
    """botocore's Path shape (Account.Paths, OrganizationalUnit.Path):
    o-.../r-...(/ou-...)*(/<account id>)*/ ."""
    org = orgsim.client()
    pattern = re.compile(_model().shape_for("Path").metadata["pattern"])
    parent = _ous(org, root_id(org), 1)[0]
    child = org.create_organizational_unit(ParentId=parent, Name="deep")["OrganizationalUnit"]
    account_id = create_account(org, "pathed")
    org.move_account(AccountId=account_id, SourceParentId=root_id(org), DestinationParentId=child["Id"])
    paths = [child["Path"], *(p for a in org.list_accounts()["Accounts"] for p in a["Paths"])]
    for path in paths:
        assert pattern.fullmatch(path), path
    assert org.describe_account(AccountId=account_id)["Account"]["Paths"] == [f"{child['Path']}{account_id}/"]
