"""What GitHub keeps beside git: users, issues and pull requests, comments, labels, reviews.

Git content lives in the bare repositories; this in-memory store holds only the metadata a bare
repository cannot, keyed by the repository's full name. Issue and pull request numbers share one
sequence per repository, as on GitHub.
"""

from __future__ import annotations

import itertools
import re
import shutil
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ghfake.gitrepo import BareRepo, Signature

BOT_LOGIN = "github-actions[bot]"  # the user an Actions GITHUB_TOKEN acts as
REPO_NAME = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
# Repository roles, weakest first ("Repository roles for an organization").
ROLES = ("none", "read", "triage", "write", "maintain", "admin")
DEFAULT_USER_ROLE = "write"  # what a plain --user gets on every repository until an admin changes it


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class User:
    login: str
    id: int
    type: str  # "User", "Bot" or "Organization"
    token: str | None = None
    admin: bool = False  # --admin: administers every repository

    @property
    def is_bot(self) -> bool:
        return self.type == "Bot" or self.login.endswith("[bot]")


@dataclass
class Label:
    id: int
    name: str
    color: str
    description: str | None


@dataclass
class Comment:
    id: int
    issue_number: int
    user: User
    body: str
    created_at: str
    updated_at: str


@dataclass
class Review:
    id: int
    user: User
    body: str
    state: str
    commit_id: str
    submitted_at: str


@dataclass
class Issue:
    """An issue, or a pull request when `head` is set (GitHub models them the same way)."""

    id: int
    number: int
    title: str
    body: str | None
    user: User
    created_at: str
    updated_at: str
    state: str = "open"
    closed_at: str | None = None
    labels: list[str] = field(default_factory=list)
    head: str | None = None
    base: str | None = None
    head_sha: str | None = None  # frozen once the pull request is merged or closed
    base_sha: str | None = None
    merged_at: str | None = None
    merged_by: User | None = None
    merge_commit_sha: str | None = None
    draft: bool = False
    maintainer_can_modify: bool = False

    @property
    def is_pull(self) -> bool:
        return self.head is not None


@dataclass
class RepoMeta:
    id: int
    owner: User
    name: str
    created_at: str
    private: bool = False
    description: str | None = None
    issues: dict[int, Issue] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)
    reviews: dict[int, list[Review]] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)  # login -> role set by an admin
    # "Allow GitHub Actions to create and approve pull requests": off on new repositories.
    actions_can_approve: bool = False
    actions_default_permissions: str = "read"
    protection: dict[str, dict[str, Any]] = field(default_factory=dict)  # branch -> settings
    pushers: dict[str, str] = field(default_factory=dict)  # branch -> who last moved it through the API

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"


class Store:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.lock = threading.RLock()
        self._ids = itertools.count(1)
        self.users: dict[str, User] = {}
        self.repos: dict[str, RepoMeta] = {}

    def next_id(self) -> int:
        return next(self._ids)

    def add_user(self, login: str, token: str | None, type_: str = "User", admin: bool = False) -> User:
        # A login ending in [bot] is an app's bot: GitHub reserves the suffix for them.
        user = User(login, self.next_id(), "Bot" if login.endswith("[bot]") else type_, token, admin)
        self.users[login] = user
        return user

    def user(self, login: str) -> User:
        if login not in self.users:
            # An owner seen only on disk (a repository pushed in directly) is an organization.
            self.users[login] = User(login, self.next_id(), "Organization")
        return self.users[login]

    def by_token(self, token: str) -> User | None:
        return next((u for u in self.users.values() if u.token and u.token == token), None)

    def by_email(self, email: str) -> User | None:
        """The user a commit's email belongs to: GitHub's noreply forms `ID+LOGIN@...` and `LOGIN@...`
        under users.noreply.github.com (GitHub links a commit to the account owning its email)."""
        local, _, domain = email.lower().partition("@")
        if domain != "users.noreply.github.com":
            return None
        login = local.split("+", 1)[-1]
        return next((u for u in self.users.values() if u.login.lower() == login), None)

    def role(self, meta: RepoMeta, user: User) -> str:
        """The user's role on the repository: set by an admin, else admin for --admin users, the
        default for other users, and "write" for the Actions bot (job permissions are not modelled)."""
        if user.login in meta.roles:
            return meta.roles[user.login]
        if user.admin:
            return "admin"
        if user.is_bot:
            return "write"
        return DEFAULT_USER_ROLE if user.type == "User" else "none"

    def bare(self, full_name: str) -> BareRepo:
        return BareRepo(self.data_dir / f"{full_name}.git")

    def repo(self, full_name: str) -> RepoMeta | None:
        """The repository's metadata if its bare repository exists on disk."""
        key = full_name.lower()
        meta = self.repos.get(key)
        if meta is not None and self.bare(meta.full_name).path.is_dir():
            return meta
        if not REPO_NAME.match(full_name) or not self.bare(full_name).path.is_dir():
            return None
        owner, _, name = full_name.partition("/")
        meta = RepoMeta(self.next_id(), self.user(owner), name, now())
        self.repos[key] = meta
        return meta

    def create_repo(self, full_name: str, default_branch: str, files: dict[str, str],
                    private: bool = False, description: str | None = None) -> RepoMeta:
        """A new bare repository, with one commit holding `files` when there are any."""
        if not REPO_NAME.match(full_name) or ".." in full_name:
            raise ValueError(f"not a repository name: {full_name!r}")
        bare = self.bare(full_name)
        bare.init(default_branch)
        if files:
            blobs = {path: ("100644", bare.hash_blob(text.encode())) for path, text in files.items()}
            tree = bare.write_tree(None, dict(blobs))
            sig = Signature("ghfake", "ghfake@users.noreply.localhost", now())
            sha = bare.commit_tree(tree, [], "Initial commit", sig, sig)
            bare.update_ref(f"refs/heads/{default_branch}", sha)
        meta = self.repo(full_name)
        assert meta is not None
        meta.private, meta.description = private, description
        return meta

    def next_number(self, meta: RepoMeta) -> int:
        return max(meta.issues, default=0) + 1

    def reset(self) -> None:
        """Forget all metadata and delete every repository under the data directory."""
        self.repos.clear()
        for owner in self.data_dir.iterdir():
            if owner.is_dir():
                shutil.rmtree(owner)
