"""The GitHub adapter: the only module that imports PyGithub. It implements
`reconciler.pullrequests.port.GitHubPort` for one repository and turns PyGithub's exceptions into
`GitHubError` with the cause chained. The token never appears in an error message.
`DriftGitHubClient` adds what drift handling needs (reconciler.drift.remediate.DriftGitHub).

GitHub's rate limits are honoured in one place, `RateLimitRetry`, which every HTTP request
PyGithub makes passes through (see its docstring and docs/reconcile.md)."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException, InputGitTreeElement
from github.PaginatedList import PaginatedList
from github.PullRequest import PullRequest as GhPull
from github.Repository import Repository
from github.Requester import Requester
from urllib3 import BaseHTTPResponse
from urllib3.util.retry import Retry

from reconciler.doctor.github import NotAllowed, Protection
from reconciler.errors import GitHubError
from reconciler.pullrequests.actions import ActionsEnv
from reconciler.pullrequests.port import Comment, Issue, PullCommit, PullRequest, Review

T = TypeVar("T")

MAX_WAIT_ENV = "RECONCILER_GITHUB_MAX_WAIT"
DEFAULT_MAX_WAIT = 15 * 60.0  # seconds of rate-limit waiting one run may spend
SECONDARY_WAIT = 60.0  # "Otherwise, wait for at least one minute before retrying"
RATE_LIMITED = (403, 429)


def sleep(seconds: float) -> None:
    """How the adapter waits for a rate limit. Tests replace it (nothing may sleep for real)."""
    time.sleep(seconds)


def max_wait_from_env() -> float:
    """RECONCILER_GITHUB_MAX_WAIT (seconds), or 15 minutes when unset."""
    text = os.environ.get(MAX_WAIT_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_WAIT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise GitHubError(f"{MAX_WAIT_ENV} must be a number of seconds (0 or more), not {text!r}: "
                          "set it to how long one run may wait for GitHub's rate limits, e.g. 900")
    return value


def _at(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RateLimitWaits:
    """The waiting one client (one run) may do for GitHub's rate limits, as GitHub says to wait
    ("Rate limits for the REST API", section "Exceeding the rate limit"): `retry-after` seconds
    when the header is there; else, when `x-ratelimit-remaining` is 0, until `x-ratelimit-reset`;
    else (a secondary limit said only in the message) at least a minute, doubling while the same
    request keeps being refused. The waits of a run add up to at most `max_wait` seconds; a wait
    that would pass it fails at once with a `GitHubError` saying which limit, until when, and what
    to do. `sleep` and `clock` are injectable so that tests never sleep."""

    def __init__(self, max_wait: float, sleep: Callable[[float], None] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.max_wait = max_wait
        self.waited = 0.0
        self.waits: list[tuple[str, float]] = []  # (which limit, seconds), in order
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()

    def wait_for(self, response: BaseHTTPResponse, attempt: int) -> float:
        """Seconds to wait before retrying `response` (a 403 or 429); raises the exception PyGithub
        would have raised when it is not a rate limit, and GitHubError past the run's budget."""
        limit, wait, until = self._classify(response, attempt)
        with self._lock:
            if self.waited + wait > self.max_wait:
                raise GitHubError(self._exhausted(limit, wait, until))
            self.waited += wait
            self.waits.append((limit, wait))
        return wait

    def pause(self, seconds: float) -> None:
        (self._sleep or sleep)(seconds)  # the module's `sleep` looked up now, so tests can swap it

    def _classify(self, response: BaseHTTPResponse, attempt: int) -> tuple[str, float, float]:
        """(which limit, seconds to wait, epoch it lifts) for a rate-limit answer."""
        headers = response.headers
        now = self._clock()
        retry_after = _number(headers.get("retry-after"))
        if retry_after is not None:
            wait = max(retry_after, 1.0)
            return "secondary", wait, now + wait
        reset = _number(headers.get("x-ratelimit-reset"))
        if headers.get("x-ratelimit-remaining") == "0" and reset is not None:
            wait = max(reset - now + 1.0, 1.0)  # +1: the reset happens somewhere in that second
            return "primary", wait, reset
        message = _message(response)
        if not Requester.isRateLimitError(message):
            raise Requester.createException(response.status, {k.lower(): v for k, v in headers.items()},
                                            _json(response) or {})
        wait = SECONDARY_WAIT * 2 ** attempt
        return "secondary", wait, now + wait

    def _exhausted(self, limit: str, wait: float, until: float) -> str:
        what = ("GitHub's primary rate limit (requests an hour) is spent" if limit == "primary"
                else "GitHub's secondary rate limit (content-creating requests a minute) refused a request")
        return (f"{what}; it lifts at {_at(until)} ({wait:.0f} s from now), but this run has already "
                f"waited {self.waited:.0f} s of the {self.max_wait:.0f} s {MAX_WAIT_ENV} allows. Nothing "
                "is lost: run again after that time (the next scheduled run carries on), or raise "
                f"{MAX_WAIT_ENV}.")


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _json(response: BaseHTTPResponse) -> dict[str, Any] | None:
    try:
        data = json.loads(response.data or b"null")
    except ValueError:
        return {"message": response.data.decode("utf-8", "replace")[:200]}
    finally:
        response.release_conn()
    return data if isinstance(data, dict) else None


def _message(response: BaseHTTPResponse) -> str:
    data = _json(response)
    return str((data or {}).get("message") or "")


class RateLimitRetry(Retry):
    """The one place GitHub's rate limits are honoured: PyGithub hands this to urllib3 (its `retry`
    argument) for every request it makes, including pagination and lazy loads, and urllib3 retries
    the single refused request after `sleep`. Retrying there, rather than around a whole adapter
    call (`call_github`), never replays the earlier writes of a call that makes several (a comment
    and then a close). Only 403 and 429 are looked at; one that is not a rate limit (a permission
    refusal) raises the GithubException PyGithub would have raised, unretried. Connection errors
    and 5xx are not retried, as before. PyGithub's own GithubRetry is not used: it sleeps with
    `time.sleep` and reads the wall clock (tests would wait), does not retry 429, retries 5xx, and
    bounds each wait, not a run's total."""

    def __init__(self, waits: RateLimitWaits | None = None, wait: float = 0.0, **kwargs: Any) -> None:
        options: dict[str, Any] = {"total": None, "connect": 0, "read": False, "redirect": 0,
                                   "status": None, "other": 0, "raise_on_status": False}
        super().__init__(**{**options, **kwargs})
        self.waits = waits
        self.wait = wait

    def new(self, **kw: Any) -> RateLimitRetry:
        retry = super().new(**kw)
        retry.waits, retry.wait = self.waits, 0.0
        return retry

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        return self.waits is not None and status_code in RATE_LIMITED

    def increment(self, method: str | None = None, url: str | None = None,  # type: ignore[override]
                  response: BaseHTTPResponse | None = None, error: Exception | None = None,
                  _pool: Any = None, _stacktrace: Any = None) -> Retry:
        wait = 0.0
        if response is not None and response.status in RATE_LIMITED and self.waits is not None:
            wait = self.waits.wait_for(response, len(self.history))
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        if isinstance(retry, RateLimitRetry):
            retry.wait = wait
        return retry

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        if self.wait > 0 and self.waits is not None:
            self.waits.pause(self.wait)


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

    def __init__(self, repository: str, token: str, api_url: str, *, max_wait: float | None = None,
                 sleep: Callable[[float], None] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        # Only rate limits are retried (RateLimitRetry): any other refusal must surface now.
        # `max_wait` (seconds; RECONCILER_GITHUB_MAX_WAIT when None), `sleep` and `clock`: see RateLimitWaits.
        self.rate_limit_waits = RateLimitWaits(max_wait_from_env() if max_wait is None else max_wait,
                                               sleep, clock)
        self._gh = Github(base_url=api_url, auth=Auth.Token(token), timeout=30, per_page=100,
                          retry=RateLimitRetry(self.rate_limit_waits),
                          seconds_between_requests=None, seconds_between_writes=None)
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
        self._point_ref(f"refs/heads/{branch}", sha)

    def _point_ref(self, ref: str, sha: str) -> None:
        """Point the full ref name `ref` at `sha`: created, or moved (forced) when it exists."""
        if not self._create_ref(ref, sha):
            self._gh.requester.requestJsonAndCheck("PATCH", f"{self._repo.url}/git/{ref}",
                                                   input={"sha": sha, "force": True})

    def _ref_sha(self, ref: str) -> str | None:
        """The commit the full ref name `ref` points at; None when there is no such ref."""
        try:
            return str(self._repo.get_git_ref(ref.removeprefix("refs/")).object.sha)
        except GithubException as exc:
            if exc.status == 404:
                return None
            raise GitHubError(f"GitHub refused to read {ref}: HTTP {exc.status}") from exc

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
        sha = self._ref_sha(ref)
        return None if sha is None else self.read_file(path, sha)

    def write_ref_file(self, ref: str, path: str, text: str, message: str) -> str:
        """A parentless commit holding only `path`, at the full ref name `ref` (created or moved)."""
        with github_errors(f"write {ref}"):
            sha = self._file_commit(path, text, message)
            self._point_ref(ref, sha)
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
        return self._ref_sha(APPLIED_REF)

    def record_applied(self, sha: str) -> None:
        """Point refs/reconciler/applied at `sha`, a commit of main (created, or moved)."""
        with github_errors(f"write {APPLIED_REF}"):
            self._point_ref(APPLIED_REF, sha)


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

    def edit_issue(self, number: int, title: str, body: str) -> None:
        def edit() -> None:
            self._repo.get_issue(number).edit(title=title, body=body)
        call_github(f"edit issue #{number}", edit)

    def merge_pull_request(self, number: int) -> None:
        """Merges a pull request the reconciler opened (lifecycle.auto_merge); GitHub's branch
        protection, and afterwards the apply gate, still decide."""
        call_github(f"merge pull request #{number}", lambda: self._repo.get_pull(number).merge())

    def read_state(self) -> str | None:
        sha = self._ref_sha(STATE_REF)
        if sha is None:
            return None
        with github_errors(f"read {STATE_REF}"):
            tree = self._repo.get_git_commit(sha).tree
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
                          bool(reviews.get("dismiss_stale_reviews")), tuple(str(n) for n in names if n),
                          bool(reviews.get("require_last_push_approval")))

    def actions_can_create_pull_requests(self) -> bool:
        data = self._get("actions/permissions/workflow", "read the Actions workflow permissions") or {}
        return bool(data.get("can_approve_pull_request_reviews"))
