"""The Resource Groups Tagging API's GetResources for Organizations resources (docs/orgsim.md,
"Resource Groups Tagging API")."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from orgsim_support import create_account, root_id, scp

from orgsim.testing import ACCESS_KEY_ID, SECRET_ACCESS_KEY, OrgSim

NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def _tagging(orgsim: OrgSim, region: str = "us-east-1", config: Config | None = None) -> Any:
    return boto3.session.Session(aws_access_key_id=ACCESS_KEY_ID, aws_secret_access_key=SECRET_ACCESS_KEY,
                                 region_name=region).client("resourcegroupstaggingapi",
                                                            endpoint_url=orgsim.url, config=config)


def _all(tagging: Any, **params: Any) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for page in tagging.get_paginator("get_resources").paginate(**params):
        for item in page["ResourceTagMappingList"]:
            found[item["ResourceARN"]] = {t["Key"]: t["Value"] for t in item["Tags"]}
    return found


def _seed(org: Any) -> dict[str, str]:
    """A tagged OU, account, root and policy, and an untagged OU: their ARNs by kind."""
    root = root_id(org)
    ou = org.create_organizational_unit(ParentId=root, Name="Tagged", Tags=[{"Key": "team", "Value": "a"}])
    bare = org.create_organizational_unit(ParentId=root, Name="Bare")
    account_id = create_account(org, "tagged")
    org.tag_resource(ResourceId=account_id, Tags=[{"Key": "owner", "Value": "b"}])
    org.tag_resource(ResourceId=root, Tags=[{"Key": "scope", "Value": "org"}])
    policy = org.create_policy(Name="p", Type="SERVICE_CONTROL_POLICY", Description="", Content=scp(),
                               Tags=[{"Key": "kind", "Value": "guard"}])
    return {
        "ou": ou["OrganizationalUnit"]["Arn"], "bare": bare["OrganizationalUnit"]["Arn"],
        "account": org.describe_account(AccountId=account_id)["Account"]["Arn"],
        "root": org.list_roots()["Roots"][0]["Arn"], "policy": policy["Policy"]["PolicySummary"]["Arn"],
    }


def test_get_resources_answers_tagged_organizations_resources_and_omits_untagged(orgsim: OrgSim) -> None:
    """Tagging API Reference, GetResources: "GetResources does not return untagged resources"."""
    arns = _seed(orgsim.client())
    found = _all(_tagging(orgsim))
    assert found == {arns["ou"]: {"team": "a"}, arns["account"]: {"owner": "b"},
                     arns["root"]: {"scope": "org"}, arns["policy"]: {"kind": "guard"}}
    assert arns["bare"] not in found
    assert arns["account"].startswith("arn:aws:organizations::111111111111:account/o-")


@pytest.mark.parametrize("kind", ["account", "ou", "root", "policy"])
def test_resource_type_filters_pick_one_organizations_type(orgsim: OrgSim, kind: str) -> None:
    arns = _seed(orgsim.client())
    found = _all(_tagging(orgsim), ResourceTypeFilters=[f"organizations:{kind}"])
    assert list(found) == [arns[kind]]
    assert len(_all(_tagging(orgsim), ResourceTypeFilters=["organizations"])) == 4
    assert _all(_tagging(orgsim), ResourceTypeFilters=["ec2:instance"]) == {}


def test_other_regions_answer_no_organizations_resources(orgsim: OrgSim) -> None:
    """Organizations is global, its resources are indexed in us-east-1 only (the Region is the
    request's SigV4 credential scope)."""
    _seed(orgsim.client())
    assert _all(_tagging(orgsim, region="eu-west-1")) == {}
    assert len(_all(_tagging(orgsim))) == 4


def test_resource_arn_list_answers_listed_tagged_resources_and_skips_unknown(orgsim: OrgSim) -> None:
    arns = _seed(orgsim.client())
    unknown = arns["account"][:-12] + "999999999999"
    answer = _tagging(orgsim).get_resources(ResourceARNList=[arns["ou"], arns["bare"], unknown])
    assert [m["ResourceARN"] for m in answer["ResourceTagMappingList"]] == [arns["ou"]]


def test_resource_arn_list_is_refused_with_filters_or_paging_or_over_100(orgsim: OrgSim) -> None:
    arns = _seed(orgsim.client())
    tagging = _tagging(orgsim)
    for extra in ({"ResourceTypeFilters": ["organizations:ou"]}, {"ResourcesPerPage": 10},
                  {"PaginationToken": "x"}):
        with pytest.raises(ClientError) as caught:
            tagging.get_resources(ResourceARNList=[arns["ou"]], **extra)
        assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as caught:  # botocore checks only the length's minimum
        tagging.get_resources(ResourceARNList=[arns["ou"]] * 101)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"


def test_pages_hold_100_resources_and_a_token_leads_on(orgsim: OrgSim) -> None:
    org = orgsim.client()
    root = root_id(org)
    for number in range(105):
        org.create_organizational_unit(ParentId=root, Name=f"ou{number}", Tags=[{"Key": "n", "Value": "1"}])
    tagging = _tagging(orgsim)
    first = tagging.get_resources(ResourceTypeFilters=["organizations:ou"])
    assert len(first["ResourceTagMappingList"]) == 100 and first["PaginationToken"]
    second = tagging.get_resources(ResourceTypeFilters=["organizations:ou"],
                                   PaginationToken=first["PaginationToken"])
    assert len(second["ResourceTagMappingList"]) == 5 and second["PaginationToken"] == ""
    with pytest.raises(ClientError) as caught:
        tagging.get_resources(PaginationToken="not-a-token")
    assert caught.value.response["Error"]["Code"] == "PaginationTokenExpiredException"


def test_the_index_may_lag_behind_tag_changes(orgsim: OrgSim) -> None:
    """Setting tag_index_lag_seconds: tags changed within it are answered as they were."""
    org = orgsim.client()
    arns = _seed(org)
    orgsim.configure(tag_index_lag_seconds=3600)
    ou_id = arns["ou"].rsplit("/", 1)[1]
    org.tag_resource(ResourceId=ou_id, Tags=[{"Key": "team", "Value": "z"}])
    org.untag_resource(ResourceId=root_id(org), TagKeys=["scope"])
    lagging = _all(_tagging(orgsim))
    assert lagging[arns["ou"]] == {"team": "a"}  # created with its tags: indexed at once
    assert arns["account"] not in lagging  # its one TagResource is within the lag too: untagged
    assert arns["root"] not in lagging  # tagged, then untagged, both within the lag
    assert org.list_tags_for_resource(ResourceId=ou_id)["Tags"] == [{"Key": "team", "Value": "z"}]
    orgsim.configure(tag_index_lag_seconds=0)
    settled = _all(_tagging(orgsim))
    assert settled[arns["ou"]] == {"team": "z"} and arns["root"] not in settled
    assert settled[arns["account"]] == {"owner": "b"}


def test_get_resources_is_throttled_at_15_a_second(orgsim: OrgSim) -> None:
    orgsim.configure(throttle=True)
    tagging = _tagging(orgsim, config=NO_RETRIES)
    codes = []
    for _ in range(40):
        try:
            tagging.get_resources(ResourceTypeFilters=["organizations:account"])
            codes.append("ok")
        except ClientError as exc:
            codes.append(exc.response["Error"]["Code"])
    assert codes[:15] == ["ok"] * 15
    assert "ThrottledException" in codes
