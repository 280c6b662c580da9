"""What a GitHub Actions run tells a command, read from the variables the runner sets.

Commands read this once (`ActionsEnv.from_environ()`) and pass it on; nothing else in the project
reads these variables. The token is kept out of `repr` so that no log line or traceback can show
it."""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reconciler.errors import ReconcilerError, show, show_path

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_BOT_LOGIN = "github-actions[bot]"  # the plan comment's author: the plan job's GITHUB_TOKEN
DEFAULT_PR_AUTHOR_LOGIN = "github-actions[bot]"  # who opens request pull requests: the request job's token
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


SUMMARY_MAX_BYTES = 1024 * 1024  # GitHub's limit for one step's job summary
_CUT = "\n\n_The summary is cut here to GitHub's 1 MiB limit; the run's log has all of it._\n"


def fit_summary(markdown: str) -> str:
    text = markdown if markdown.endswith("\n") else markdown + "\n"
    data = text.encode("utf-8")
    if len(data) <= SUMMARY_MAX_BYTES:
        return text
    room = SUMMARY_MAX_BYTES - len(_CUT.encode("utf-8"))
    return data[:room].decode("utf-8", errors="ignore") + _CUT


class ActionsEnvError(ReconcilerError):
    """The command needs something from the Actions environment that is not there."""


@dataclass(frozen=True)
class ActionsEnv:
    event_name: str = ""
    event: Mapping[str, Any] = field(default_factory=dict)
    repository: str = ""
    api_url: str = DEFAULT_API_URL
    token: str = field(default="", repr=False)
    sha: str = ""
    step_summary: Path | None = None
    output: Path | None = None
    bot_login: str = DEFAULT_BOT_LOGIN
    pr_author_login: str = DEFAULT_PR_AUTHOR_LOGIN
    server_url: str = ""
    run_id: str = ""
    run_attempt: str = ""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> ActionsEnv:
        env = os.environ if environ is None else environ
        return cls(
            event_name=env.get("GITHUB_EVENT_NAME", ""),
            event=_read_event(env.get("GITHUB_EVENT_PATH")),
            repository=env.get("GITHUB_REPOSITORY", ""),
            api_url=env.get("GITHUB_API_URL") or DEFAULT_API_URL,
            token=env.get("GITHUB_TOKEN", ""),
            sha=env.get("GITHUB_SHA", ""),
            step_summary=_path(env.get("GITHUB_STEP_SUMMARY")),
            output=_path(env.get("GITHUB_OUTPUT")),
            bot_login=env.get("RECONCILER_BOT_LOGIN") or DEFAULT_BOT_LOGIN,
            pr_author_login=env.get("RECONCILER_PR_AUTHOR_LOGIN") or DEFAULT_PR_AUTHOR_LOGIN,
            server_url=env.get("GITHUB_SERVER_URL", ""),
            run_id=env.get("GITHUB_RUN_ID", ""),
            run_attempt=env.get("GITHUB_RUN_ATTEMPT", ""),
        )

    @property
    def run_url(self) -> str:
        """This run's page (its job summary), or "" outside Actions."""
        if not (self.server_url and self.repository and self.run_id.isdigit()):
            return ""
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"

    def pull_request_number(self) -> int:
        """The pull request this run is for; an error outside a pull_request run."""
        number = self.section("pull_request").get("number")
        if not isinstance(number, int):
            raise ActionsEnvError(
                "this is not a pull_request run: GITHUB_EVENT_PATH has no pull_request.number. "
                "Use --comment only in the pull request workflow."
            )
        return number

    def head_sha(self) -> str:
        head = self.section("pull_request").get("head")
        return str((head if isinstance(head, dict) else {}).get("sha") or self.sha)

    def section(self, name: str) -> Mapping[str, Any]:
        """One object of the event payload ("pull_request", "issue"); empty when it is missing or
        is not an object (a payload of another event, or one written by hand)."""
        value = self.event.get(name)
        return value if isinstance(value, dict) else {}

    def require_api(self) -> None:
        required = (("GITHUB_REPOSITORY", self.repository), ("GITHUB_TOKEN", self.token))
        missing = [name for name, value in required if not value]
        if missing:
            raise ActionsEnvError(
                f"{' and '.join(missing)} not set: in a workflow, pass GITHUB_TOKEN to the step through "
                "`env:`; GitHub sets GITHUB_REPOSITORY."
            )
        if not _REPOSITORY.fullmatch(self.repository):
            raise ActionsEnvError(f"GITHUB_REPOSITORY is {show(self.repository)}; it must be OWNER/NAME")
        url = urlsplit(self.api_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ActionsEnvError(
                f"GITHUB_API_URL is {show(self.api_url)}; it must be an http(s) URL such as "
                f"{DEFAULT_API_URL} (or leave it unset)"
            )

    def write_summary(self, markdown: str) -> None:
        """Appends to the job summary; a no-op outside Actions. GitHub refuses a step's summary
        over 1 MiB (bytes, not characters: "Adding a job summary"), and then shows none: text
        over it is cut at a character boundary, with a line saying so."""
        if self.step_summary is not None:
            _append(self.step_summary, "GITHUB_STEP_SUMMARY", fit_summary(markdown))

    def set_output(self, name: str, value: str) -> None:
        """Sets a step output. The heredoc form with a random delimiter keeps a value with newlines
        (or one crafted to look like another output) from writing other outputs."""
        if self.output is None:
            return
        delimiter = f"reconciler_{secrets.token_hex(16)}"
        _append(self.output, "GITHUB_OUTPUT", f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def _append(path: Path, variable: str, text: str) -> None:
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise ActionsEnvError(
            f"cannot write {variable} ({show_path(path)}: {exc.strerror}): unset it outside Actions, "
            "or point it at a file in a writable directory"
        ) from exc


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _read_event(path: str | None) -> Mapping[str, Any]:
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ActionsEnvError(
            f"{show_path(path)}: cannot read the event payload (GITHUB_EVENT_PATH): {exc}") from exc
    if not isinstance(data, dict):
        raise ActionsEnvError(f"{show_path(path)}: the event payload is not a JSON object")
    return data
