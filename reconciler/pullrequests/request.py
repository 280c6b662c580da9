"""From an account-request issue to a pull request, through the GitHub port.

One branch and one pull request per issue (`account-request/issue-N`): editing the issue moves
the branch and updates the pull request instead of opening another. Every answer on the issue is
the bot's one reply comment, edited in place.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from reconciler.pullrequests.comment import checks_note, code_block, upsert_comment
from reconciler.pullrequests.port import GitHubPort, Issue, PullRequest
from reconciler.pullrequests.request_form import LABEL, AccountRequest, account_yaml, parse_request
from reconciler.repository.load import ACCOUNTS_DIR, ORGANIZATION_FILE, POLICIES_DIR, check_repository

REPLY_MARKER = "<!-- reconciler:request-reply -->"
BRANCH_PREFIX = "account-request/issue-"
_LOGIN = re.compile(r"[A-Za-z0-9-]{1,39}")


@dataclass(frozen=True)
class Outcome:
    pull: PullRequest | None  # None when the request was refused
    problems: tuple[str, ...] = ()
    updated: bool = False


def repository_problems(repo: Path, request: AccountRequest, text: str) -> list[str]:
    """Problems of the repository with the requested file added, checked in a scratch copy."""
    if (repo / request.path).exists():
        return [f"{request.path} already exists: choose another account name"]
    with tempfile.TemporaryDirectory(prefix="reconciler-request-") as scratch:
        root = Path(scratch)
        for name in (ACCOUNTS_DIR, POLICIES_DIR):
            if (repo / name).is_dir():
                shutil.copytree(repo / name, root / name)
        if (repo / ORGANIZATION_FILE).exists():
            shutil.copy2(repo / ORGANIZATION_FILE, root / ORGANIZATION_FILE)
        (root / ACCOUNTS_DIR).mkdir(exist_ok=True)
        (root / request.path).write_text(text, encoding="utf-8")
        _, problems = check_repository(root)
    return [str(p) for p in problems]


def handle_issue(port: GitHubPort, repo: Path, issue: Issue, bot_login: str, base: str = "main") -> Outcome:
    if issue.is_pull_request or LABEL not in issue.labels:
        return Outcome(None, (f"#{issue.number} is not an issue labelled {LABEL}",))
    request, problems = parse_request(issue.body)
    text = ""
    if request is not None:
        text = account_yaml(request, issue.number)
        problems = repository_problems(repo, request, text)
    if request is None or problems:
        _reply(port, issue.number, bot_login, _refusal(problems))
        return Outcome(None, tuple(problems))
    pull, updated = _publish(port, issue, request, text, (base, bot_login))
    verb = "Updated" if updated else "Opened"
    _reply(port, issue.number, bot_login, f"{verb} #{pull.number} adding `{request.path}`. It needs a "
           "review by someone other than you; once merged, the apply workflow creates the account.")
    return Outcome(pull, updated=updated)


def _publish(port: GitHubPort, issue: Issue, request: AccountRequest, text: str,
             where: tuple[str, str]) -> tuple[PullRequest, bool]:
    base, author_login = where
    branch = f"{BRANCH_PREFIX}{issue.number}"
    port.commit_files(branch, base, {request.path: text}, f"Add account {request.name} (#{issue.number})")
    title = f"Add account {request.name}"
    # A login is [A-Za-z0-9-]; anything else is not a login and is not echoed.
    requester = issue.author if _LOGIN.fullmatch(issue.author) else "unknown"
    body = (f"Adds `{request.path}` as requested in #{issue.number} by @{requester}.\n\n"
            f"Closes #{issue.number}\n\n<!-- reconciler:request issue={issue.number} "
            f"requester={requester} -->{checks_note(author_login)}")
    existing = port.find_open_pull_request(branch, base)
    if existing is not None:
        port.edit_pull_request(existing.number, title, body)
        return existing, True
    return port.open_pull_request(branch, base, title, body), False


def _refusal(problems: list[str]) -> str:
    return ("The account request cannot become a pull request yet. Edit the issue to fix these "
            f"and it will be checked again:\n\n{code_block(chr(10).join(problems))}")


def _reply(port: GitHubPort, number: int, bot_login: str, text: str) -> None:
    upsert_comment(port, number, f"{REPLY_MARKER}\n{text}", bot_login,
                   lambda body: body.startswith(REPLY_MARKER))
