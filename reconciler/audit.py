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

DEFAULT_PATH: Final = Path(".reconciler") / "audit.jsonl"


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.records = 0

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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One write per line with O_APPEND: concurrent runs interleave whole lines, and fsync
        # makes a line that was written survive a kill -9 right after.
        data = (json.dumps(line, sort_keys=True, default=str) + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        self.records += 1


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
