"""The one table of policy types (reconciler/policy_types.py): every type in botocore's PolicyType
enum, orgsim's mirror equal to it, and the schemas accepting exactly those types."""

from __future__ import annotations

import json
from pathlib import Path

import botocore.session

from orgsim import policy_kinds
from reconciler import model, policy_types

SCHEMAS = Path(model.__file__).parent / "repository" / "schemas"


def test_the_table_has_every_type_in_botocores_enum() -> None:
    enum = botocore.session.get_session().get_service_model("organizations").shape_for("PolicyType").enum
    assert sorted(policy_types.NAMES) == sorted(enum)
    assert model.POLICY_TYPES == policy_types.NAMES


def test_orgsims_mirror_agrees_with_the_table() -> None:
    mirror = {name: (k.max_chars, k.max_per_target, k.default_policy)
              for name, k in policy_types.BY_NAME.items()}
    assert mirror == policy_kinds.KINDS
    assert set(policy_kinds.MANAGEMENT) == set(policy_types.MANAGEMENT)


def test_the_scp_numbers_are_those_in_force_since_2026_05_15() -> None:
    scp = policy_types.kind(model.SCP)
    assert (scp.max_chars, scp.max_per_target, scp.affects_management) == (10240, 10, False)
    assert model.Quotas().max_chars(model.SCP) == 10240
    rcp = policy_types.kind(model.RCP)
    assert (rcp.max_chars, rcp.max_per_target, rcp.default_policy) == (5120, 5, "RCPFullAWSAccess")
    assert model.Quotas().per_target(model.RCP) == 5
    assert model.Quotas(policies_per_target=3).per_target(model.TAG_POLICY) == 3


def test_management_types_affect_the_management_account_and_authorization_types_do_not() -> None:
    for kind in policy_types.KINDS:
        assert kind.affects_management is not kind.authorization


def test_the_schemas_accept_exactly_the_tables_types() -> None:
    policy = json.loads((SCHEMAS / "policy.json").read_text())
    organization = json.loads((SCHEMAS / "organization.json").read_text())
    assert policy["properties"]["type"]["enum"] == list(policy_types.NAMES)
    assert organization["properties"]["policy_types"]["items"]["enum"] == list(policy_types.NAMES)
