"""Pull requests, reviews, comments and issues as the core sees them, and the port the GitHub
adapter implements. The core (comment, gate, request) depends on this module only, never on
PyGithub, so it can be tested with plain values and the adapter can be swapped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Comment:
    id: int
    author: str
    body: str


@dataclass(frozen=True)
class Review:
    id: int
    author: str
    state: str  # APPROVED | CHANGES_REQUESTED | COMMENTED | DISMISSED | PENDING
    submitted_at: datetime | None = None
    commit_id: str = ""  # the head commit the review was made on
    author_type: str = "User"  # User | Bot


@dataclass(frozen=True)
class PullCommit:
    """One commit of a pull request and the GitHub accounts its author and committer emails
    belong to (None when GitHub links the email to no account)."""

    sha: str
    author: str | None
    committer: str | None


@dataclass(frozen=True)
class PullRequest:
    number: int
    title: str
    body: str
    author: str
    state: str  # open | closed
    merged: bool
    head_ref: str
    head_sha: str
    base_ref: str
    merge_commit_sha: str | None = None
    url: str = ""


@dataclass(frozen=True)
class Issue:
    number: int
    title: str
    body: str
    author: str
    labels: tuple[str, ...] = ()
    is_pull_request: bool = False


class GitHubPort(Protocol):
    """What the project asks of GitHub, for one repository."""

    def comments(self, number: int) -> list[Comment]: ...
    def create_comment(self, number: int, body: str) -> Comment: ...
    def edit_comment(self, comment_id: int, body: str) -> None: ...
    def pull_request(self, number: int) -> PullRequest: ...
    def pulls_for_commit(self, sha: str) -> list[PullRequest]: ...
    def reviews(self, number: int) -> list[Review]: ...
    def pull_commits(self, number: int) -> list[PullCommit]: ...
    def permission(self, login: str) -> str: ...
    def issue(self, number: int) -> Issue: ...
    def branch_sha(self, branch: str) -> str: ...
    def read_file(self, path: str, ref: str) -> str | None: ...
    def commit_files(
        self, branch: str, base: str, files: Mapping[str, str | None], message: str
    ) -> str: ...
    def find_open_pull_request(self, head: str, base: str) -> PullRequest | None: ...
    def open_pull_request(self, head: str, base: str, title: str, body: str) -> PullRequest: ...
    def edit_pull_request(self, number: int, title: str, body: str) -> None: ...
