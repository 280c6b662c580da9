"""Users, rate limit, repositories, branches and git refs."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ghfake import render
from ghfake.api import ApiError, body, caller, created, invalid, not_found, paginate, repo_meta, server, urls
from ghfake.gitrepo import BareRepo, GitError
from ghfake.render import Json
from ghfake.store import REPO_NAME, RepoMeta, now

bp = Blueprint("repos", __name__)


def note_push(meta: RepoMeta, ref: str) -> None:
    """Remember who moved a branch through the API (branch protection's "most recent push")."""
    if ref.startswith("refs/heads/"):
        meta.pushers[ref.removeprefix("refs/heads/")] = caller().login


def open_issue_count(meta: RepoMeta) -> int:
    return sum(1 for it in meta.issues.values() if it.state == "open")


def repo_json(meta: RepoMeta, bare: BareRepo) -> Json:
    return render.repo(urls(), meta, bare, open_issue_count(meta))


@bp.get("/user")
def authenticated_user() -> Response:
    user = caller()
    if user.type == "Bot":  # what GitHub answers an Actions GITHUB_TOKEN
        raise ApiError(403, "Resource not accessible by integration")
    return jsonify(render.private_user(urls(), user, now()))


@bp.get("/users/<login>")
def get_user(login: str) -> Response:
    found = server().store.users.get(login)
    if found is None:
        raise not_found()
    return jsonify(render.public_user(urls(), found, now()))


@bp.get("/rate_limit")
def rate_limit() -> Response:
    rate = server().rate
    headers = rate.headers()
    core = {"limit": rate.limit, "remaining": int(headers["X-RateLimit-Remaining"]),
            "reset": rate.reset_at, "used": rate.used}
    return jsonify({"resources": {"core": core, "search": {**core, "limit": 30, "used": 0, "remaining": 30}},
                    "rate": core})


def _create(owner: str) -> Response:
    data = body()
    name = data.get("name")
    if not isinstance(name, str) or not REPO_NAME.match(f"{owner}/{name}"):
        raise invalid("Repository", "name", "missing_field")
    store = server().store
    with store.lock:
        if store.repo(f"{owner}/{name}") is not None:
            raise invalid("Repository", "name", "custom", "name already exists on this account")
        files = {"README.md": f"# {name}\n"} if data.get("auto_init") else {}
        meta = store.create_repo(f"{owner}/{name}", "main", files, bool(data.get("private")),
                                 data.get("description"))
        return created(repo_json(meta, store.bare(meta.full_name)))


@bp.post("/user/repos")
def create_for_user() -> Response:
    user = caller()
    if user.type == "Bot":
        raise ApiError(403, "Resource not accessible by integration")
    return _create(user.login)


@bp.post("/orgs/<org>/repos")
def create_in_org(org: str) -> Response:
    caller()
    return _create(org)


@bp.get("/repos/<owner>/<name>")
def get_repo(owner: str, name: str) -> Response:
    meta, bare = repo_meta(owner, name)
    return jsonify(repo_json(meta, bare))


def branch_json(meta: RepoMeta, bare: BareRepo, branch: str, sha: str) -> Json:
    base = urls().repo(meta.full_name)
    return {"name": branch, "commit": render.commit(urls(), meta.full_name, bare.commit(sha)),
            "_links": {"self": f"{base}/branches/{branch}",
                       "html": f"{urls().web}/{meta.full_name}/tree/{branch}"},
            "protected": False, "protection": {"enabled": False},
            "protection_url": f"{base}/branches/{branch}/protection"}


@bp.get("/repos/<owner>/<name>/branches")
def list_branches(owner: str, name: str) -> Response:
    meta, bare = repo_meta(owner, name)
    base = urls().repo(meta.full_name)
    items = [{"name": ref.removeprefix("refs/heads/"), "protected": False,
              "commit": {"sha": sha, "url": f"{base}/commits/{sha}"}}
             for ref, sha, _ in bare.refs("refs/heads/")]
    return paginate(items)


@bp.get("/repos/<owner>/<name>/branches/<path:branch>")
def get_branch(owner: str, name: str, branch: str) -> Response:
    meta, bare = repo_meta(owner, name)
    sha = bare.resolve(f"refs/heads/{branch}")
    if sha is None:
        raise ApiError(404, "Branch not found")
    return jsonify(branch_json(meta, bare, branch, sha))


def _refs(meta: RepoMeta, bare: BareRepo, prefix: str) -> list[Json]:
    return [render.ref(urls(), meta.full_name, ref, sha, kind) for ref, sha, kind in bare.refs()
            if ref.startswith(prefix)]


@bp.get("/repos/<owner>/<name>/git/matching-refs/<path:ref>")
def matching_refs(owner: str, name: str, ref: str) -> Response:
    meta, bare = repo_meta(owner, name)
    return paginate(_refs(meta, bare, f"refs/{ref}"))


@bp.get("/repos/<owner>/<name>/git/refs")
def list_refs(owner: str, name: str) -> Response:
    meta, bare = repo_meta(owner, name)
    return paginate(_refs(meta, bare, "refs/"))


@bp.get("/repos/<owner>/<name>/git/ref/<path:ref>")
@bp.get("/repos/<owner>/<name>/git/refs/<path:ref>")
def get_ref(owner: str, name: str, ref: str) -> Response:
    meta, bare = repo_meta(owner, name)
    found = [r for r in _refs(meta, bare, f"refs/{ref}") if r["ref"] == f"refs/{ref}"]
    if not found:
        raise not_found()
    return jsonify(found[0])


@bp.post("/repos/<owner>/<name>/git/refs")
def create_ref(owner: str, name: str) -> Response:
    meta, bare = repo_meta(owner, name)
    data = body()
    ref, sha = data.get("ref"), data.get("sha")
    if not isinstance(ref, str) or not ref.startswith("refs/") or ref.count("/") < 2:
        raise ApiError(422, "Reference name must start with 'refs/' and have at least two slashes.")
    if not isinstance(sha, str) or bare.object_type(sha) is None:
        raise ApiError(422, "Object does not exist")
    with server().store.lock:
        if bare.resolve(ref) is not None:
            raise ApiError(422, "Reference already exists")
        try:
            bare.update_ref(ref, sha, "")
        except GitError as exc:
            raise ApiError(422, "Reference already exists") from exc
        note_push(meta, ref)
    return created(render.ref(urls(), meta.full_name, ref, sha, bare.object_type(sha) or "commit"))


@bp.patch("/repos/<owner>/<name>/git/refs/<path:ref>")
def update_ref(owner: str, name: str, ref: str) -> Response:
    meta, bare = repo_meta(owner, name)
    data = body()
    sha = data.get("sha")
    full = f"refs/{ref}"
    if not isinstance(sha, str) or bare.object_type(sha) is None:
        raise ApiError(422, "Object does not exist")
    with server().store.lock:
        current = bare.resolve(full)
        if current is None:
            raise ApiError(422, "Reference does not exist")
        if not data.get("force") and not bare.is_ancestor(current, sha):
            raise ApiError(422, "Update is not a fast forward")
        bare.update_ref(full, sha, current)
        note_push(meta, full)
    return jsonify(render.ref(urls(), meta.full_name, full, sha, bare.object_type(sha) or "commit"))


@bp.delete("/repos/<owner>/<name>/git/refs/<path:ref>")
def delete_ref(owner: str, name: str, ref: str) -> Response:
    _, bare = repo_meta(owner, name)
    with server().store.lock:
        if bare.resolve(f"refs/{ref}") is None:
            raise ApiError(422, "Reference does not exist")
        bare.delete_ref(f"refs/{ref}")
    return Response(status=204)
