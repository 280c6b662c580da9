"""The project's own error types. Adapters wrap library exceptions (botocore, PyGithub, GitPython)
in these with the cause chained; the CLI is the one place that turns them into messages and exit
codes. Anything else that escapes is a bug and is reported as one."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # a user-facing error: invalid repository, AWS refused, stale plan, guardrail hit
    CHANGES = 2  # plan --detailed-exitcode: success, and there are changes
    BUG = 70  # an unexpected exception: please report it


class ReconcilerError(Exception):
    """An error a person can act on. The message says what went wrong and what to do."""

    exit_code: ExitCode = ExitCode.ERROR


class RepositoryError(ReconcilerError):
    """The desired-state repository is invalid or cannot be read."""


class AwsError(ReconcilerError):
    """AWS refused or failed a call."""


class GitHubError(ReconcilerError):
    """GitHub refused or failed a call."""


class GitError(ReconcilerError):
    """A local git operation failed."""


class GuardrailError(ReconcilerError):
    """A plan was refused by a guardrail or a quota."""


class StalePlanError(ReconcilerError):
    """The live state changed since the plan was made."""
