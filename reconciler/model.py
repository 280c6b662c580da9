"""The one model of an organization, shared by the desired state (loaded from the repository) and
the live state (read from AWS).

Keeping both sides in the same frozen dataclasses is what lets the planner be a pure function
`plan(desired, live) -> Plan` that tests can drive with tables of plain values. Fields that only
one side knows (an OU's AWS id, a file position) are optional and excluded from equality.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from reconciler import policy_types

ROOT: Final = "root"
# AWS's account State (Organizations' `Account.State`; `Status` was retired on 2026-09-09). An
# account in one of these is closed or being closed: nothing can be changed on it and it is never
# closed again. PENDING_ACTIVATION (sign-up not completed) and ACTIVE are open.
ACCOUNT_STATES: Final = ("PENDING_ACTIVATION", "ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "CLOSED")
CLOSED_STATES: Final = frozenset({"PENDING_CLOSURE", "SUSPENDED", "CLOSED"})
SCP: Final = "SERVICE_CONTROL_POLICY"
RCP: Final = "RESOURCE_CONTROL_POLICY"
TAG_POLICY: Final = "TAG_POLICY"
# Every type AWS has (reconciler/policy_types.py holds each one's numbers and sources)
POLICY_TYPES: Final = policy_types.NAMES
FULL_AWS_ACCESS: Final = "FullAWSAccess"
RCP_FULL_AWS_ACCESS: Final = "RCPFullAWSAccess"

ENVIRONMENTS: Final = ("production", "staging", "development", "sandbox", "shared")
WORKLOAD_TYPES: Final = (
    "customer_isolated", "shared_services", "security", "logging", "networking", "sandbox", "internal",
)
COMPLIANCE_SCOPES: Final = ("soc2", "iso27001", "pci_dss", "hipaa", "gdpr", "fedramp")
AUTOMATION_LEVELS: Final = ("full", "assisted", "manual")
LIFECYCLE_STATES: Final = ("requested", "active", "suspended", "retiring", "closed")

# The tags the reconciler puts on every account it manages. The keys are the product's choice and
# documented in docs/format.md; they are reserved, so an account's extra `tags:` may not use them.
TAG_MANAGED_BY: Final = "managed-by"
MANAGED_BY_VALUE: Final = "reconciler"
METADATA_TAGS: Final = {
    "environment": "environment",
    "workload_type": "workload-type",
    "owner_team": "owner-team",
    "cost_center": "cost-center",
    "compliance_scope": "compliance-scope",
    "automation_level": "automation-level",
    "lifecycle_state": "lifecycle-state",
}
RESERVED_TAG_KEYS: Final = frozenset({*METADATA_TAGS.values(), TAG_MANAGED_BY})
COMPLIANCE_SEPARATOR: Final = " "  # tag values may not hold commas; a space is allowed
MAX_ACCOUNT_TAGS: Final = 50


@dataclass(frozen=True)
class Source:
    """Where a value was written: repository-relative path, 1-based line and column."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class OrganizationalUnit:
    path: str  # "Workloads/Production": names from the root, joined by "/"
    tags: Mapping[str, str] = field(default_factory=dict)
    ou_id: str | None = field(default=None, compare=False)
    source: Source | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def parent(self) -> str:
        """The parent's path, or ROOT."""
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ROOT

    @property
    def depth(self) -> int:
        return self.path.count("/") + 1


@dataclass(frozen=True)
class Account:
    name: str
    email: str
    ou: str  # an OU path or ROOT
    account_id: str | None = None
    environment: str | None = None
    workload_type: str | None = None
    owner_team: str | None = None
    cost_center: str | None = None
    compliance_scope: tuple[str, ...] = ()
    automation_level: str = "full"
    created_by: str | None = None
    lifecycle_state: str = "active"
    extra_tags: Mapping[str, str] = field(default_factory=dict)
    # The complete tag set as it is (live) or must be (desired) in AWS: metadata tags, the
    # managed-by tag and the extra tags. The loader computes it with `account_tags`.
    tags: Mapping[str, str] = field(default_factory=dict)
    # AWS's account State (one of ACCOUNT_STATES); the repository's side always says ACTIVE
    status: str = "ACTIVE"
    source: Source | None = field(default=None, compare=False)
    field_sources: Mapping[str, Source] = field(default_factory=dict, compare=False, repr=False)
    # The repository's side only (docs/lifecycle.md): a sandbox lease, and protection from closing.
    lease: Lease | None = field(default=None, compare=False)
    protected: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Lease:
    """`lease: {expires: 2027-01-31}` or `lease: {days: 30}` (counted from the account's creation,
    as reconcile records it)."""

    expires: date | None = None
    days: int | None = None


# The lifecycle transitions the reconciler opens pull requests for; `lifecycle.auto_merge` names
# which of them merge without review.
TRANSITIONS: Final = ("retire_lease", "retire_inactive", "close")


@dataclass(frozen=True)
class LifecycleSettings:
    """organization.yaml `lifecycle:` (docs/lifecycle.md)."""

    quarantine_ou: str | None = None  # where retiring accounts wait out their grace period
    quarantine_scp: bool = False  # the product creates and attaches a deny-all SCP there
    grace_days: int = 30
    lease_warning_days: int = 7
    inactive_after_days: int | None = None  # None: inactivity is not checked
    inactive_below_usd: float = 1.0  # a day costing less than this is an idle day
    flag_below_monthly_usd: float | None = None  # None: no cost-flag issue
    # CloseAccount's rolling 30-day quota; None: AWS's, 10% of member accounts, between 10 and 1000
    # (Organizations API Reference, CloseAccount).
    close_quota: int | None = None
    closes_in_progress: int = 3  # AWS refuses a fourth close while three are in progress
    auto_merge: frozenset[str] = frozenset()


# Policy types a `rollout:` block may be written on: authorization policies, whose attachment can
# break what an account does. The one place this is decided (`rollout_allowed`).
ROLLOUT_TYPES: Final = (SCP,)


def rollout_allowed(policy_type: str) -> bool:
    return policy_type in ROLLOUT_TYPES


# A changed document of a policy that exists in AWS rolls out as a second policy beside the
# original, its shadow (docs/rollout.md): named from the original within CreatePolicy's Name
# limit (1-128 characters, Organizations API Reference), and marked by its description, which
# names the original, so that every stage knows it as the reconciler's and never as unmanaged.
SHADOW_SUFFIX: Final = ".rollout"
POLICY_NAME_MAX: Final = 128
_SHADOW_MARK: Final = "org-reconciler rollout of "
_SHADOW_TAIL: Final = ": the new document beside the original until the rollout ends"


def shadow_name(name: str) -> str:
    """`<name>.rollout`; a name too long for that keeps its start and a hash of the whole."""
    if len(name) + len(SHADOW_SUFFIX) <= POLICY_NAME_MAX:
        return name + SHADOW_SUFFIX
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    keep = POLICY_NAME_MAX - len(SHADOW_SUFFIX) - len(digest) - 1
    return f"{name[:keep]}-{digest}{SHADOW_SUFFIX}"


def shadow_description(name: str) -> str:
    return _SHADOW_MARK + name + _SHADOW_TAIL


def shadow_of(name: str, description: str | None) -> str | None:
    """The original's name when a policy called `name` with `description` is a rollout's shadow."""
    text = description or ""
    if not (text.startswith(_SHADOW_MARK) and text.endswith(_SHADOW_TAIL)):
        return None
    original = text[len(_SHADOW_MARK):len(text) - len(_SHADOW_TAIL)]
    return original if original and shadow_name(original) == name else None


@dataclass(frozen=True)
class RolloutStep:
    """One step of a policy's rollout: `targets` (None means the policy's own `targets:`, the
    last step) or `accounts_percent` of the accounts the policy's targets reach; then a bake."""

    targets: tuple[str, ...] | None = None
    accounts_percent: int | None = None
    bake_seconds: int = 0
    bake: str = ""  # as written, for people

    @property
    def final(self) -> bool:
        """`targets: all`: the policy's own targets."""
        return self.targets is None and self.accounts_percent is None


@dataclass(frozen=True)
class Rollout:
    steps: tuple[RolloutStep, ...]
    cloudwatch_alarms: tuple[str, ...] = ()
    max_denied_calls: int | None = None


@dataclass(frozen=True)
class Policy:
    name: str
    type: str  # SCP or TAG_POLICY
    description: str = ""
    # The document as parsed JSON (dicts and lists); None for an AWS-managed policy in the repo.
    document: Mapping[str, object] | None = None
    # "root", "ou:<path>" or "account:<account_name>"; a frozenset because order carries no meaning.
    targets: frozenset[str] = frozenset()
    aws_managed: bool = False
    policy_id: str | None = field(default=None, compare=False)
    source: Source | None = field(default=None, compare=False)
    field_sources: Mapping[str, Source] = field(default_factory=dict, compare=False, repr=False)
    # The repository's `rollout:` block (docs/rollout.md); live policies never have one.
    rollout: Rollout | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ReconcileSettings:
    enabled: bool = True
    unmanaged_accounts: str = "import_pr"  # ignore | report | import_pr
    unmanaged_policies: str = "report"  # ignore | report | import_pr | detach
    # New pull requests and issues one run may open; the rest wait for the next runs.
    max_pull_requests_per_run: int = 30


@dataclass(frozen=True)
class Guardrails:
    allow_account_close: bool = False
    max_destructive_changes: int = 5


@dataclass(frozen=True)
class Quotas:
    # SCPs at most 10,240 characters since 2026-05-15 (reconciler/policy_types.py cites the sources)
    scp_max_chars: int = policy_types.kind(SCP).max_chars
    tag_policy_max_chars: int = policy_types.kind(TAG_POLICY).max_chars
    # an upper bound over every type's own per-target maximum (policy_types.PolicyKind.max_per_target)
    policies_per_target: int = 10
    ou_max_depth: int = 5
    # The organization's account quota (AWS's default is 10, raised on request); None: not checked.
    # Closed accounts count against it until they are permanently closed, 90 days after closing.
    max_accounts: int | None = None

    def max_chars(self, policy_type: str) -> int:
        if policy_type == SCP:
            return self.scp_max_chars
        if policy_type == TAG_POLICY:
            return self.tag_policy_max_chars
        return policy_types.kind(policy_type).max_chars

    def per_target(self, policy_type: str) -> int:
        """Policies of the type one target may have attached directly: quotas.policies_per_target
        for SCPs and tag policies (the types it has always governed), for any other type AWS's
        number for the type, or quotas.policies_per_target when that is lower."""
        if policy_type in (SCP, TAG_POLICY):
            return self.policies_per_target
        return min(self.policies_per_target, policy_types.kind(policy_type).max_per_target)


@dataclass(frozen=True)
class Organization:
    management_account_id: str
    policy_types: frozenset[str] = frozenset()
    ous: tuple[OrganizationalUnit, ...] = ()
    accounts: tuple[Account, ...] = ()
    policies: tuple[Policy, ...] = ()
    reconcile: ReconcileSettings = ReconcileSettings()
    guardrails: Guardrails = Guardrails()
    quotas: Quotas = Quotas()
    lifecycle: LifecycleSettings = LifecycleSettings()
    audit_uri: str | None = None  # organization.yaml `audit.uri`: s3://bucket/prefix or a local path
    # Account baselines: desired, by account name (each account's effective baseline, when it has
    # one); live, by account id (what AWS has of the items the repository manages).
    baselines: Mapping[str, Baseline] = field(default_factory=dict)
    # Desired: where each Identity Center name is first written ("group:x", "user:y",
    # "permission_set:z"). Live: what those names resolve to in Identity Center.
    identity_names: Mapping[str, Source] = field(default_factory=dict, compare=False, repr=False)
    identity_center: IdentityCenter | None = field(default=None, compare=False)
    # Desired only: per-account work inside the account (`reconciler baseline --shard`), by account
    # name, and the settings it runs with (docs/format.md, "Baselines inside the account").
    in_account: Mapping[str, InAccountWork] = field(default_factory=dict, compare=False, repr=False)
    in_account_settings: InAccountSettings = field(
        default_factory=lambda: InAccountSettings(), compare=False, repr=False)
    root_id: str | None = field(default=None, compare=False)
    source: Source | None = field(default=None, compare=False)

    def ou(self, path: str) -> OrganizationalUnit | None:
        return next((o for o in self.ous if o.path == path), None)

    def account(self, name: str) -> Account | None:
        return next((a for a in self.accounts if a.name == name), None)

    def policy(self, name: str) -> Policy | None:
        return next((p for p in self.policies if p.name == name), None)


def policy_content(document: Mapping[str, object] | None) -> str:
    """A policy document exactly as the reconciler sends it to AWS: minified JSON, non-ASCII kept as
    is. AWS's size quotas count the characters of this string, so validate, plan and apply all
    measure and send this one form."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def account_tags(
    *,
    environment: str | None,
    workload_type: str | None,
    owner_team: str | None,
    cost_center: str | None,
    compliance_scope: tuple[str, ...],
    automation_level: str,
    lifecycle_state: str,
    extra_tags: Mapping[str, str],
) -> dict[str, str]:
    """The full AWS tag set for an account's metadata; see docs/format.md for the keys."""
    values: dict[str, str | None] = {
        "environment": environment,
        "workload_type": workload_type,
        "owner_team": owner_team,
        "cost_center": cost_center,
        "compliance_scope": COMPLIANCE_SEPARATOR.join(compliance_scope) or None,
        "automation_level": automation_level,
        "lifecycle_state": lifecycle_state,
    }
    tags = {METADATA_TAGS[k]: v for k, v in values.items() if v is not None}
    tags[TAG_MANAGED_BY] = MANAGED_BY_VALUE
    tags.update(extra_tags)
    return tags


def metadata_from_tags(tags: Mapping[str, str]) -> dict[str, object]:
    """The inverse of `account_tags`, for live accounts and import: metadata fields found in tags,
    plus `extra_tags` for everything that is not a reserved key."""
    by_key = {v: k for k, v in METADATA_TAGS.items()}
    fields: dict[str, object] = {}
    extra: dict[str, str] = {}
    for key, value in tags.items():
        if key in by_key:
            name = by_key[key]
            if name == "compliance_scope":
                fields[name] = tuple(v for v in value.split(COMPLIANCE_SEPARATOR) if v)
            else:
                fields[name] = value
        elif key != TAG_MANAGED_BY:
            extra[key] = value
    fields["extra_tags"] = extra
    return fields


# Account baselines (docs/format.md, "Baselines"): what an account needs before a team can use it.
CONTACT_TYPES: Final = ("BILLING", "OPERATIONS", "SECURITY")
BUDGET_PREFIX: Final = "baseline-"  # the budget of account 123456789012 is baseline-123456789012


@dataclass(frozen=True)
class Contact:
    name: str
    title: str
    email: str
    phone: str


@dataclass(frozen=True, order=True)
class Access:
    principal_type: str  # GROUP | USER
    principal: str  # the group's display name or the user's user name
    permission_set: str  # the permission set's name

    @property
    def principal_key(self) -> str:
        """"group:<name>" or "user:<name>": how the repository names a principal."""
        return f"{self.principal_type.lower()}:{self.principal}"


@dataclass(frozen=True)
class BudgetAlert:
    kind: str  # ACTUAL | FORECASTED
    threshold: float  # percent of the limit


@dataclass(frozen=True)
class AccountBudget:
    limit_usd: float
    alerts: frozenset[BudgetAlert] = frozenset()
    subscribers: frozenset[str] = frozenset()  # email addresses and SNS topic ARNs


@dataclass(frozen=True)
class Baseline:
    contacts: Mapping[str, Contact] = field(default_factory=dict)  # BILLING | OPERATIONS | SECURITY
    regions: frozenset[str] = frozenset()  # opt-in Regions enabled (live: ENABLED or ENABLING)
    access: frozenset[Access] = frozenset()
    budget: AccountBudget | None = None

    @property
    def empty(self) -> bool:
        return not (self.contacts or self.regions or self.access or self.budget)


@dataclass(frozen=True)
class IdentityCenter:
    """The Identity Center instance and the repository's names resolved in it."""

    instance_arn: str
    identity_store_id: str
    principals: Mapping[str, str] = field(default_factory=dict)  # "group:x" / "user:y" -> id
    permission_sets: Mapping[str, str] = field(default_factory=dict)  # name -> ARN


# Baselines inside the account (docs/format.md, "Baselines inside the account"): work that needs a
# role in the account, done by `reconciler baseline --shard I/N`, never by plan or apply.
DEFAULT_ACCESS_ROLE: Final = "OrganizationAccountAccessRole"  # the role CreateAccount makes


@dataclass(frozen=True)
class InAccountWork:
    delete_default_vpcs: bool = False
    ebs_encryption_by_default: bool = False

    @property
    def empty(self) -> bool:
        return not (self.delete_default_vpcs or self.ebs_encryption_by_default)


@dataclass(frozen=True)
class InAccountSettings:
    """organization.yaml `in_account:`."""

    role_name: str = DEFAULT_ACCESS_ROLE
    regions: tuple[str, ...] = ()  # empty: every Region enabled in the account
    accounts_per_shard: int = 50
