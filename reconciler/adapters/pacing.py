"""Client-side rate limiting for the Organizations API.

AWS throttles Organizations per operation with a token bucket (a sustained rate and a burst). A
reader that walks 10,000 accounts would otherwise spend its time in TooManyRequestsException and
botocore's back-off; pacing each operation just under the published rate keeps a full read at its
floor. botocore's adaptive retry mode still handles the throttles that get through (other
clients of the same organization share the bucket).

The rates and where they come from are in docs/live-reader.md.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Rate:
    per_second: float
    burst: int


# AWS documents that Organizations throttles each operation with TooManyRequestsException but
# publishes no per-operation figures (docs/live-reader.md). These are the rates orgsim emulates:
# a few reads per second per organization, writes slower, account creation slowest. Pacing a
# little under them leaves room for the other clients of the same organization.
READ_RATE: Final = Rate(per_second=5.0, burst=10)
WRITE_RATE: Final = Rate(per_second=2.0, burst=4)
READ_PREFIXES: Final = ("Describe", "List", "Get")
HEADROOM: Final = 0.9
# Published, for the Account Management API: PutAccountName 1 per second, burst 1; for the
# Resource Groups Tagging API (Tag Editor User Guide, "Service quotas"): GetResources 15 per second.
OVERRIDES: Final[Mapping[str, Rate]] = {"PutAccountName": Rate(1.0, 1), "GetResources": Rate(15.0, 15)}


# IAM Identity Center quotas, Throttle limits: its APIs (sso-admin and identitystore) share one
# throttle of 20 requests a second, so they share one bucket here.
IDENTITY_CENTER: Final = frozenset({"sso-admin", "identitystore"})
IDENTITY_CENTER_RATE: Final = Rate(20.0, 20)
# Quotas for AWS Account Management (per account; paced here per operation, the stricter reading).
OVERRIDES_ACCOUNT: Final[Mapping[str, Rate]] = {
    "EnableRegion": Rate(1.0, 1), "DisableRegion": Rate(1.0, 1), "ListRegions": Rate(5.0, 5),
    "GetRegionOptStatus": Rate(5.0, 5), "GetAlternateContact": Rate(10.0, 15),
    "PutAlternateContact": Rate(5.0, 8),
}


def rate_for(operation: str) -> Rate:
    if operation == "IdentityCenter":
        return IDENTITY_CENTER_RATE
    if operation in OVERRIDES_ACCOUNT:
        return OVERRIDES_ACCOUNT[operation]
    if operation in OVERRIDES:
        return OVERRIDES[operation]
    return READ_RATE if operation.startswith(READ_PREFIXES) else WRITE_RATE


class TokenBucket:
    """A token bucket that blocks until a token is free. Thread-safe: creates may be polled from
    several threads."""

    def __init__(
        self,
        rate: Rate,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._rate = rate
        self._tokens = float(rate.burst)
        self._clock = clock
        self._sleep = sleep
        self._stamp = clock()
        self._lock = threading.Lock()

    def take(self) -> float:
        """Take one token, sleeping if needed; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self._rate.burst, self._tokens + (now - self._stamp) * self._rate.per_second)
            self._stamp = now
            self._tokens -= 1.0
            wait = -self._tokens / self._rate.per_second if self._tokens < 0 else 0.0
        if wait > 0:
            self._sleep(wait)
        return wait


class RateLimiter:
    """One bucket per operation, created on first use."""

    def __init__(self, enabled: bool = True, scale: float = 1.0) -> None:
        self._enabled = enabled
        self._scale = scale  # >1 paces faster: for simulators that throttle at a multiple of AWS's rate
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def acquire(self, operation: str, service: str = "organizations") -> None:
        if not self._enabled:
            return
        if service in IDENTITY_CENTER:
            operation = "IdentityCenter"  # one bucket for all of Identity Center's operations
        with self._lock:
            bucket = self._buckets.get(operation)
            if bucket is None:
                rate = rate_for(operation)
                bucket = TokenBucket(Rate(rate.per_second * self._scale * HEADROOM, rate.burst))
                self._buckets[operation] = bucket
        bucket.take()
