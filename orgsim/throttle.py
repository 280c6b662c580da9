"""Token buckets per operation, organization-wide, at AWS's rates (see docs/orgsim.md for sources)."""

from __future__ import annotations

import threading
import time

# AWS publishes no per-operation request rates for Organizations; it documents only that calls
# beyond an undisclosed rate get TooManyRequestsException. These are conservative defaults in
# the range people observe (a few calls per second per organization, writes slower).
DEFAULT_READ = (5.0, 10.0)
DEFAULT_WRITE = (2.0, 4.0)
# Published: CloudTrail LookupEvents is limited to 2 requests per second per account per Region.
# Published: Account Management PutAccountName 1/s burst 1, GetAccountInformation 3/s burst 3.
# Published: Resource Groups Tagging API GetResources 15 requests per second.
PUBLISHED = {"LookupEvents": (2.0, 2.0), "PutAccountName": (1.0, 1.0), "GetAccountInformation": (3.0, 3.0),
             "GetResources": (15.0, 15.0),
             # Published (Quotas for AWS Account Management): per account.
             "EnableRegion": (1.0, 1.0), "DisableRegion": (1.0, 1.0), "GetRegionOptStatus": (5.0, 5.0),
             "ListRegions": (5.0, 5.0)}
READ_PREFIXES = ("Describe", "List", "Get", "Lookup")


def default_rate(operation: str) -> tuple[float, float]:
    if operation in PUBLISHED:
        return PUBLISHED[operation]
    return DEFAULT_READ if operation.startswith(READ_PREFIXES) else DEFAULT_WRITE


class Bucket:
    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class Throttle:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, Bucket] = {}

    def allow(self, operation: str, overrides: dict[str, list[float]]) -> bool:
        rate, burst = overrides.get(operation) or default_rate(operation)
        with self._lock:
            bucket = self._buckets.get(operation)
            if bucket is None or (bucket.rate, bucket.burst) != (rate, burst):
                bucket = self._buckets[operation] = Bucket(float(rate), float(burst))
            return bucket.take()

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
