"""Tag characters: botocore's Organizations model gives Tag Key and Value the pattern
^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$; AWS refuses anything else with InvalidInputException
INVALID_PATTERN, on every call that carries tags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from orgsim_support import error_of, root_id, scp

from orgsim.testing import OrgSim

BAD = ["a&b", "alice,bob", "ticket#1", "tier (gold)", "O'Brien"]


def _calls(org: Any) -> dict[str, Callable[[list[dict[str, str]]], object]]:
    root = root_id(org)
    return {
        "TagResource": lambda tags: org.tag_resource(ResourceId=root, Tags=tags),
        "CreateAccount": lambda tags: org.create_account(AccountName="a", Email="a@example.com", Tags=tags),
        "CreateOrganizationalUnit": lambda tags: org.create_organizational_unit(
            ParentId=root, Name="Tagged", Tags=tags),
        "CreatePolicy": lambda tags: org.create_policy(
            Name="p", Type="SERVICE_CONTROL_POLICY", Description="", Content=scp(), Tags=tags),
    }


@pytest.mark.parametrize("text", BAD)
def test_a_tag_outside_awss_pattern_is_refused_by_every_call_that_tags(orgsim: OrgSim, text: str) -> None:
    org = orgsim.client()
    for operation, call in _calls(org).items():
        for tags in ([{"Key": "k", "Value": text}], [{"Key": text, "Value": "v"}]):
            with pytest.raises(ClientError) as caught:
                call(tags)
            assert error_of(caught.value) == ("InvalidInputException", "INVALID_PATTERN"), operation
    assert org.list_organizational_units_for_parent(ParentId=root_id(org))["OrganizationalUnits"] == []
    assert org.list_tags_for_resource(ResourceId=root_id(org))["Tags"] == []


def test_letters_of_any_script_digits_spaces_and_the_allowed_symbols_pass(orgsim: OrgSim) -> None:
    org = orgsim.client()
    tags = [{"Key": "Straße", "Value": "Größe 10 = ok:yes/no+1-2@x_y.z"}, {"Key": "日本", "Value": "٣"}]
    for operation, call in _calls(org).items():
        assert call(tags), operation


def test_the_aws_managed_policy_cannot_be_tagged(orgsim: OrgSim) -> None:
    """Tagging FullAWSAccess (AwsManaged) -> InvalidInputException INVALID_PATTERN: the answer AWS
    gave cloud-custodian (its PR 8194, third-party evidence); botocore's model names the reason."""
    org = orgsim.client()
    with pytest.raises(ClientError) as caught:
        org.tag_resource(ResourceId="p-FullAWSAccess", Tags=[{"Key": "a", "Value": "b"}])
    assert error_of(caught.value) == ("InvalidInputException", "INVALID_PATTERN")
