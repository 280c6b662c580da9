"""The audit log: one JSON line per action apply takes, appended and synced as it happens.

Each line says when (UTC), what (address, action, before, after), how it ended (ok or error, with
the message), AWS's request id (what AWS Support and CloudTrail ask for), which run made it
(run id and URL, command, commit) and why (`reason`: the pull request and its approvers, the drift
rule, ...). Nothing secret goes in: the values are the plan's own (names, emails, tags,
documents), never credentials.

The lines go to a local file, always, and, when a durable sink is configured (an S3 location,
docs/audit.md), to that sink as well: the sink gets the run's whole record after every line, so a
crash loses at most the line in flight.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final, Protocol

from reconciler import clock
from reconciler.errors import ReconcilerError, show_path

DEFAULT_PATH: Final = Path(".reconciler") / "audit.jsonl"


class AuditLogError(ReconcilerError):
    """The audit log cannot be written."""


@dataclass(frozen=True)
class RunInfo:
    """The run every record of this log belongs to."""

    run_id: str = ""  # GitHub's run id and attempt ("123456-1"), or a local run's own id
    run_url: str | None = None
    command: str = ""
    commit: str | None = None


class AuditSink(Protocol):
    """A durable place for the run's records (reconciler.adapters.aws.S3AuditSink)."""

    where: str  # for messages: s3://bucket/key

    def put(self, text: str) -> None:
        """Store the run's records so far (JSON lines), replacing what was stored before."""
        ...


class AuditLog:
    def __init__(self, path: Path, sink: AuditSink | None = None, run: RunInfo = RunInfo()) -> None:
        self.path = path
        self.records = 0
        self.sink = sink
        self.run = run
        # Why each address is changed (a drift's rule, ...), set by whoever asks for the change.
        self.reasons: dict[str, Mapping[str, Any]] = {}
        self.reason: Mapping[str, Any] | None = None  # the run's reason, for addresses without one
        self._lines: list[str] = []
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
            "time": clock.now().isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "address": address,
            "action": action,
            "operation": operation,
            "before": before,
            "after": after,
            "result": result,
            "request_id": request_id,
            "error": error,
            "reason": self.reasons.get(address, self.reason),
            **{key: value for key, value in asdict(self.run).items()},
        }
        text = json.dumps(line, sort_keys=True, default=str) + "\n"
        try:
            self._append(text.encode("utf-8"))
        except OSError as exc:
            raise AuditLogError(
                f"cannot write the audit log {show_path(self.path)} ({exc.strerror}): the record of "
                f"{address} ({operation or action}: {result}) is missing from it. Fix the log's "
                "location (--audit-log), then run `reconciler plan` to see what is left to do"
            ) from exc
        self._lines.append(text)
        self.records += 1
        if self.sink is not None:
            try:
                self.sink.put("".join(self._lines))
            except ReconcilerError as exc:
                raise AuditLogError(
                    f"cannot write the audit trail to {self.sink.where}: {exc}. The record of {address} "
                    f"({operation or action}: {result}) is in {show_path(self.path)} only; fix the "
                    "sink, then run `reconciler plan` to see what is left to do") from exc

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
