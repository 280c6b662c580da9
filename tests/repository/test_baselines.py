"""Which accounts a baseline selects (applies_to, add, opt_out, the management account never),
how baselines merge, and the Region list against botocore's endpoint data."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest

from reconciler.model import Access
from reconciler.repository.baselines import REGIONS, merge, selected

ORG: dict[str, Any] = {
    "management_account_id": "111111111111",
    "baselines": {
        "everyone": {"applies_to": {}, "regions": ["ap-east-1"]},
        "dev-workloads": {"applies_to": {"ous": ["Workloads"], "environments": ["development"]},
                          "access": [{"group": "devs", "permission_set": "PowerUser"}]},
        "opt-in-only": {"regions": ["me-south-1"]},
    },
}


def _account(**fields: Any) -> dict[str, Any]:
    return {"account_name": "a", "ou": "Workloads/Teams", "environment": "development",
            "workload_type": "internal", **fields}


@pytest.mark.parametrize(("fields", "expected"), [
    ({}, ["everyone", "dev-workloads"]),
    ({"ou": "Sandbox"}, ["everyone"]),
    ({"environment": "production"}, ["everyone"]),
    ({"baselines": {"opt_out": ["everyone"]}}, ["dev-workloads"]),
    ({"baselines": {"add": ["opt-in-only"]}}, ["everyone", "dev-workloads", "opt-in-only"]),
    ({"account_id": "111111111111"}, []),
])
def test_which_baselines_an_account_gets(fields: dict[str, Any], expected: list[str]) -> None:
    assert selected(ORG, _account(**fields)) == expected


def test_merged_baselines_union_regions_and_access() -> None:
    merged = merge([ORG["baselines"][n] for n in ("everyone", "dev-workloads", "opt-in-only")])
    assert merged.regions == {"ap-east-1", "me-south-1"}
    assert merged.access == {Access("GROUP", "devs", "PowerUser")}
    assert merged.budget is None and not merged.contacts


def test_the_region_list_is_botocores() -> None:
    """Every Region of the aws partition in botocore's endpoint data is known, and no other."""
    partitions = botocore.session.get_session().get_data("endpoints")["partitions"]
    aws = next(p for p in partitions if p["partition"] == "aws")
    assert set(REGIONS) == set(aws["regions"])
