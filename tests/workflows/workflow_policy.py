"""The project's security rules for GitHub Actions workflows, as a checker tests can run on the real
workflows and on deliberately bad ones. Each finding is "FILE: JOB: RULE: detail"."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
EXPRESSION = re.compile(r"\$\{\{")
AWS_ACTION = "aws-actions/configure-aws-credentials@"
SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository"
DANGEROUS_TRIGGERS = ("pull_request_target", "workflow_run")
READ_ONLY = {"read", "none"}


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as the boolean True.
    if True in data:
        data["on"] = data.pop(True)
    return data  # type: ignore[no-any-return]


def triggers(workflow: Mapping[str, Any]) -> set[str]:
    on = workflow.get("on")
    if isinstance(on, str):
        return {on}
    return set(on or ())


def steps(job: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(job.get("steps") or ())


def assumes_aws(job: Mapping[str, Any]) -> bool:
    return any(str(s.get("uses", "")).startswith(AWS_ACTION) for s in steps(job))


def check(workflow: Mapping[str, Any]) -> Iterator[str]:
    """Every rule broken by one workflow, as "JOB: RULE: detail" (job "-" for the workflow)."""
    yield from _check_triggers(workflow)
    yield from _check_top_permissions(workflow)
    for name, job in (workflow.get("jobs") or {}).items():
        for finding in _check_job(workflow, job):
            yield f"{name}: {finding}"


def _check_triggers(workflow: Mapping[str, Any]) -> Iterator[str]:
    for trigger in DANGEROUS_TRIGGERS:
        if trigger in triggers(workflow):
            yield f"-: dangerous-trigger: {trigger} runs untrusted code with the base repository's rights"


def _check_top_permissions(workflow: Mapping[str, Any]) -> Iterator[str]:
    perms = workflow.get("permissions")
    if perms is None or (isinstance(perms, str) and perms != "read-all"):
        yield f"-: permissions: top-level permissions must be {{}} or read-all, not {perms!r}"
    elif isinstance(perms, Mapping) and set(perms.values()) - READ_ONLY:
        yield f"-: permissions: top-level permissions must not grant write: {dict(perms)}"


def _check_job(workflow: Mapping[str, Any], job: Mapping[str, Any]) -> Iterator[str]:
    perms = job.get("permissions")
    if not isinstance(perms, Mapping):
        yield f"permissions: every job lists its permissions explicitly, not {perms!r}"
        perms = {}
    if (perms.get("id-token") == "write") != assumes_aws(job):
        yield "id-token: id-token: write exactly in the jobs that assume an AWS role"
    credentialed = assumes_aws(job) or "write" in perms.values()
    if "pull_request" in triggers(workflow) and credentialed and SAME_REPO not in str(job.get("if", "")):
        yield f"fork-credentials: a pull_request job with credentials needs `if: {SAME_REPO}`"
    for step in steps(job):
        yield from _check_step(step)
    yield from _check_session(job)


def _check_session(job: Mapping[str, Any]) -> Iterator[str]:
    """AWS credentials that expire before the job may: STS's default session is one hour."""
    for step in steps(job):
        if not str(step.get("uses", "")).startswith(AWS_ACTION):
            continue
        seconds = int((step.get("with") or {}).get("role-duration-seconds") or 3600)
        timeout = int(job.get("timeout-minutes") or 360) * 60
        if seconds < timeout:
            yield (f"session: the role session ({seconds} s) ends before the job's timeout ({timeout} s); "
                   "set role-duration-seconds")


def _check_step(step: Mapping[str, Any]) -> Iterator[str]:
    uses = str(step.get("uses", ""))
    if uses and not uses.startswith(("./", "docker://")) and not SHA_PIN.match(uses):
        yield f"unpinned: {uses} must be pinned to a full 40-hex commit SHA"
    persist = (step.get("with") or {}).get("persist-credentials")
    if uses.startswith("actions/checkout@") and persist is not False:
        yield "persist-credentials: checkout must set persist-credentials: false"
    run = str(step.get("run", ""))
    if EXPRESSION.search(run):
        yield f"expression-in-run: pass values through env:, not ${{{{ }}}} in run: {run.strip()!r}"


def check_directory(directory: Path) -> list[str]:
    return [
        f"{path.name}: {finding}"
        for path in sorted(directory.glob("*.y*ml"))
        for finding in check(load(path))
    ]
