"""Tags in bulk (reconciler.live.tags): GetResources instead of one ListTagsForResource per
resource, the fallback when it is denied, and the re-read of tags a lagging index gets wrong."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from core_world import create_account

from orgsim.testing import OrgSim
from reconciler.adapters.aws import AwsClient
from reconciler.live.read import read_organization
from reconciler.live.scope import ReadScope, expecting, scope_for
from reconciler.model import Organization
from reconciler.plan.planner import plan
from reconciler.repository.importer import import_organization
from reconciler.repository.load import load_repository


def _arrange(org: Any) -> dict[str, str]:
    root = org.list_roots()["Roots"][0]["Id"]
    work = org.create_organizational_unit(ParentId=root, Name="Workloads",
                                          Tags=[{"Key": "purpose", "Value": "apps"}])["OrganizationalUnit"]
    org.create_organizational_unit(ParentId=work["Id"], Name="Bare")
    first = create_account(org, "a@example.com", "acme-prod", {"environment": "production", "team": "x"})
    second = create_account(org, "b@example.com", "acme-dev", {"environment": "development"})
    create_account(org, "c@example.com", "acme-untagged", {})
    return {"root": root, "ou": work["Id"], "first": first, "second": second}


def _deny_get_resources(aws: OrgSim) -> None:
    aws.inject_fault("GetResources", "aws_error", code="AccessDeniedException")


def _import(live: Organization, out: Path) -> dict[str, str]:
    import_organization(live, out)
    return {str(p.relative_to(out)): p.read_text() for p in sorted(out.rglob("*")) if p.is_file()}


def test_bulk_and_one_by_one_reads_give_the_same_organization_plan_and_import(
        aws: OrgSim, org: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _arrange(org)
    bulk = AwsClient()
    by_bulk = read_organization(bulk)
    assert bulk.calls["GetResources"] == 1 and bulk.calls["ListTagsForResource"] == 0
    _deny_get_resources(aws)
    single = AwsClient()
    by_one = read_organization(single)
    assert single.calls["GetResources"] == 1  # denied once, then never asked again in this read
    assert single.calls["ListTagsForResource"] == len(by_one.accounts) + len(by_one.ous)
    assert by_bulk == by_one
    assert by_bulk.account("acme-prod").tags == {"environment": "production", "team": "x"}
    assert by_bulk.account("acme-untagged").tags == {}
    assert by_bulk.ou("Workloads/Bare").tags == {}
    err = capsys.readouterr().err
    assert err.count("GetResources was denied (AccessDeniedException)") == 1
    assert "tag:GetResources" in err
    assert _import(by_bulk, tmp_path / "bulk") == _import(by_one, tmp_path / "one")
    desired = load_repository(tmp_path / "bulk")
    assert plan(desired, by_bulk) == plan(desired, by_one)


def test_a_narrow_scope_reads_tags_by_arn_and_a_wide_one_by_type(org: Any) -> None:
    """Whichever costs fewer calls: 104 tagged OUs and 2 tagged accounts make the type filter two
    pages; the ARNs of one account and one OU in scope are one call."""
    ids = _arrange(org)
    for number in range(100):
        org.create_organizational_unit(ParentId=ids["root"], Name=f"team{number}",
                                       Tags=[{"Key": "n", "Value": str(number)}])
    narrow = AwsClient()
    scoped = read_organization(narrow, ReadScope(account_tags=frozenset({ids["first"]}),
                                                 ou_tags=frozenset({"Workloads"})))
    assert narrow.calls["GetResources"] == 1
    assert scoped.account("acme-prod").tags["team"] == "x" and scoped.account("acme-dev").tags == {}
    assert scoped.ou("Workloads").tags == {"purpose": "apps"} and scoped.ou("team1").tags == {}
    wide = AwsClient()
    everything = read_organization(wide)
    assert wide.calls["GetResources"] == 2  # 104 tagged resources: a page of 100 and its token
    assert everything.ou("team99").tags == {"n": "99"}
    assert everything.ou("Workloads").tags == {"purpose": "apps"}
    assert wide.calls["ListTagsForResource"] == 0


def _as_applied(before: Organization) -> Organization:
    """The repository after an apply that set acme-prod's team to y and cleared Workloads' tags."""
    accounts = tuple(
        dataclasses.replace(a, tags={**a.tags, "team": "y"}, extra_tags={**a.extra_tags, "team": "y"})
        if a.name == "acme-prod" else a for a in before.accounts)
    ous = tuple(dataclasses.replace(o, tags={}) if o.path == "Workloads" else o for o in before.ous)
    return dataclasses.replace(before, accounts=accounts, ous=ous)


def test_tags_a_lagging_index_gets_wrong_are_read_again_before_planning(aws: OrgSim, org: Any) -> None:
    """A plan right after an apply is empty even when the Tagging API's index is behind: only the
    resources whose bulk tags differ from the repository are read again, one call each."""
    ids = _arrange(org)
    desired = _as_applied(read_organization(AwsClient()))
    aws.configure(tag_index_lag_seconds=3600)
    org.tag_resource(ResourceId=ids["first"], Tags=[{"Key": "team", "Value": "y"}])  # the apply
    org.untag_resource(ResourceId=ids["ou"], TagKeys=["purpose"])
    client = AwsClient()
    live = read_organization(client, scope_for(desired))
    assert client.calls["ListTagsForResource"] == 2  # one per difference, not per resource
    assert live.account("acme-prod").tags["team"] == "y" and live.ou("Workloads").tags == {}
    assert plan(desired, live).changes == ()
    unchecked = read_organization(AwsClient())  # without the repository: what the index says
    assert unchecked.account("acme-prod").tags["team"] == "x"
    drift = AwsClient()
    assert read_organization(drift, expecting(desired)) == live
    assert drift.calls["ListTagsForResource"] == 2


def test_tags_are_asked_in_the_organizations_region_whatever_aws_region_says(
        org: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Tagging API indexes Organizations resources in us-east-1 only (orgsim answers other
    Regions with an empty list, as AWS does), so the adapter pins its tagging client there."""
    _arrange(org)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    client = AwsClient()
    live = read_organization(client)
    assert client.calls["GetResources"] == 1
    assert live.account("acme-prod").tags == {"environment": "production", "team": "x"}
