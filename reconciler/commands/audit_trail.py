"""Where a run's audit records go: the local log always, and the durable sink when one is set.

The sink is `RECONCILER_AUDIT_URI` or, when that is not set, organization.yaml's `audit.uri`:
`s3://bucket/prefix` (reconciler.adapters.aws.S3AuditSink), or a local file path, which then
takes the place of the default log file. `--audit-log` names the local file and wins over a local
path from either. The sink is opened (and written once) before the first change, so a bucket that
cannot be written stops the run with nothing changed.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Final

from reconciler import clock
from reconciler.adapters.aws import S3AuditSink
from reconciler.apply.audit import DEFAULT_PATH, AuditLog, AuditLogError, RunInfo
from reconciler.errors import AwsError, show
from reconciler.model import Organization
from reconciler.pullrequests.actions import ActionsEnv

URI_ENV: Final = "RECONCILER_AUDIT_URI"
_S3 = re.compile(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/\S*)?$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def audit_uri(desired: Organization | None) -> str | None:
    """The configured sink: the environment wins over organization.yaml."""
    value = os.environ.get(URI_ENV, "").strip()
    if value:
        if _SCHEME.match(value) and not _S3.match(value):
            raise AuditLogError(f"{URI_ENV}={show(value)} is not a place the audit trail can go: give "
                                "s3://bucket/prefix (a valid bucket name) or a local file path")
        return value
    return desired.audit_uri if desired is not None else None


def run_info(env: ActionsEnv, command: str, commit: str | None) -> RunInfo:
    if env.run_id:
        run_id = f"{env.run_id}-{env.run_attempt or '1'}"  # a re-run keeps the id, not the attempt
    else:
        run_id = f"local-{clock.now():%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    return RunInfo(run_id=run_id, run_url=env.run_url or None, command=command, commit=commit)


def open_audit(repo: Path, desired: Organization | None, local: Path | None, run: RunInfo,
               durable: bool = True) -> AuditLog:
    """The run's audit log. `durable=False` (a dry run) opens no sink and writes nothing there."""
    uri = audit_uri(desired)
    if uri and not uri.startswith("s3://"):
        return AuditLog(local or Path(uri), run=run)
    path = local or repo / DEFAULT_PATH
    if not (uri and durable):
        return AuditLog(path, run=run)
    try:
        sink = S3AuditSink(uri, run.run_id, f"{clock.now():%Y-%m-%d}")
    except AwsError as exc:
        raise AuditLogError(f"cannot write the audit trail to {uri}: {exc}; nothing was changed in "
                            f"AWS. Fix the bucket or its permissions (s3:PutObject), or unset "
                            f"{URI_ENV} / audit.uri") from exc
    return AuditLog(path, sink, run)
