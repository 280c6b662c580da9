"""The audit log: one JSON line per action apply takes, appended and synced as it happens.

Each line says when (UTC), what (address, action, before, after), how it ended (ok or error, with
the message) and AWS's request id, which is what AWS Support and CloudTrail ask for. Nothing
secret goes in: the values are the plan's own (names, emails, tags, documents), never credentials.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from reconciler.errors import ReconcilerError, show_path

DEFAULT_PATH: Final = Path(".reconciler") / "audit.jsonl"


class AuditLogError(ReconcilerError):
    """The audit log cannot be written."""


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.records = 0
        _check_writable(path)  # before any change: a change must never go unrecorded

    def record(
        self,
        address: str,
        action: str,
        *,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        result: str = "ok",
        request_id: str | None = None,
        error: str | None = None,
        operation: str | None = None,
    ) -> None:
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "address": address,
            "action": action,
            "operation": operation,
            "before": before,
            "after": after,
            "result": result,
            "request_id": request_id,
            "error": error,
        }
        data = (json.dumps(line, sort_keys=True, default=str) + "\n").encode("utf-8")
        try:
            self._append(data)
        except OSError as exc:
            raise AuditLogError(
                f"cannot write the audit log {show_path(self.path)} ({exc.strerror}): the record of "
                f"{address} ({operation or action}: {result}) is missing from it. Fix the log's "
                "location (--audit-log), then run `reconciler plan` to see what is left to do"
            ) from exc
        self.records += 1

    def _append(self, data: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One write per line with O_APPEND: concurrent runs interleave whole lines, and fsync
        # makes a line that was written survive a kill -9 right after.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)


def _check_writable(path: Path) -> None:
    """Refuse a log that could not be appended to, without creating anything yet (a dry run
    must leave the repository as it was)."""
    existing = next(p for p in (path, *path.parents) if p.exists() or p == p.parent)
    problem = ""
    if existing == path and not path.is_file():
        problem = "it is not a regular file"
    elif existing != path and not existing.is_dir():
        problem = f"{show_path(existing)} is not a directory"
    elif not os.access(existing, os.W_OK):
        problem = "no permission to write there"
    if problem:
        raise AuditLogError(f"cannot use {show_path(path)} as the audit log: {problem}; pass "
                            "--audit-log a file in a directory you can write to")


def read_audit(path: Path) -> list[dict[str, Any]]:
    """Every record in the log, oldest first; a torn last line (a crash mid-write) is skipped."""
    if not path.exists():
        return []
    records = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(raw))
        except json.JSONDecodeError:
            continue
    return records
