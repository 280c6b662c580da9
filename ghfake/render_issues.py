"""JSON shapes of GitHub's issues, pull requests, issue comments and reviews."""

from __future__ import annotations

from typing import Any

from ghfake.gitrepo import BareRepo
from ghfake.render import Json, Urls, label, repo, user
from ghfake.store import Comment, Issue, RepoMeta, Review


def association(meta: RepoMeta, login: str) -> str:
    return "OWNER" if login == meta.owner.login else "CONTRIBUTOR"


def _labels(urls: Urls, meta: RepoMeta, names: list[str]) -> list[Json]:
    return [label(urls, meta.full_name, meta.labels[n]) for n in names if n in meta.labels]


def issue(urls: Urls, meta: RepoMeta, it: Issue) -> Json:
    base = f"{urls.repo(meta.full_name)}/issues/{it.number}"
    kind = "pull" if it.is_pull else "issues"
    out: Json = {
        "id": it.id, "node_id": f"I_{it.id}", "number": it.number, "title": it.title, "body": it.body,
        "user": user(urls, it.user), "state": it.state, "state_reason": None, "locked": False,
        "labels": _labels(urls, meta, it.labels), "assignee": None, "assignees": [], "milestone": None,
        "comments": sum(1 for c in meta.comments.values() if c.issue_number == it.number),
        "created_at": it.created_at, "updated_at": it.updated_at, "closed_at": it.closed_at,
        "author_association": association(meta, it.user.login), "active_lock_reason": None,
        "url": base, "repository_url": urls.repo(meta.full_name), "labels_url": f"{base}/labels{{/name}}",
        "comments_url": f"{base}/comments", "events_url": f"{base}/events",
        "html_url": f"{urls.web}/{meta.full_name}/{kind}/{it.number}",
    }
    if it.is_pull:
        pull_url = f"{urls.repo(meta.full_name)}/pulls/{it.number}"
        out["pull_request"] = {"url": pull_url, "html_url": out["html_url"], "diff_url": None,
                               "patch_url": None, "merged_at": it.merged_at}
    return out


def comment(urls: Urls, meta: RepoMeta, c: Comment) -> Json:
    base = urls.repo(meta.full_name)
    return {"id": c.id, "node_id": f"IC_{c.id}", "url": f"{base}/issues/comments/{c.id}",
            "html_url": f"{urls.web}/{meta.full_name}/issues/{c.issue_number}#issuecomment-{c.id}",
            "issue_url": f"{base}/issues/{c.issue_number}", "body": c.body, "user": user(urls, c.user),
            "created_at": c.created_at, "updated_at": c.updated_at,
            "author_association": association(meta, c.user.login)}


def review(urls: Urls, meta: RepoMeta, number: int, r: Review) -> Json:
    pull_url = f"{urls.repo(meta.full_name)}/pulls/{number}"
    html = f"{urls.web}/{meta.full_name}/pull/{number}#pullrequestreview-{r.id}"
    return {"id": r.id, "node_id": f"PRR_{r.id}", "user": user(urls, r.user), "body": r.body,
            "state": r.state, "commit_id": r.commit_id, "html_url": html, "pull_request_url": pull_url,
            "submitted_at": r.submitted_at, "author_association": association(meta, r.user.login),
            "_links": {"html": {"href": html}, "pull_request": {"href": pull_url}}}


def _branch_end(urls: Urls, meta: RepoMeta, bare: BareRepo, branch: str, sha: str,
                open_issues: int) -> Json:
    return {"label": f"{meta.owner.login}:{branch}", "ref": branch, "sha": sha,
            "user": user(urls, meta.owner), "repo": repo(urls, meta, bare, open_issues)}


def pull(urls: Urls, meta: RepoMeta, bare: BareRepo, it: Issue, stats: dict[str, Any]) -> Json:
    """A pull request; `stats` holds what git computes (commits, files, mergeable)."""
    assert it.head is not None and it.base is not None
    base = f"{urls.repo(meta.full_name)}/pulls/{it.number}"
    as_issue = issue(urls, meta, it)
    html = as_issue["html_url"]
    open_issues = stats["open_issues"]
    links = {"self": base, "html": html, "issue": as_issue["url"], "comments": as_issue["comments_url"],
             "review_comments": f"{base}/comments", "review_comment": f"{base}/comments{{/number}}",
             "commits": f"{base}/commits",
             "statuses": f"{urls.repo(meta.full_name)}/statuses/{stats['head_sha']}"}
    return {
        **{k: as_issue[k] for k in ("id", "number", "title", "body", "user", "state", "locked", "labels",
                                    "assignee", "assignees", "milestone", "created_at", "updated_at",
                                    "closed_at", "author_association", "active_lock_reason", "comments")},
        "node_id": f"PR_{it.id}", "url": base, "html_url": html, "issue_url": as_issue["url"],
        "diff_url": f"{html}.diff", "patch_url": f"{html}.patch", "commits_url": links["commits"],
        "review_comments_url": links["review_comments"], "review_comment_url": links["review_comment"],
        "comments_url": links["comments"], "statuses_url": links["statuses"],
        "_links": {k: {"href": v} for k, v in links.items()},
        "head": _branch_end(urls, meta, bare, it.head, stats["head_sha"], open_issues),
        "base": _branch_end(urls, meta, bare, it.base, stats["base_sha"], open_issues),
        "draft": it.draft, "merged": it.merged_at is not None, "merged_at": it.merged_at,
        "merged_by": user(urls, it.merged_by) if it.merged_by else None,
        "merge_commit_sha": it.merge_commit_sha, "mergeable": stats["mergeable"],
        "mergeable_state": "clean" if stats["mergeable"] else "dirty", "rebaseable": stats["mergeable"],
        "auto_merge": None, "requested_reviewers": [], "requested_teams": [],
        "maintainer_can_modify": it.maintainer_can_modify, "review_comments": 0,
        "commits": stats["commits"], "additions": stats["additions"], "deletions": stats["deletions"],
        "changed_files": stats["changed_files"],
    }
