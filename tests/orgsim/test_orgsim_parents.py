"""Parents that do not exist and OUs that are not empty, as the Organizations API Reference's
Errors sections for CreateOrganizationalUnit, MoveAccount and DeleteOrganizationalUnit name them."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from orgsim_support import create_account, error_of, root_id

from orgsim.testing import OrgSim

MISSING_OU = "ou-abcd-12345678"  # well formed, never created


def test_create_ou_under_a_missing_parent_is_parent_not_found(orgsim: OrgSim) -> None:
    """API Reference CreateOrganizationalUnit, Errors: ParentNotFoundException."""
    org = orgsim.client()
    with pytest.raises(ClientError) as caught:
        org.create_organizational_unit(ParentId=MISSING_OU, Name="Orphan")
    assert error_of(caught.value)[0] == "ParentNotFoundException"
    assert org.list_organizational_units_for_parent(ParentId=root_id(org))["OrganizationalUnits"] == []


def test_move_account_to_a_missing_destination(orgsim: OrgSim) -> None:
    """API Reference MoveAccount, Errors: DestinationParentNotFoundException; the account stays."""
    org = orgsim.client()
    rid = root_id(org)
    account = create_account(org, "stays")
    with pytest.raises(ClientError) as caught:
        org.move_account(AccountId=account, SourceParentId=rid, DestinationParentId=MISSING_OU)
    assert error_of(caught.value)[0] == "DestinationParentNotFoundException"
    assert org.list_parents(ChildId=account)["Parents"][0]["Id"] == rid


def test_an_ou_holding_a_child_ou_cannot_be_deleted(orgsim: OrgSim) -> None:
    """API Reference DeleteOrganizationalUnit: "You must first remove all accounts and child OUs";
    Errors: OrganizationalUnitNotEmptyException."""
    org = orgsim.client()
    parent = org.create_organizational_unit(ParentId=root_id(org), Name="Parent")["OrganizationalUnit"]["Id"]
    child = org.create_organizational_unit(ParentId=parent, Name="Child")["OrganizationalUnit"]["Id"]
    with pytest.raises(ClientError) as caught:
        org.delete_organizational_unit(OrganizationalUnitId=parent)
    assert error_of(caught.value)[0] == "OrganizationalUnitNotEmptyException"
    org.delete_organizational_unit(OrganizationalUnitId=child)
    org.delete_organizational_unit(OrganizationalUnitId=parent)
