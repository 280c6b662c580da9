"""The project's own error types. Adapters wrap library exceptions (botocore, PyGithub, GitPython)
in these with the cause chained; the CLI is the one place that turns them into messages and exit
codes. Anything else that escapes is a bug and is reported as one.

Messages quote what a person typed (a value, a path) through `show` and `show_path`, so no control
character from a file or an issue body reaches a terminal or a CI log."""

from __future__ import annotations

import re
from enum import IntEnum

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SHOW_LIMIT = 80


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
    """AWS refused or failed a call; `code` is AWS's error code when AWS answered with one."""

    def __init__(self, message: str, code: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason  # a ConstraintViolationException's Reason (CLOSE_ACCOUNT_QUOTA_EXCEEDED, ...)


class GitHubError(ReconcilerError):
    """GitHub refused or failed a call."""


class GitError(ReconcilerError):
    """A local git operation failed."""


class GuardrailError(ReconcilerError):
    """A plan was refused by a guardrail or a quota."""


class StalePlanError(ReconcilerError):
    """The live state changed since the plan was made."""


def show(value: object) -> str:
    """A user-supplied value, quoted for a message: control characters escaped, long text cut."""
    text = repr(value)
    if len(text) > _SHOW_LIMIT:
        text = text[: _SHOW_LIMIT - 3] + "..."
    return clean(text)


def show_path(path: object) -> str:
    """A file system path for a message: quoted and escaped like `show`, but never cut, since the
    file name at its end is the part a person needs."""
    return clean(repr(str(path)))


def clean(text: str) -> str:
    """No raw control characters reach a terminal or a CI log, whatever the input held."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text.replace("\n", "\\n"))
