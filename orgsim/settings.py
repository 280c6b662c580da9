"""Run-time settings of one simulator, changeable through POST /_orgsim/config."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orgsim import identity

MANAGEMENT_ACCOUNT_ID = "111111111111"


@dataclass
class Settings:
    throttle: bool = False
    create_account_seconds: float = 2.0
    # None: closures take as long as creations (keeps the one CLI knob meaningful for both).
    close_account_seconds: float | None = None
    # EnablePolicyType / DisablePolicyType are asynchronous in AWS: PENDING_* for this long.
    policy_type_seconds: float = 1.0
    management_account_id: str = MANAGEMENT_ACCOUNT_ID
    # AWS's default is 10 accounts per organization, raised on request; tests need room.
    account_limit: int = 1000
    # CloseAccount's rolling 30-day quota; None: AWS's documented one, 10% of member accounts
    # between 10 and 1000. A number stands for an organization whose quota AWS has set otherwise.
    close_account_quota: int | None = None
    ou_limit: int = 2000
    policy_limit: int = 1000  # per policy type, as AWS's quota
    # AWS accepts an SCP on the management account (it has no effect there); the product's
    # contract says the management account is never a policy target, so orgsim refuses it.
    refuse_management_scp: bool = True
    # access key id -> who CloudTrail says signed with it: a user name, or an object with "type"
    # AssumedRole (role, session), Root or AWSService (service); see orgsim.identity
    identities: dict[str, Any] = field(default_factory=dict)
    # operation -> [rate per second, burst]; overrides the built-in table
    rates: dict[str, list[float]] = field(default_factory=dict)
    # the largest page a list operation answers (AWS may answer fewer than MaxResults; at most 20)
    page_size: int = 20
    # the Tagging API's index lags: GetResources answers tags changed (TagResource, UntagResource)
    # within this many seconds as they were before the change
    tag_index_lag_seconds: float = 0.0
    # CloudTrail's delivery delay: LookupEvents answers an event only this many seconds after it
    # happened ("typically ... within an average of about 5 minutes of an API call. This time is
    # not guaranteed", CloudTrail User Guide, "Getting and viewing your CloudTrail log files")
    cloudtrail_delivery_seconds: float = 0.0
    # EnableRegion / DisableRegion stay ENABLING / DISABLING this long (AWS: minutes)
    region_opt_seconds: float = 1.0
    # CreateAccountAssignment stays IN_PROGRESS this long
    assignment_seconds: float = 0.5

    def closing_seconds(self) -> float:
        if self.close_account_seconds is None:
            return self.create_account_seconds
        return self.close_account_seconds

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a /_orgsim/config body; unknown keys or wrong types raise ValueError."""
        for key, value in changes.items():
            if key not in _TYPES or key == "management_account_id":
                raise ValueError(f"unknown or read-only setting: {key}")
            expected = _TYPES[key]
            if key in ("close_account_seconds", "close_account_quota") and value is None:
                setattr(self, key, None)
                continue
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise ValueError(f"setting {key} must be {expected.__name__}")
            if key == "identities":
                identity.check(value)
            if key == "page_size" and isinstance(value, int) and not 1 <= value <= 20:
                raise ValueError("setting page_size must be 1 to 20 (AWS's largest page)")
            setattr(self, key, value)

    def public(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in _TYPES}


_TYPES: dict[str, type] = {
    "throttle": bool,
    "create_account_seconds": float,
    "close_account_seconds": float,
    "policy_type_seconds": float,
    "management_account_id": str,
    "account_limit": int,
    "close_account_quota": int,
    "ou_limit": int,
    "policy_limit": int,
    "refuse_management_scp": bool,
    "identities": dict,
    "rates": dict,
    "page_size": int,
    "tag_index_lag_seconds": float,
    "cloudtrail_delivery_seconds": float,
    "region_opt_seconds": float,
    "assignment_seconds": float,
}
