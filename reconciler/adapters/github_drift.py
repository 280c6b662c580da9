"""What drift handling asks of GitHub beyond the shared client: pull requests of any state by
branch, issues for people, and the reconciler's state document behind `refs/reconciler/state`.

An extension of `GitHubClient` rather than an edit of it, so the shared port stays as it is.
"""

from __future__ import annotations

import base64

from github import GithubException, InputGitTreeElement

from reconciler.adapters.github import GitHubClient, call_github, github_errors, pull_request_of
from reconciler.errors import GitHubError
from reconciler.pullrequests.port import Issue, PullRequest

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
