"""AWS's checks on policies and attachments that moto does not make.

Sources: Organizations User Guide "Quotas and service limits" (each type's largest document and
directly attached policies per target: orgsim/policy_kinds.py) and the API Reference for
CreatePolicy, UpdatePolicy, AttachPolicy, DetachPolicy and DeletePolicy (error codes and reasons).
"""

from __future__ import annotations

import json
from typing import Any

from orgsim.backend import enabled_types, find_target
from orgsim.errors import AwsError, constraint, invalid_input
from orgsim.policy_kinds import KINDS, max_chars, max_per_target
from orgsim.settings import Settings
from orgsim.tag_rules import PATTERN_MESSAGE

# SCPs (and RCPs) must always leave one policy on every target; other types may drop to zero.
MIN_ONE = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")
MALFORMED = "The provided policy document doesn't meet the requirements of the specified policy type."


def check_content(policy_type: str, content: str) -> None:
    if policy_type not in KINDS:
        raise invalid_input("INVALID_ENUM_POLICY_TYPE", "You specified an invalid policy type string.")
    if len(content) > max_chars(policy_type):
        raise constraint("POLICY_CONTENT_LIMIT_EXCEEDED",
                         "You attempted to create a policy that is larger than the maximum size.")
    try:
        document = json.loads(content)
    except ValueError as exc:
        raise AwsError("MalformedPolicyDocumentException", MALFORMED) from exc
    if not isinstance(document, dict):
        raise AwsError("MalformedPolicyDocumentException", MALFORMED)
    if policy_type in MIN_ONE and not _statements_ok(document):
        raise AwsError("MalformedPolicyDocumentException", MALFORMED)


def check_count(backend: Any, policy_type: str, limit: int) -> None:
    """Quotas: at most 1,000 policies of each type; AWS-managed ones do not count."""
    own = [p for p in backend.policies if p.type == policy_type and not p.aws_managed]
    if len(own) >= limit:
        raise constraint("POLICY_NUMBER_LIMIT_EXCEEDED",
                         "You attempted to exceed the number of policies that you can have in an "
                         "organization.")


def _statements_ok(document: dict[str, Any]) -> bool:
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        return False
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") not in ("Allow", "Deny"):
            return False
        if "Action" not in statement and "NotAction" not in statement:
            return False
    return document.get("Version", "2012-10-17") in ("2012-10-17", "2008-10-17")


def policy_or_fail(backend: Any, policy_id: str) -> Any:
    policy = next((p for p in backend.policies if p.id == policy_id), None)
    if policy is None:
        raise AwsError("PolicyNotFoundException",
                       "We can't find a policy with the PolicyId that you specified.")
    return policy


def check_taggable(backend: Any, params: dict[str, Any]) -> None:
    """AWS refuses tag calls on AWS-managed policies as a pattern mismatch (moto accepts them)."""
    policy = next((p for p in backend.policies if p.id == params.get("ResourceId")), None)
    if policy is not None and policy.aws_managed:
        raise invalid_input("INVALID_PATTERN", PATTERN_MESSAGE)


def check_mutable(backend: Any, policy_id: str) -> Any:
    policy = policy_or_fail(backend, policy_id)
    if policy.aws_managed:
        raise invalid_input("IMMUTABLE_POLICY", "You specified a policy that is managed by AWS and "
                            "can't be modified.")
    return policy


def target_or_fail(backend: Any, target_id: str) -> Any:
    target = find_target(backend, target_id)
    if target is None:
        raise AwsError("TargetNotFoundException",
                       "We can't find a root, OU, account, or policy with the TargetId that you specified.")
    return target


def check_attach(backend: Any, settings: Settings, params: dict[str, Any]) -> None:
    policy = policy_or_fail(backend, params["PolicyId"])
    target = target_or_fail(backend, params["TargetId"])
    if policy.type not in enabled_types(backend):
        raise AwsError("PolicyTypeNotEnabledException",
                       "This operation can be performed only for enabled policy types.")
    if policy in target.attached_policies:
        raise AwsError("DuplicatePolicyAttachmentException",
                       "The selected policy is already attached to the specified target.")
    if (settings.refuse_management_scp and target.id == settings.management_account_id
            and policy.type == "SERVICE_CONTROL_POLICY"):
        raise AwsError("ConstraintViolationException",
                       "orgsim: SCPs do not apply to the management account; do not attach them there.",
                       Reason="MASTER_ACCOUNT_SCP_NOT_APPLICABLE")
    same_type = [p for p in target.attached_policies if p.type == policy.type]
    if len(same_type) >= max_per_target(policy.type):
        raise constraint("MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                         "You attempted to exceed the number of policies of a certain type that "
                         "can be attached to an entity at one time.")


def check_detach(backend: Any, params: dict[str, Any]) -> None:
    policy = policy_or_fail(backend, params["PolicyId"])
    target = target_or_fail(backend, params["TargetId"])
    if policy not in target.attached_policies:
        raise AwsError("PolicyNotAttachedException",
                       "The policy isn't attached to the specified target in the specified root.")
    if policy.aws_managed and policy.name == "RCPFullAWSAccess":
        # "RCP evaluation": RCPFullAWSAccess stays attached to every root, OU and account
        raise invalid_input("NON_DETACHABLE_POLICY", "You can't detach this AWS Managed Policy.")
    same_type = [p for p in target.attached_policies if p.type == policy.type]
    if policy.type in MIN_ONE and len(same_type) <= 1:
        raise constraint("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                         "You attempted to detach a policy from an entity that would leave the "
                         "entity with fewer than the minimum number of policies of a certain type "
                         "required.")
