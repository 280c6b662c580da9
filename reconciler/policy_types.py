"""Every AWS Organizations policy type, with AWS's published numbers: the one table the validator,
the planner, the live reader and orgsim's mirror (orgsim/policy_kinds.py, kept equal by
tests/test_policy_types.py) read.

The types are botocore's `PolicyType` enum (organizations service model, botocore 1.44.8). Sources,
cited per number below:
- [Quotas] Organizations User Guide, "Quotas and service limits for AWS Organizations", Maximum and
  minimum values: "Maximum size of a policy document" and the per-target attachment counts.
- [Types] Organizations User Guide, "Managing organization policies with AWS Organizations", Policy
  types table ("Affects management account", "Maximum number you can attach to a root, OU, or
  account", "Maximum size").
- [Issue 14] the SCP numbers in force since 2026-05-15: 10 per target and 10,240 characters.
- [assumption] a type too new for the copies of those pages found here (2026-11-30): the numbers of
  the other management policy types (10 per target, 10,000 characters); AWS would refuse more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class PolicyKind:
    name: str  # AWS's PolicyType value
    label: str  # how the docs and messages name it
    max_chars: int  # the document as minified JSON
    max_per_target: int  # policies of the type attached directly to one root, OU or account
    authorization: bool  # SCPs and RCPs: IAM policy grammar, no inheritance operators
    # Whether the type applies to the management account (authorization policies do not).
    affects_management: bool
    # The AWS-managed policy AWS attaches to every target when the type is enabled; never editable,
    # never detachable by the reconciler unless the repository declares where it stays (SCP only).
    default_policy: str | None = None
    # Top-level keys AWS documents for the type's documents; None where AWS publishes no full syntax
    # (then only the inheritance operators are checked).
    documented_keys: tuple[str, ...] | None = None


def _management(name: str, label: str, *, max_chars: int = 10000, per_target: int = 10,
                keys: tuple[str, ...] | None = None) -> PolicyKind:
    return PolicyKind(name, label, max_chars, per_target, authorization=False, affects_management=True,
                      documented_keys=keys)


KINDS: Final = (
    # [Issue 14] 10,240 characters and 10 per target since 2026-05-15; [Types] does not affect the
    # management account; FullAWSAccess is attached everywhere when SCPs are enabled ("SCP evaluation").
    PolicyKind("SERVICE_CONTROL_POLICY", "service control policy", 10240, 10, authorization=True,
               affects_management=False, default_policy="FullAWSAccess"),
    # [Quotas] RCPs 5,120 characters and 5 per target; [Types] not the management account;
    # RCPFullAWSAccess attached everywhere when RCPs are enabled ("RCP evaluation").
    PolicyKind("RESOURCE_CONTROL_POLICY", "resource control policy", 5120, 5, authorization=True,
               affects_management=False, default_policy="RCPFullAWSAccess"),
    # [Quotas] tag policies 10,000 characters; [Types] 10 per target.
    _management("TAG_POLICY", "tag policy", keys=("tags",)),
    # [Quotas] backup policies 10,000 characters; [Types] 10 per target.
    _management("BACKUP_POLICY", "backup policy", keys=("plans",)),
    # [Quotas] AI services opt-out policies 2,500 characters; [Types] 5 per target.
    _management("AISERVICES_OPT_OUT_POLICY", "AI services opt-out policy", max_chars=2500, per_target=5,
                keys=("services",)),
    # [Quotas] chat applications policies 10,000 characters; [assumption] 10 per target.
    _management("CHATBOT_POLICY", "chat applications policy", keys=("chatbot",)),
    # [Quotas] declarative policies 10,000 characters; [assumption] 10 per target.
    _management("DECLARATIVE_POLICY_EC2", "declarative policy for EC2", keys=("ec2_attributes",)),
    # [Quotas] Security Hub policies 10,000 characters; [assumption] 10 per target.
    _management("SECURITYHUB_POLICY", "Security Hub policy", keys=("securityhub",)),
    # [assumption] both numbers; syntax: Security Hub CSPM policies are not documented here.
    _management("SECURITYHUB_CSPM_POLICY", "Security Hub CSPM policy"),
    # [assumption] both numbers; syntax: "Amazon Inspector policy syntax".
    _management("INSPECTOR_POLICY", "Amazon Inspector policy", keys=("inspector",)),
    # [assumption] both numbers; syntax not published in full.
    _management("UPGRADE_ROLLOUT_POLICY", "upgrade rollout policy"),
    # [assumption] both numbers; syntax not published in full.
    _management("BEDROCK_POLICY", "Amazon Bedrock policy"),
    # [assumption] both numbers; syntax: "Amazon S3 policy syntax and examples" (s3_attributes).
    _management("S3_POLICY", "Amazon S3 policy", keys=("s3_attributes",)),
    # [assumption] both numbers; syntax not published in full.
    _management("NETWORK_SECURITY_DIRECTOR_POLICY", "Network Security Director policy"),
    # [assumption] both numbers; syntax not published in full.
    _management("GUARDDUTY_POLICY", "GuardDuty policy"),
)

BY_NAME: Final = {k.name: k for k in KINDS}
NAMES: Final = tuple(k.name for k in KINDS)
MANAGEMENT: Final = tuple(k.name for k in KINDS if not k.authorization)
# AWS-managed default policy name -> its type
DEFAULTS: Final = {k.default_policy: k.name for k in KINDS if k.default_policy}


def kind(name: str) -> PolicyKind:
    return BY_NAME[name]


def is_management(name: str) -> bool:
    found = BY_NAME.get(name)
    return found is not None and not found.authorization
