"""`reconciler effective account:NAME [--type TYPE]` on the sample organization, and its bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from core_world import PROJECT


def test_prints_each_enabled_management_type(cli: Any) -> None:
    ran = cli("effective", "account:sandbox-alice", "--repo", str(PROJECT))
    assert ran.returncode == 0, ran.stderr
    headers = [line for line in ran.stdout.splitlines() if line.startswith("# ")]
    assert headers == ["# AISERVICES_OPT_OUT_POLICY", "# BACKUP_POLICY", "# DECLARATIVE_POLICY_EC2",
                       "# S3_POLICY", "# SECURITYHUB_POLICY", "# TAG_POLICY"]
    assert "(no policy of this type reaches the account)" in ran.stdout  # backup: production only


def test_one_type_is_the_merged_json(cli: Any) -> None:
    ran = cli("effective", "account:sandbox-alice", "--type", "DECLARATIVE_POLICY_EC2",
              "--repo", str(PROJECT))
    assert ran.returncode == 0, ran.stderr
    document = json.loads(ran.stdout.split("\n", 1)[1])
    gateway = document["ec2_attributes"]["vpc_block_public_access"]["internet_gateway_block"]
    assert gateway == {"mode": "block_ingress", "exclusions_allowed": "disabled"}  # the Sandbox OU's
    assert document["ec2_attributes"]["instance_metadata_defaults"]["http_tokens"] == "required"


@pytest.mark.parametrize(("args", "message"), [
    (["ou:Sandbox"], "'ou:Sandbox' is not account:<account_name>"),
    (["account:nobody"], "no account 'nobody' in the repository (accounts/nobody.yaml)"),
    (["account:sandbox-alice", "--type", "CHATBOT_POLICY"], "CHATBOT_POLICY is not enabled"),
    (["account:sandbox-alice", "--type", "SERVICE_CONTROL_POLICY"], "Invalid value for '--type'"),
])
def test_bad_input_is_one_line_and_exit_1(cli: Any, args: list[str], message: str) -> None:
    ran = cli("effective", *args, "--repo", str(PROJECT))
    assert ran.returncode == 1
    assert message in ran.stderr
    assert "Traceback" not in ran.stderr and ran.stdout == ""
