"""Every AWS Organizations policy type orgsim serves, with AWS's numbers: its own copy of the
reconciler's table (reconciler/policy_types.py, where each number's source is cited), so the
simulator does not import the product it tests; tests/test_policy_types.py keeps the two equal.

moto 5.2.5 knows five types and cannot create a backup policy; `extend_moto` teaches its root and
policy objects every type in botocore's `PolicyType` enum, with the policy ARN AWS documents
(`arn:aws:organizations::<management>:policy/o-.../<type in lower case>/p-...`, API Reference,
Policy / PolicySummary `Arn`).
"""

from __future__ import annotations

from typing import Any

from moto.organizations import models as moto_models

# type: (largest document in characters, policies of the type per target, AWS-managed default)
KINDS: dict[str, tuple[int, int, str | None]] = {
    "SERVICE_CONTROL_POLICY": (10240, 10, "FullAWSAccess"),
    "RESOURCE_CONTROL_POLICY": (5120, 5, "RCPFullAWSAccess"),
    "TAG_POLICY": (10000, 10, None),
    "BACKUP_POLICY": (10000, 10, None),
    "AISERVICES_OPT_OUT_POLICY": (2500, 5, None),
    "CHATBOT_POLICY": (10000, 10, None),
    "DECLARATIVE_POLICY_EC2": (10000, 10, None),
    "SECURITYHUB_POLICY": (10000, 10, None),
    "SECURITYHUB_CSPM_POLICY": (10000, 10, None),
    "INSPECTOR_POLICY": (10000, 10, None),
    "UPGRADE_ROLLOUT_POLICY": (10000, 10, None),
    "BEDROCK_POLICY": (10000, 10, None),
    "S3_POLICY": (10000, 10, None),
    "NETWORK_SECURITY_DIRECTOR_POLICY": (10000, 10, None),
    "GUARDDUTY_POLICY": (10000, 10, None),
}
AUTHORIZATION = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")
MANAGEMENT = tuple(t for t in KINDS if t not in AUTHORIZATION)
_ARN = "arn:{0}:organizations::{1}:policy/{2}/%s/{3}"


def max_chars(policy_type: str) -> int:
    return KINDS[policy_type][0]


def max_per_target(policy_type: str) -> int:
    return KINDS[policy_type][1]


def extend_moto() -> None:
    """Every type enabled on moto's root and created as a policy (idempotent)."""
    for cls in (moto_models.FakeRoot, moto_models.FakePolicy):
        cls.SUPPORTED_POLICY_TYPES = list(KINDS)
    policy_cls: Any = moto_models.FakePolicy
    if getattr(policy_cls, "_orgsim_extended", False):
        return
    original = policy_cls.__init__
    known = {"AISERVICES_OPT_OUT_POLICY", "RESOURCE_CONTROL_POLICY", "SERVICE_CONTROL_POLICY", "TAG_POLICY"}

    def init(self: Any, organization: Any, **kwargs: Any) -> None:
        policy_type = kwargs.get("Type", "")
        if policy_type in known or policy_type not in KINDS:
            original(self, organization, **kwargs)
            return
        original(self, organization, **dict(kwargs, Type="TAG_POLICY"))
        self.type = policy_type
        self._arn_format = _ARN % policy_type.lower()

    policy_cls.__init__ = init
    policy_cls._orgsim_extended = True
