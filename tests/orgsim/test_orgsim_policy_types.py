"""EnablePolicyType / DisablePolicyType are asynchronous (botocore's model: "This is an asynchronous
request that Amazon Web Services performs in the background"; PolicyTypeStatus ENABLED |
PENDING_ENABLE | PENDING_DISABLE). While a type is pending, ListRoots shows it and AttachPolicy of
it is PolicyTypeNotEnabledException."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from orgsim_support import DEADLINE_SECONDS, error_of, root_id, scp

from orgsim.cli import main, parser
from orgsim.testing import OrgSim

SCP = "SERVICE_CONTROL_POLICY"


def _status(org: Any, policy_type: str = SCP) -> str | None:
    types = org.list_roots()["Roots"][0]["PolicyTypes"]
    return next((t["Status"] for t in types if t["Type"] == policy_type), None)


def _wait_for(org: Any, wanted: str | None) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if _status(org) == wanted:
            return
        time.sleep(0.05)
    raise AssertionError(f"the SCP type never reached {wanted}")


def _attach_error(org: Any, policy_id: str, target: str) -> str:
    with pytest.raises(ClientError) as caught:
        org.attach_policy(PolicyId=policy_id, TargetId=target)
    return error_of(caught.value)[0]


def _root_policies(org: Any, root: str) -> list[str]:
    found = org.list_policies_for_target(TargetId=root, Filter=SCP)["Policies"]
    return sorted(p["Name"] for p in found)


def test_enable_policy_type_is_pending_then_enabled(orgsim: OrgSim) -> None:
    orgsim.configure(policy_type_seconds=0.5)
    org = orgsim.client()
    root = root_id(org)
    answer = org.enable_policy_type(RootId=root, PolicyType=SCP)["Root"]["PolicyTypes"]
    assert answer == [{"Type": SCP, "Status": "PENDING_ENABLE"}]
    assert _status(org) == "PENDING_ENABLE"
    policy = org.create_policy(Name="deny", Description="", Type=SCP, Content=scp())["Policy"]
    policy_id = policy["PolicySummary"]["Id"]
    assert _attach_error(org, policy_id, root) == "PolicyTypeNotEnabledException"
    assert _root_policies(org, root) == []  # FullAWSAccess arrives with ENABLED, not before
    with pytest.raises(ClientError) as again:
        org.enable_policy_type(RootId=root, PolicyType=SCP)
    assert error_of(again.value)[0] == "PolicyTypeAlreadyEnabledException"
    with pytest.raises(ClientError) as early_disable:
        org.disable_policy_type(RootId=root, PolicyType=SCP)
    assert error_of(early_disable.value)[0] == "PolicyTypeNotEnabledException"
    _wait_for(org, "ENABLED")
    assert _root_policies(org, root) == ["FullAWSAccess"]
    org.attach_policy(PolicyId=policy_id, TargetId=root)
    assert _root_policies(org, root) == ["FullAWSAccess", "deny"]


def test_disable_policy_type_is_pending_then_gone_with_its_attachments(orgsim: OrgSim) -> None:
    org = orgsim.client()
    root = root_id(org)
    org.enable_policy_type(RootId=root, PolicyType=SCP)  # the fixture's delay is 0: enabled at once
    assert _status(org) == "ENABLED"
    policy_id = org.create_policy(Name="deny", Description="", Type=SCP, Content=scp())["Policy"][
        "PolicySummary"]["Id"]
    orgsim.configure(policy_type_seconds=0.5)
    answer = org.disable_policy_type(RootId=root, PolicyType=SCP)["Root"]["PolicyTypes"]
    assert answer == [{"Type": SCP, "Status": "PENDING_DISABLE"}]
    assert _attach_error(org, policy_id, root) == "PolicyTypeNotEnabledException"
    _wait_for(org, None)
    assert _root_policies(org, root) == []


def test_unknown_root_and_policy_type_are_refused(orgsim: OrgSim) -> None:
    org = orgsim.client()
    with pytest.raises(ClientError) as no_root:
        org.enable_policy_type(RootId="r-zzzz", PolicyType=SCP)
    assert error_of(no_root.value)[0] == "RootNotFoundException"
    with pytest.raises(ClientError) as no_type:
        org.enable_policy_type(RootId=root_id(org), PolicyType="NO_SUCH_POLICY")
    assert error_of(no_type.value) == ("InvalidInputException", "INVALID_ENUM_POLICY_TYPE")


def test_policy_type_seconds_is_a_setting(orgsim: OrgSim) -> None:
    assert orgsim.configure(policy_type_seconds=2)["policy_type_seconds"] == 2.0
    orgsim.reset(state=False, settings=True)
    assert orgsim.configure()["policy_type_seconds"] == 0.0


def test_orgsim_serve_takes_the_delay_as_a_flag_and_refuses_a_negative_one() -> None:
    assert parser().parse_args(["serve"]).policy_type_seconds == 1.0
    assert parser().parse_args(["serve", "--policy-type-seconds", "0"]).policy_type_seconds == 0.0
    with pytest.raises(SystemExit, match="cannot be negative"):
        main(["serve", "--policy-type-seconds", "-1"])
