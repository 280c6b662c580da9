"""The GitHub adapter: the only module that imports PyGithub. It implements
`reconciler.pullrequests.port.GitHubPort` for one repository and turns PyGithub's exceptions into
`GitHubError` with the cause chained. The token never appears in an error message.
`DriftGitHubClient` adds what drift handling needs (reconciler.drift.remediate.DriftGitHub)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException, InputGitTreeElement
from github.PaginatedList import PaginatedList
from github.PullRequest import PullRequest as GhPull
from github.Repository import Repository

from reconciler.doctor.github import NotAllowed, Protection
from reconciler.errors import GitHubError
from reconciler.pullrequests.actions import ActionsEnv
from reconciler.pullrequests.port import Comment, Issue, PullCommit, PullRequest, Review

T = TypeVar("T")


@contextmanager
def github_errors(doing: str) -> Iterator[None]:
    """PyGithub's and requests' exceptions, while `doing`, as one-line `GitHubError`s."""
    try:
        yield
    except GithubException as exc:
        message = exc.data.get("message") if isinstance(exc.data, dict) else None
        raise GitHubError(f"GitHub refused to {doing}: HTTP {exc.status} {message or ''}".rstrip()) from exc
    except requests.RequestException as exc:
        raise GitHubError(f"cannot reach GitHub to {doing}: {type(exc).__name__}") from exc


def call_github(doing: str, fn: Callable[[], T]) -> T:
    """`fn()`, with GitHub's refusals turned into `GitHubError` naming what was being done."""
    with github_errors(doing):
        return fn()
    raise AssertionError("unreachable")  # pragma: no cover - github_errors re-raises


def pull_request_of(pr: Any) -> PullRequest:
    """The port's `PullRequest` for a PyGithub pull request."""
    return PullRequest(
        number=pr.number, title=pr.title or "", body=pr.body or "", author=pr.user.login,
        state=pr.state, merged=pr.merged_at is not None, head_ref=pr.head.ref, head_sha=pr.head.sha,
        base_ref=pr.base.ref, merge_commit_sha=pr.merge_commit_sha, url=pr.html_url or "",
    )


class GitHubClient:
    """One repository on one GitHub (or GitHub Enterprise, or ghfake) API."""

    def __init__(self, repository: str, token: str, api_url: str) -> None:
        # No retries: a refusal must surface now, and tests must not sleep through back-offs.
        self._gh = Github(base_url=api_url, auth=Auth.Token(token), retry=None, timeout=30,
                          per_page=100, seconds_between_requests=None, seconds_between_writes=None)
        self._name = repository
        self._fetched: Repository | None = None

    @property
    def _repo(self) -> Repository:
        # Fetched on first use: PyGithub's lazy objects guess URLs (a lazy ref's is wrong).
        if self._fetched is None:
            self._fetched = call_github(f"read the repository {self._name}",
                                        lambda: self._gh.get_repo(self._name))
        return self._fetched

    @classmethod
    def from_actions(cls, env: ActionsEnv) -> GitHubClient:
        """The run's own repository, with the token the workflow passed to the step."""
        env.require_api()
        return cls(env.repository, env.token, env.api_url)

    def comments(self, number: int) -> list[Comment]:
        def fetch() -> list[Comment]:
            issue = self._repo.get_issue(number)
            return [Comment(c.id, c.user.login, c.body or "") for c in issue.get_comments()]
        return call_github(f"list the comments of #{number}", fetch)

    def create_comment(self, number: int, body: str) -> Comment:
        def create() -> Comment:
            c = self._repo.get_issue(number).create_comment(body)
            return Comment(c.id, c.user.login, c.body or "")
        return call_github(f"comment on #{number}", create)

    def edit_comment(self, comment_id: int, body: str) -> None:
        url = f"{self._repo.url}/issues/comments/{comment_id}"
        call_github(f"edit comment {comment_id}",
                    lambda: self._gh.requester.requestJsonAndCheck("PATCH", url, input={"body": body}))

    def pull_request(self, number: int) -> PullRequest:
        return call_github(f"read pull request #{number}",
                           lambda: pull_request_of(self._repo.get_pull(number)))

    def pulls_for_commit(self, sha: str) -> list[PullRequest]:
        """Merged pull requests whose merge commit is `sha`: GitHub's commit-to-pulls endpoint,
        or, where a server lacks it, a scan of closed pull requests."""
        def associated() -> list[PullRequest]:
            url = f"{self._repo.url}/commits/{sha}/pulls"
            return [pull_request_of(p) for p in PaginatedList(GhPull, self._gh.requester, url, None)]
        def scan() -> list[PullRequest]:
            pulls = self._repo.get_pulls(state="closed", sort="updated", direction="desc")
            return [pull_request_of(p) for p in pulls]
        try:
            found = call_github(f"find the pull request of {sha[:12]}", associated)
        except GitHubError as exc:
            # 422 is GitHub's answer for a commit it does not know; a server without the
            # endpoint answers 404 (or, routing it as a commit path, 422). A scan settles both.
            if not isinstance(exc.__cause__, GithubException) or exc.__cause__.status not in (404, 422):
                raise
            found = call_github(f"find the pull request merged as {sha[:12]}", scan)
        return [p for p in found if p.merged and p.merge_commit_sha == sha]

    def reviews(self, number: int) -> list[Review]:
        def fetch() -> list[Review]:
            reviews = self._repo.get_pull(number).get_reviews()
            return [Review(r.id, r.user.login, r.state, r.submitted_at, r.commit_id or "",
                           r.user.type or "User") for r in reviews]
        return call_github(f"read the reviews of #{number}", fetch)

    def pull_commits(self, number: int) -> list[PullCommit]:
        """The pull request's commits (GitHub lists at most 250) with the accounts GitHub links
        their author and committer to."""
        def fetch() -> list[PullCommit]:
            commits = self._repo.get_pull(number).get_commits()
            return [PullCommit(c.sha, c.author.login if c.author else None,
                               c.committer.login if c.committer else None) for c in commits]
        return call_github(f"read the commits of #{number}", fetch)

    def permission(self, login: str) -> str:
        """`login`'s permission on the repository as GitHub reports it (admin, write, read, none);
        "none" when GitHub knows no such collaborator (404, as for an app's bot)."""
        try:
            return str(self._repo.get_collaborator_permission(login))
        except GithubException as exc:
            if exc.status == 404:
                return "none"
            raise GitHubError(f"GitHub refused to read the permission of {login}: HTTP {exc.status}") from exc
        except requests.RequestException as exc:
            raise GitHubError(f"cannot reach GitHub to read the permission of {login}") from exc

    def issue(self, number: int) -> Issue:
        def fetch() -> Issue:
            i = self._repo.get_issue(number)
            return Issue(i.number, i.title or "", i.body or "", i.user.login,
                         tuple(label.name for label in i.labels), i.pull_request is not None)
        return call_github(f"read issue #{number}", fetch)

    def branch_sha(self, branch: str) -> str:
        return call_github(f"read branch {branch}",
                           lambda: self._repo.get_git_ref(f"heads/{branch}").object.sha)

    def read_file(self, path: str, ref: str) -> str | None:
        try:
            content = self._repo.get_contents(path, ref=ref)
        except GithubException as exc:
            if exc.status == 404:
                return None
            raise GitHubError(f"GitHub refused to read {path}@{ref}: HTTP {exc.status}") from exc
        if isinstance(content, list):
            raise GitHubError(f"{path} is a directory in {self._name}@{ref}")
        return content.decoded_content.decode("utf-8")

    def commit_files(self, branch: str, base: str, files: Mapping[str, str | None], message: str) -> str:
        """One commit on top of `base` writing `files` (None deletes the path), at `branch`
        (created, or moved there)."""
        with github_errors(f"push branch {branch}"):
            parent = self._repo.get_git_commit(self.branch_sha(base))
            elements = [self._tree_element(path, text) for path, text in files.items()]
            tree = self._repo.create_git_tree(elements, parent.tree)
            commit = self._repo.create_git_commit(message, tree, [parent])
            self._point_branch(branch, commit.sha)
            return str(commit.sha)
        raise AssertionError("unreachable")  # pragma: no cover

    def _tree_element(self, path: str, text: str | None) -> InputGitTreeElement:
        sha = None if text is None else self._repo.create_git_blob(text, "utf-8").sha
        return InputGitTreeElement(path, "100644", "blob", sha=sha)

    def _point_branch(self, branch: str, sha: str) -> None:
        try:
            self._repo.create_git_ref(f"refs/heads/{branch}", sha)
        except GithubException as exc:
            if exc.status != 422:  # 422: the branch exists; move it
                raise
            url = f"{self._repo.url}/git/refs/heads/{branch}"
            self._gh.requester.requestJsonAndCheck("PATCH", url, input={"sha": sha, "force": True})

    def find_open_pull_request(self, head: str, base: str) -> PullRequest | None:
        owner = self._name.split("/", 1)[0]
        def find() -> PullRequest | None:
            pulls = self._repo.get_pulls(state="open", head=f"{owner}:{head}", base=base)
            return next((pull_request_of(p) for p in pulls if p.head.ref == head), None)
        return call_github(f"look for an open pull request from {head}", find)

    def open_pull_request(self, head: str, base: str, title: str, body: str) -> PullRequest:
        def create() -> PullRequest:
            return pull_request_of(self._repo.create_pull(base=base, head=head, title=title, body=body))
        return call_github(f"open a pull request from {head}", create)

    def edit_pull_request(self, number: int, title: str, body: str) -> None:
        def edit() -> None:
            self._repo.get_pull(number).edit(title=title, body=body)
        call_github(f"edit pull request #{number}", edit)

    def read_ref_file(self, ref: str, path: str) -> str | None:
        """`path` in the commit the full ref name `ref` points at; None when there is no such ref."""
        try:
            sha = self._repo.get_git_ref(ref.removeprefix("refs/")).object.sha
        except GithubException as exc:
            if exc.status == 404:
                return None
            raise GitHubError(f"GitHub refused to read {ref}: HTTP {exc.status}") from exc
        return self.read_file(path, sha)

    def write_ref_file(self, ref: str, path: str, text: str, message: str) -> str:
        """A parentless commit holding only `path`, at the full ref name `ref` (created or moved)."""
        with github_errors(f"write {ref}"):
            sha = self._file_commit(path, text, message)
            if not self._create_ref(ref, sha):  # it exists: move it
                self._gh.requester.requestJsonAndCheck("PATCH", f"{self._repo.url}/git/{ref}",
                                                       input={"sha": sha, "force": True})
            return sha
        raise AssertionError("unreachable")  # pragma: no cover

    def create_ref_file(self, ref: str, path: str, text: str, message: str) -> bool:
        """Like write_ref_file, but only when `ref` does not exist yet: GitHub refuses to create a
        ref twice (422), which makes this a lock (reconciler.pullrequests.lease)."""
        with github_errors(f"create {ref}"):
            return self._create_ref(ref, self._file_commit(path, text, message))
        raise AssertionError("unreachable")  # pragma: no cover

    def _file_commit(self, path: str, text: str, message: str) -> str:
        tree = self._repo.create_git_tree([self._tree_element(path, text)])
        return str(self._repo.create_git_commit(message, tree, []).sha)

    def _create_ref(self, ref: str, sha: str) -> bool:
        """False when the ref exists already (GitHub answers 422)."""
        try:
            self._repo.create_git_ref(ref, sha)
        except GithubException as exc:
            if exc.status == 422:
                return False
            raise
        return True

    def delete_ref(self, ref: str) -> None:
        """Delete `ref`; one that is already gone is fine."""
        try:
            self._repo.get_git_ref(ref.removeprefix("refs/")).delete()
        except GithubException as exc:
            if exc.status not in (404, 422):
                raise GitHubError(f"GitHub refused to delete {ref}: HTTP {exc.status}") from exc

    def applied_commit(self) -> str | None:
        """The main commit the gated apply last brought AWS to (refs/reconciler/applied)."""
        try:
            return str(self._repo.get_git_ref(APPLIED_REF.removeprefix("refs/")).object.sha)
        except GithubException as exc:
            if exc.status == 404:
                return None
            raise GitHubError(f"GitHub refused to read {APPLIED_REF}: HTTP {exc.status}") from exc

    def record_applied(self, sha: str) -> None:
        """Point refs/reconciler/applied at `sha`, a commit of main (created, or moved)."""
        with github_errors(f"write {APPLIED_REF}"):
            if not self._create_ref(APPLIED_REF, sha):  # it exists: move it
                self._gh.requester.requestJsonAndCheck("PATCH", f"{self._repo.url}/git/{APPLIED_REF}",
                                                       input={"sha": sha, "force": True})


# The main commit AWS was last brought to by the gated apply. A ref to main's own commit: one
# request to read, one to move, and git keeps the commit it names.
APPLIED_REF = "refs/reconciler/applied"


# What drift handling asks of GitHub beyond the shared client: pull requests of any state by
# branch, issues for people, and the reconciler's state document behind `refs/reconciler/state`.
# A subclass rather than an edit of GitHubClient, so the shared port stays as it is.
STATE_REF = "refs/reconciler/state"
STATE_FILE = "state.json"


class DriftGitHubClient(GitHubClient):
    def default_branch(self) -> str:
        return call_github("read the repository", lambda: str(self._repo.default_branch))

    def pulls_for_branch(self, head: str) -> list[PullRequest]:
        """Every pull request from `head`, newest first, open or closed."""
        owner = self._name.split("/", 1)[0]
        def find() -> list[PullRequest]:
            pulls = self._repo.get_pulls(state="all", head=f"{owner}:{head}")
            found = [pull_request_of(p) for p in pulls if p.head.ref == head]
            return sorted(found, key=lambda p: p.number, reverse=True)
        return call_github(f"look for pull requests from {head}", find)

    def close_pull_request(self, number: int, body: str, comment: str) -> None:
        def close() -> None:
            pull = self._repo.get_pull(number)
            pull.create_issue_comment(comment)
            pull.edit(body=body, state="closed")
        call_github(f"close pull request #{number}", close)

    def open_issues(self) -> list[Issue]:
        def fetch() -> list[Issue]:
            return [Issue(i.number, i.title or "", i.body or "", i.user.login)
                    for i in self._repo.get_issues(state="open") if i.pull_request is None]
        return call_github("list open issues", fetch)

    def create_issue(self, title: str, body: str) -> Issue:
        def create() -> Issue:
            i = self._repo.create_issue(title=title, body=body)
            return Issue(i.number, i.title or "", i.body or "", i.user.login)
        return call_github("open an issue", create)

    def close_issue(self, number: int, comment: str) -> None:
        def close() -> None:
            issue = self._repo.get_issue(number)
            issue.create_comment(comment)
            issue.edit(state="closed")
        call_github(f"close issue #{number}", close)

    def read_state(self) -> str | None:
        try:
            ref = self._repo.get_git_ref(STATE_REF.removeprefix("refs/"))
        except GithubException as exc:
            if exc.status == 404:
                return None
            raise GitHubError(f"GitHub refused to read {STATE_REF}: HTTP {exc.status}") from exc
        with github_errors(f"read {STATE_REF}"):
            tree = self._repo.get_git_commit(ref.object.sha).tree
            entry = next((e for e in tree.tree if e.path == STATE_FILE), None)
            if entry is None:
                return None
            return base64.b64decode(self._repo.get_git_blob(entry.sha).content).decode("utf-8")
        raise AssertionError("unreachable")  # pragma: no cover

    def write_state(self, text: str, message: str) -> None:
        """A commit per run, parented on the last one: the state's history is its audit trail."""
        with github_errors(f"write {STATE_REF}"):
            blob = self._repo.create_git_blob(text, "utf-8")
            element = InputGitTreeElement(STATE_FILE, "100644", "blob", sha=blob.sha)
            tree = self._repo.create_git_tree([element])
            try:
                ref = self._repo.get_git_ref(STATE_REF.removeprefix("refs/"))
            except GithubException as exc:
                if exc.status != 404:
                    raise
                commit = self._repo.create_git_commit(message, tree, [])
                self._repo.create_git_ref(STATE_REF, commit.sha)
                return
            parent = self._repo.get_git_commit(ref.object.sha)
            commit = self._repo.create_git_commit(message, tree, [parent])
            ref.edit(commit.sha, force=True)


class DoctorGitHubClient(DriftGitHubClient):
    """What `reconciler doctor` reads (reconciler.doctor.github.DoctorGitHub): labels, the default
    branch's protection and the Actions workflow permissions, as GitHub's REST API returns them."""

    def label_names(self) -> set[str]:
        return call_github("list labels", lambda: {label.name for label in self._repo.get_labels()})

    def _get(self, path: str, doing: str) -> dict[str, Any] | None:
        """The JSON at the repository's `path`; None for "not protected"; NotAllowed for 403/404."""
        try:
            _, data = self._repo.requester.requestJsonAndCheck("GET", f"{self._repo.url}/{path}")
        except GithubException as exc:
            message = exc.data.get("message", "") if isinstance(exc.data, dict) else ""
            if exc.status == 404 and "not protected" in str(message).lower():
                return None
            if exc.status in (403, 404):
                raise NotAllowed(str(message)) from exc
            raise GitHubError(f"GitHub refused to {doing}: HTTP {exc.status} {message}".rstrip()) from exc
        except requests.RequestException as exc:
            raise GitHubError(f"cannot reach GitHub to {doing}: {type(exc).__name__}") from exc
        return data if isinstance(data, dict) else {}

    def branch_protection(self, branch: str) -> Protection | None:
        data = self._get(f"branches/{branch}/protection", f"read {branch}'s protection")
        if data is None:
            return None
        reviews = data.get("required_pull_request_reviews") or {}
        checks = data.get("required_status_checks") or {}
        names = [*(checks.get("contexts") or []), *(c.get("context") for c in checks.get("checks") or [])]
        return Protection(int(reviews.get("required_approving_review_count") or 0),
                          bool(reviews.get("dismiss_stale_reviews")), tuple(str(n) for n in names if n))

    def actions_can_create_pull_requests(self) -> bool:
        data = self._get("actions/permissions/workflow", "read the Actions workflow permissions") or {}
        return bool(data.get("can_approve_pull_request_reviews"))
