"""One AWS operation of a change, run and written to the audit log, success or failure alike."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from reconciler.apply.audit import AuditLog
from reconciler.errors import AwsError
from reconciler.plan.changes import Change

T = TypeVar("T")


class Steps:
    def __init__(self, audit: AuditLog) -> None:
        self.audit = audit
        self.operations = 0

    def run(self, change: Change, operation: str, call: Callable[[], T]) -> T:
        """Run `call` (one AWS operation); the result's request id goes in the audit log."""
        try:
            result = call()
        except AwsError as exc:
            self.audit_failure(change, operation, str(exc))
            raise AwsError(f"{change.address}: {exc}", exc.code, exc.reason) from exc
        self.operations += 1
        self.audit.record(change.address, change.action, operation=operation, before=change.before,
                          after=change.after, request_id=_request_id(result))
        return result

    def note(self, change: Change, operation: str, detail: Mapping[str, Any]) -> None:
        """An outcome that is not a call of its own (an account finished being created)."""
        self.audit.record(change.address, change.action, operation=operation, before=change.before,
                          after={**(change.after or {}), **detail})

    def audit_failure(self, change: Change, operation: str, message: str) -> None:
        self.audit.record(change.address, change.action, operation=operation, before=change.before,
                          after=change.after, result="error", error=message)


def _request_id(result: object) -> str | None:
    if isinstance(result, str):
        return result
    if isinstance(result, tuple) and len(result) == 2 and (result[1] is None or isinstance(result[1], str)):
        return result[1]
    return None
