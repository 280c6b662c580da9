"""Failures injected on named operations for their next N calls (POST /_orgsim/faults)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

KINDS = ("http500", "connection_reset", "latency", "aws_error", "create_account_failure", "empty_page")


@dataclass
class Fault:
    operation: str
    kind: str
    remaining: int
    latency_ms: int = 0
    # for kind create_account_failure: the FailureReason the creation ends with
    reason: str = "CONCURRENT_ACCOUNT_MODIFICATION"
    # for kind aws_error: the AWS error code answered (HTTP 400)
    code: str = "ConcurrentModificationException"


def parse_fault(body: dict[str, Any]) -> Fault:
    operation = body.get("operation")
    kind = body.get("kind")
    count = body.get("count", 1)
    latency_ms = body.get("latency_ms", 0)
    if not isinstance(operation, str) or not operation:
        raise ValueError("operation must be a non-empty string, e.g. CreateAccount")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    if not isinstance(count, int) or count < 1:
        raise ValueError("count must be a positive integer")
    if not isinstance(latency_ms, int) or latency_ms < 0:
        raise ValueError("latency_ms must be a non-negative integer")
    reason = body.get("reason", "CONCURRENT_ACCOUNT_MODIFICATION")
    code = body.get("code", "ConcurrentModificationException")
    return Fault(operation, str(kind), count, latency_ms, str(reason), str(code))


class FaultBook:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, operation: str, kinds: tuple[str, ...] = KINDS) -> Fault | None:
        """Consume one use of the oldest pending fault of these kinds on this operation."""
        with self._lock:
            for fault in self._faults:
                if fault.operation == operation and fault.kind in kinds:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [vars(f).copy() for f in self._faults]
