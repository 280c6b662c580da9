"""JSON shapes of GitHub's users, repositories, labels and git objects.

Every URL points at the fake itself, so a client that follows `url` fields stays on it. The
shapes follow the schemas in ghfake/data/github-openapi-subset.json, which the server checks
every response against.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from ghfake.gitrepo import BareRepo, CommitInfo, Signature, TreeEntry
from ghfake.store import Label, RepoMeta, User

Json = dict[str, Any]

# The *_url templates GitHub puts on every repository object.
REPO_URL_TEMPLATES = {
    "archive_url": "/{archive_format}{/ref}", "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}", "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}", "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}", "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}", "contributors_url": "/contributors",
    "deployments_url": "/deployments", "downloads_url": "/downloads", "events_url": "/events",
    "forks_url": "/forks", "git_commits_url": "/git/commits{/sha}", "git_refs_url": "/git/refs{/sha}",
    "git_tags_url": "/git/tags{/sha}", "hooks_url": "/hooks",
    "issue_comment_url": "/issues/comments{/number}", "issue_events_url": "/issues/events{/number}",
    "issues_url": "/issues{/number}", "keys_url": "/keys{/key_id}", "labels_url": "/labels{/name}",
    "languages_url": "/languages", "merges_url": "/merges", "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}", "pulls_url": "/pulls{/number}",
    "releases_url": "/releases{/id}", "stargazers_url": "/stargazers", "statuses_url": "/statuses/{sha}",
    "subscribers_url": "/subscribers", "subscription_url": "/subscription", "tags_url": "/tags",
    "teams_url": "/teams", "trees_url": "/git/trees{/sha}",
}


@dataclass(frozen=True)
class Urls:
    api: str  # http://127.0.0.1:PORT/api/v3
    web: str  # http://127.0.0.1:PORT

    def repo(self, full_name: str) -> str:
        return f"{self.api}/repos/{full_name}"


def user(urls: Urls, u: User) -> Json:
    base = f"{urls.api}/users/{u.login}"
    return {
        "login": u.login, "id": u.id, "node_id": f"U_{u.id}", "type": u.type, "site_admin": False,
        "avatar_url": f"{urls.web}/avatars/{u.login}", "gravatar_id": "", "url": base,
        "html_url": f"{urls.web}/{u.login}", "followers_url": f"{base}/followers",
        "following_url": f"{base}/following{{/other_user}}", "gists_url": f"{base}/gists{{/gist_id}}",
        "starred_url": f"{base}/starred{{/owner}}{{/repo}}", "subscriptions_url": f"{base}/subscriptions",
        "organizations_url": f"{base}/orgs", "repos_url": f"{base}/repos",
        "events_url": f"{base}/events{{/privacy}}",
        "received_events_url": f"{base}/received_events",
    }


def public_user(urls: Urls, u: User, created_at: str) -> Json:
    """/users/{login}: the user with profile fields (all empty here) and counts."""
    details: Json = {key: None for key in ("name", "company", "blog", "location", "email", "hireable",
                                           "bio", "twitter_username")}
    counts = {key: 0 for key in ("public_repos", "public_gists", "followers", "following")}
    return {**user(urls, u), **details, **counts, "created_at": created_at, "updated_at": created_at}


def private_user(urls: Urls, u: User, created_at: str) -> Json:
    """/user: the public user plus the account details only its owner sees."""
    counts = {key: 0 for key in ("collaborators", "disk_usage", "owned_private_repos", "private_gists",
                                 "total_private_repos")}
    return {**public_user(urls, u, created_at), **counts, "two_factor_authentication": True}


def repo(urls: Urls, meta: RepoMeta, bare: BareRepo, open_issues: int) -> Json:
    base = urls.repo(meta.full_name)
    html = f"{urls.web}/{meta.full_name}"
    templated = {key: base + suffix for key, suffix in REPO_URL_TEMPLATES.items()}
    counters = {key: 0 for key in ("forks", "forks_count", "stargazers_count", "watchers", "watchers_count",
                                   "size", "network_count", "subscribers_count")}
    return {
        **templated, **counters, "id": meta.id, "node_id": f"R_{meta.id}", "name": meta.name,
        "full_name": meta.full_name, "owner": user(urls, meta.owner), "private": meta.private,
        "visibility": "private" if meta.private else "public", "description": meta.description,
        "fork": False, "url": base, "html_url": html, "clone_url": f"{html}.git",
        "git_url": f"git://{html.split('://', 1)[1]}.git", "ssh_url": f"git@{html.split('://', 1)[1]}.git",
        "svn_url": html, "mirror_url": None, "homepage": None, "language": None,
        "default_branch": bare.default_branch(), "has_issues": True, "has_projects": False,
        "has_wiki": False, "has_pages": False, "has_discussions": False, "has_downloads": False,
        "archived": False, "disabled": False, "open_issues": open_issues, "open_issues_count": open_issues,
        "license": None, "topics": [], "is_template": False, "allow_forking": True,
        "web_commit_signoff_required": False, "pushed_at": meta.created_at,
        "created_at": meta.created_at, "updated_at": meta.created_at,
        "permissions": {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True},
    }


def label(urls: Urls, full_name: str, lab: Label) -> Json:
    return {"id": lab.id, "node_id": f"LA_{lab.id}", "url": f"{urls.repo(full_name)}/labels/{lab.name}",
            "name": lab.name, "color": lab.color, "description": lab.description, "default": False}


def signature(sig: Signature) -> Json:
    return {"name": sig.name, "email": sig.email, "date": sig.date}


def git_commit(urls: Urls, full_name: str, info: CommitInfo) -> Json:
    base = urls.repo(full_name)
    return {
        "sha": info.sha, "node_id": f"C_{info.sha}", "url": f"{base}/git/commits/{info.sha}",
        "html_url": f"{urls.web}/{full_name}/commit/{info.sha}", "author": signature(info.author),
        "committer": signature(info.committer), "message": info.message,
        "tree": {"sha": info.tree, "url": f"{base}/git/trees/{info.tree}"},
        "parents": [{"sha": p, "url": f"{base}/git/commits/{p}",
                     "html_url": f"{urls.web}/{full_name}/commit/{p}"} for p in info.parents],
        "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None,
                         "verified_at": None},
    }


def commit(urls: Urls, full_name: str, info: CommitInfo) -> Json:
    """The repos API's commit object (branches, commits): a git commit wrapped with metadata."""
    base = urls.repo(full_name)
    inner = git_commit(urls, full_name, info)
    inner = {k: inner[k] for k in ("url", "author", "committer", "message", "tree", "verification")}
    return {
        "sha": info.sha, "node_id": f"C_{info.sha}", "url": f"{base}/commits/{info.sha}",
        "html_url": f"{urls.web}/{full_name}/commit/{info.sha}",
        "comments_url": f"{base}/commits/{info.sha}/comments", "commit": {**inner, "comment_count": 0},
        "author": None, "committer": None,
        "parents": [{"sha": p, "url": f"{base}/commits/{p}",
                     "html_url": f"{urls.web}/{full_name}/commit/{p}"} for p in info.parents],
    }


def ref(urls: Urls, full_name: str, name: str, sha: str, kind: str) -> Json:
    base = urls.repo(full_name)
    return {"ref": name, "node_id": f"REF_{sha}", "url": f"{base}/git/{name}",
            "object": {"type": kind, "sha": sha, "url": f"{base}/git/{kind}s/{sha}"}}


def tree_entry(urls: Urls, full_name: str, entry: TreeEntry) -> Json:
    out: Json = {"path": entry.path, "mode": entry.mode, "type": entry.type, "sha": entry.sha,
                 "url": f"{urls.repo(full_name)}/git/{entry.type}s/{entry.sha}"}
    if entry.size is not None:
        out["size"] = entry.size
    return out


def content_item(urls: Urls, full_name: str, entry: TreeEntry, ref_name: str) -> Json:
    """A file or directory as the contents API lists it."""
    kind = {"blob": "file", "tree": "dir", "commit": "submodule"}[entry.type]
    api = f"{urls.repo(full_name)}/contents/{entry.path}?ref={ref_name}"
    html = f"{urls.web}/{full_name}/{'blob' if kind == 'file' else 'tree'}/{ref_name}/{entry.path}"
    git = f"{urls.repo(full_name)}/git/{entry.type}s/{entry.sha}"
    return {"type": kind, "size": entry.size or 0, "name": entry.path.rsplit("/", 1)[-1], "path": entry.path,
            "sha": entry.sha, "url": api, "git_url": git, "html_url": html,
            "download_url": f"{urls.web}/raw/{full_name}/{ref_name}/{entry.path}" if kind == "file" else None,
            "_links": {"self": api, "git": git, "html": html}}


def file_content(urls: Urls, full_name: str, entry: TreeEntry, ref_name: str, data: bytes) -> Json:
    encoded = base64.encodebytes(data).decode()
    return {**content_item(urls, full_name, entry, ref_name), "encoding": "base64", "content": encoded}
