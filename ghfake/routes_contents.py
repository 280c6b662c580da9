"""The contents API: read files and directories, and commit one-file changes to a branch."""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, Response, jsonify, request

from ghfake import render
from ghfake.api import ApiError, body, caller, created, invalid, not_found, repo_meta, server, urls
from ghfake.gitrepo import BareRepo, TreeEntry
from ghfake.render import Json
from ghfake.routes_git import default_signature, signature_from
from ghfake.routes_repos import note_push
from ghfake.store import RepoMeta

bp = Blueprint("contents", __name__)


def _entry(bare: BareRepo, commit: str, path: str) -> TreeEntry | None:
    found = [e for e in bare.ls_tree(commit, path) if e.path == path]
    return found[0] if found else None


@bp.get("/repos/<owner>/<name>/contents", defaults={"path": ""})
@bp.get("/repos/<owner>/<name>/contents/", defaults={"path": ""})
@bp.get("/repos/<owner>/<name>/contents/<path:path>")
def get_content(owner: str, name: str, path: str) -> Response:
    meta, bare = repo_meta(owner, name)
    ref = request.args.get("ref") or bare.default_branch()
    commit = bare.resolve(f"{ref}^{{commit}}")
    if commit is None:
        raise ApiError(404, f"No commit found for the ref {ref}")
    path = path.strip("/")
    entry = _entry(bare, commit, path) if path else TreeEntry("040000", "tree", "", "", None)
    if entry is None:
        raise not_found()
    if entry.type == "tree":
        listing = bare.ls_tree(commit, f"{path}/" if path else "")
        return jsonify([render.content_item(urls(), meta.full_name, e, ref) for e in listing])
    return jsonify(render.file_content(urls(), meta.full_name, entry, ref, bare.read_blob(entry.sha)))


def _commit_change(meta: RepoMeta, bare: BareRepo, path: str, blob: str | None, expected: str | None,
                   data: Json) -> tuple[TreeEntry | None, str, int]:
    """Commit one file change on the target branch; returns (new entry, commit sha, status)."""
    branch = data.get("branch") or bare.default_branch()
    head = bare.resolve(f"refs/heads/{branch}")
    if head is None and data.get("branch") and bare.refs("refs/heads/"):
        raise ApiError(404, f"Branch {branch} not found")
    current = _entry(bare, head, path) if head else None
    if blob is None and current is None:
        raise not_found()
    if current is not None and expected is None:
        raise invalid("Content", "sha", "missing_field", '"sha" wasn\'t supplied.')
    if current is not None and expected != current.sha:
        raise ApiError(409, f"{path} does not match {expected}")
    base_tree = bare.resolve(f"{head}^{{tree}}") if head else None
    tree = bare.write_tree(base_tree, {path: ("100644", blob) if blob else None})
    author = signature_from(data.get("author"), default_signature(caller()))
    committer = signature_from(data.get("committer"), author)
    sha = bare.commit_tree(tree, [head] if head else [], str(data.get("message", "")), author, committer)
    bare.update_ref(f"refs/heads/{branch}", sha, head or "")
    note_push(meta, f"refs/heads/{branch}")
    return _entry(bare, sha, path), sha, 200 if current else 201


@bp.put("/repos/<owner>/<name>/contents/<path:path>")
def put_content(owner: str, name: str, path: str) -> Response:
    meta, bare = repo_meta(owner, name)
    data = body()
    if not isinstance(data.get("message"), str):
        raise invalid("Content", "message", "missing_field")
    try:
        raw = base64.b64decode(str(data.get("content", "")), validate=True)
    except binascii.Error as exc:
        raise invalid("Content", "content", message="content is not valid Base64") from exc
    with server().store.lock:
        entry, sha, status = _commit_change(meta, bare, path.strip("/"), bare.hash_blob(raw),
                                            data.get("sha"), data)
    assert entry is not None
    branch = data.get("branch") or bare.default_branch()
    content = render.content_item(urls(), meta.full_name, entry, branch)
    commit = render.git_commit(urls(), meta.full_name, bare.commit(sha))
    return created({"content": content, "commit": commit}, status)


@bp.delete("/repos/<owner>/<name>/contents/<path:path>")
def delete_content(owner: str, name: str, path: str) -> Response:
    meta, bare = repo_meta(owner, name)
    data = body()
    if not isinstance(data.get("message"), str):
        raise invalid("Content", "message", "missing_field")
    with server().store.lock:
        _, sha, _ = _commit_change(meta, bare, path.strip("/"), None, data.get("sha"), data)
    return jsonify({"content": None, "commit": render.git_commit(urls(), meta.full_name, bare.commit(sha))})
