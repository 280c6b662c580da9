"""Pull requests: create, list, get, update, merge (a real merge commit), files and reviews."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ghfake import api, render, render_issues
from ghfake.api import ApiError, body, caller, created, invalid, not_found, paginate, repo_meta, server, urls
from ghfake.gitrepo import BareRepo
from ghfake.render import Json
from ghfake.routes_access import forbid_actions_bot, protection_refusal
from ghfake.routes_git import default_signature
from ghfake.routes_repos import open_issue_count
from ghfake.store import Issue, RepoMeta, Review, now

bp = Blueprint("pulls", __name__)
REVIEW_STATES = {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}
FILE_STATUS = {"A": "added", "M": "modified", "D": "removed", "T": "changed"}


def shas(bare: BareRepo, it: Issue) -> tuple[str, str]:
    """Head and base commits: live while the pull request is open, frozen once it is not."""
    head = it.head_sha if it.state == "closed" else bare.resolve(f"refs/heads/{it.head}")
    base = it.base_sha if it.state == "closed" else bare.resolve(f"refs/heads/{it.base}")
    return head or it.head_sha or "", base or it.base_sha or ""


def pull_json(meta: RepoMeta, bare: BareRepo, it: Issue) -> Json:
    head, base = shas(bare, it)
    files = bare.changed_files(base, head) if head and base else []
    commits = bare.text("rev-list", "--count", f"{base}..{head}") if head and base else "0"
    mergeable = it.merged_at is not None or bare.merge_tree(base, head) is not None
    stats: dict[str, Any] = {"head_sha": head, "base_sha": base, "mergeable": mergeable,
                             "commits": int(commits), "changed_files": len(files),
                             "additions": sum(f[2] for f in files), "deletions": sum(f[3] for f in files),
                             "open_issues": open_issue_count(meta)}
    return render_issues.pull(urls(), meta, bare, it, stats)


def get_pull(meta: RepoMeta, number: int) -> Issue:
    it = meta.issues.get(number)
    if it is None or not it.is_pull:
        raise not_found()
    return it


@bp.post("/repos/<owner>/<name>/pulls")
def create_pull(owner: str, name: str) -> Response:
    meta, bare = repo_meta(owner, name)
    data = body()
    head = str(data.get("head", "")).split(":", 1)[-1]
    base = str(data.get("base", ""))
    if not isinstance(data.get("title"), str):
        raise invalid("PullRequest", "title", "missing_field")
    head_sha, base_sha = bare.resolve(f"refs/heads/{head}"), bare.resolve(f"refs/heads/{base}")
    if head_sha is None:
        raise invalid("PullRequest", "head")
    if base_sha is None:
        raise invalid("PullRequest", "base")
    forbid_actions_bot(meta, caller())
    store = server().store
    with store.lock:
        if any(it.head == head and it.base == base and it.state == "open" for it in meta.issues.values()):
            raise invalid("PullRequest", "", "custom", f"A pull request already exists for {owner}:{head}.")
        if bare.is_ancestor(head_sha, base_sha):
            raise invalid("PullRequest", "", "custom", f"No commits between {base} and {head}")
        stamp = now()
        it = Issue(store.next_id(), store.next_number(meta), data["title"], data.get("body"), caller(),
                   stamp, stamp, head=head, base=base, draft=bool(data.get("draft")),
                   maintainer_can_modify=bool(data.get("maintainer_can_modify")))
        meta.issues[it.number] = it
    return created(pull_json(meta, bare, it))


@bp.get("/repos/<owner>/<name>/pulls")
def list_pulls(owner: str, name: str) -> Response:
    meta, bare = repo_meta(owner, name)
    state = request.args.get("state", "open")
    head = request.args.get("head", "").split(":", 1)[-1]
    base = request.args.get("base")
    found = [it for it in sorted(meta.issues.values(), key=lambda i: -i.number)
             if it.is_pull and state in ("all", it.state) and (not head or it.head == head)
             and (not base or it.base == base)]
    return paginate([pull_json(meta, bare, it) for it in found])


@bp.get("/repos/<owner>/<name>/pulls/<int:number>")
def read_pull(owner: str, name: str, number: int) -> Response:
    meta, bare = repo_meta(owner, name)
    return jsonify(pull_json(meta, bare, get_pull(meta, number)))


def close(bare: BareRepo, it: Issue, state: str) -> None:
    if state == it.state:
        return
    if state == "closed":
        it.head_sha, it.base_sha = shas(bare, it)
        it.closed_at = now()
    elif it.merged_at is not None:
        raise invalid("PullRequest", "state", message="A merged pull request cannot be reopened")
    else:
        it.closed_at = None
    it.state = state


@bp.patch("/repos/<owner>/<name>/pulls/<int:number>")
def update_pull(owner: str, name: str, number: int) -> Response:
    meta, bare = repo_meta(owner, name)
    data = body()
    with server().store.lock:
        it = get_pull(meta, number)
        if data.get("base") is not None:
            if bare.resolve(f"refs/heads/{data['base']}") is None:
                raise invalid("PullRequest", "base")
            it.base = str(data["base"])
        if data.get("state") is not None:
            if data["state"] not in ("open", "closed"):
                raise invalid("PullRequest", "state")
            close(bare, it, data["state"])
        it.title = str(data.get("title", it.title))
        it.body = data.get("body", it.body)
        it.updated_at = now()
    return jsonify(pull_json(meta, bare, it))


@bp.put("/repos/<owner>/<name>/pulls/<int:number>/merge")
def merge_pull(owner: str, name: str, number: int) -> Response:
    meta, bare = repo_meta(owner, name)
    data = request.get_json(silent=True) or {}
    method = data.get("merge_method", "merge")
    if method not in ("merge", "squash"):
        raise invalid("PullRequest", "merge_method", message=f"ghfake does not support {method} merges")
    if not api.has_role(meta, caller(), "write"):
        raise ApiError(403, "Must have push access to repository")
    with server().store.lock:
        it = get_pull(meta, number)
        head, base = shas(bare, it)
        if it.state != "open":
            raise ApiError(405, "Pull Request is not mergeable")
        refusal = protection_refusal(meta, it, head, caller())
        if refusal is not None:
            raise ApiError(405, refusal)
        if data.get("sha") and data["sha"] != head:
            raise ApiError(409, "Head branch was modified. Review and try the merge again.")
        tree = bare.merge_tree(base, head)
        if tree is None:
            raise ApiError(405, "Pull Request is not mergeable")
        title = data.get("commit_title") or (f"Merge pull request #{number} from {meta.owner.login}/{it.head}"
                                             if method == "merge" else f"{it.title} (#{number})")
        message = f"{title}\n\n{data.get('commit_message') or it.title}"
        sig = default_signature(caller())
        parents = [base, head] if method == "merge" else [base]
        sha = bare.commit_tree(tree, parents, message, sig, sig)
        bare.update_ref(f"refs/heads/{it.base}", sha, base)
        close(bare, it, "closed")
        it.base_sha, it.merged_at, it.merged_by, it.merge_commit_sha = base, it.closed_at, caller(), sha
    return jsonify({"sha": sha, "merged": True, "message": "Pull Request successfully merged"})


@bp.get("/repos/<owner>/<name>/pulls/<int:number>/files")
def list_files(owner: str, name: str, number: int) -> Response:
    meta, bare = repo_meta(owner, name)
    head, base = shas(bare, get_pull(meta, number))
    web = f"{urls().web}/{meta.full_name}"
    items = [{"sha": bare.resolve(f"{head}:{path}") or "0" * 40, "filename": path,
              "status": FILE_STATUS.get(status[0], "modified"), "additions": added, "deletions": deleted,
              "changes": added + deleted, "patch": patch, "blob_url": f"{web}/blob/{head}/{path}",
              "raw_url": f"{web}/raw/{head}/{path}",
              "contents_url": f"{urls().repo(meta.full_name)}/contents/{path}?ref={head}"}
             for status, path, added, deleted, patch in bare.changed_files(base, head)]
    return paginate(items)


@bp.get("/repos/<owner>/<name>/pulls/<int:number>/reviews")
def list_reviews(owner: str, name: str, number: int) -> Response:
    meta, _ = repo_meta(owner, name)
    get_pull(meta, number)
    return paginate([render_issues.review(urls(), meta, number, r) for r in meta.reviews.get(number, [])])


@bp.post("/repos/<owner>/<name>/pulls/<int:number>/reviews")
def create_review(owner: str, name: str, number: int) -> Response:
    meta, bare = repo_meta(owner, name)
    data = body()
    user = caller()
    event = data.get("event")
    if event is not None and event not in REVIEW_STATES:
        raise ApiError(422, "Unprocessable Entity", [f"Invalid event {event}"])
    store = server().store
    with store.lock:
        it = get_pull(meta, number)
        if event == "APPROVE":
            forbid_actions_bot(meta, user)
        if event in ("APPROVE", "REQUEST_CHANGES") and user.login == it.user.login:
            verb = "approve" if event == "APPROVE" else "request changes on"
            raise ApiError(422, "Unprocessable Entity", [f"Can not {verb} your own pull request"])
        if event in ("REQUEST_CHANGES", "COMMENT") and not data.get("body"):
            raise ApiError(422, "Unprocessable Entity", [f"Review Body is required for {event}"])
        commit_id = str(data.get("commit_id") or shas(bare, it)[0])
        state = REVIEW_STATES.get(str(event), "PENDING")
        review = Review(store.next_id(), user, str(data.get("body") or ""), state, commit_id, now())
        meta.reviews.setdefault(number, []).append(review)
    return jsonify(render_issues.review(urls(), meta, number, review))


def commit_json(meta: RepoMeta, bare: BareRepo, sha: str) -> Json:
    """A commit as the commits APIs list it, `author` and `committer` the GitHub users its emails
    belong to (null when none does, as on GitHub)."""
    info = bare.commit(sha)
    store = server().store
    out = render.commit(urls(), meta.full_name, info)
    for role, sig in (("author", info.author), ("committer", info.committer)):
        found = store.by_email(sig.email)
        out[role] = render.user(urls(), found) if found else None
    return out


def pull_commits(bare: BareRepo, it: Issue) -> list[str]:
    head, base = shas(bare, it)
    if not head or not base:
        return []
    return bare.text("rev-list", "--reverse", f"{base}..{head}").split()


@bp.get("/repos/<owner>/<name>/pulls/<int:number>/commits")
def list_commits(owner: str, name: str, number: int) -> Response:
    meta, bare = repo_meta(owner, name)
    it = get_pull(meta, number)
    return paginate([commit_json(meta, bare, sha) for sha in pull_commits(bare, it)[:250]])


@bp.get("/repos/<owner>/<name>/commits/<sha>/pulls")
def pulls_for_commit(owner: str, name: str, sha: str) -> Response:
    """The merged pull request whose merge brought `sha` into the default branch; for a commit not
    on it, the open and merged pull requests holding it."""
    meta, bare = repo_meta(owner, name)
    full = bare.resolve(sha)
    if full is None:
        raise invalid("Commit", "commit_sha", message=f"No commit found for SHA: {sha}")
    pulls = sorted((it for it in meta.issues.values() if it.is_pull), key=lambda i: -i.number)
    merged = [it for it in pulls if it.merge_commit_sha == full]
    if not merged:
        merged = [it for it in pulls
                  if (it.state == "open" or it.merged_at) and full in pull_commits(bare, it)]
    return paginate([pull_json(meta, bare, it) for it in merged])
