"""The git data API: blobs, trees and commits written straight into the bare repository."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import Blueprint, Response, jsonify, request

from ghfake import render
from ghfake.api import ApiError, body, caller, created, invalid, not_found, repo_meta, urls
from ghfake.gitrepo import BareRepo, Signature
from ghfake.store import User, now

bp = Blueprint("git", __name__)
MODES = {"100644": "blob", "100755": "blob", "120000": "blob", "040000": "tree", "160000": "commit"}


def default_signature(user: User) -> Signature:
    return Signature(user.login, f"{user.id}+{user.login}@users.noreply.github.com", now())


def signature_from(data: Any, fallback: Signature) -> Signature:
    if not isinstance(data, dict):
        return fallback
    return Signature(str(data.get("name", fallback.name)), str(data.get("email", fallback.email)),
                     str(data.get("date", fallback.date)))


@bp.post("/repos/<owner>/<name>/git/blobs")
def create_blob(owner: str, name: str) -> Response:
    meta, bare = repo_meta(owner, name)
    data = body()
    content = data.get("content")
    if not isinstance(content, str):
        raise invalid("Blob", "content", "missing_field")
    try:
        is_base64 = data.get("encoding") == "base64"
        raw = base64.b64decode(content) if is_base64 else content.encode()
    except binascii.Error as exc:
        raise invalid("Blob", "content") from exc
    sha = bare.hash_blob(raw)
    return created({"sha": sha, "url": f"{urls().repo(meta.full_name)}/git/blobs/{sha}"})


@bp.get("/repos/<owner>/<name>/git/blobs/<sha>")
def get_blob(owner: str, name: str, sha: str) -> Response:
    meta, bare = repo_meta(owner, name)
    if bare.object_type(sha) != "blob":
        raise not_found()
    raw = bare.read_blob(sha)
    return jsonify({"sha": sha, "node_id": f"B_{sha}", "size": len(raw), "encoding": "base64",
                    "url": f"{urls().repo(meta.full_name)}/git/blobs/{sha}",
                    "content": base64.encodebytes(raw).decode()})


def tree_json(full_name: str, bare: BareRepo, sha: str, recursive: bool) -> render.Json:
    entries = [render.tree_entry(urls(), full_name, e) for e in bare.ls_tree(sha, recursive=recursive)]
    return {"sha": sha, "url": f"{urls().repo(full_name)}/git/trees/{sha}", "tree": entries,
            "truncated": False}


def _tree_change(bare: BareRepo, item: Any) -> tuple[str, tuple[str, str] | None]:
    if not isinstance(item, dict) or not isinstance(item.get("path"), str) or item.get("mode") not in MODES:
        raise invalid("Tree", "tree", message="tree entries need a path and a valid mode")
    path, mode = item["path"], item["mode"]
    if isinstance(item.get("content"), str):
        return path, (mode, bare.hash_blob(item["content"].encode()))
    if item.get("sha") is None:
        return path, None  # GitHub deletes the path when sha is null
    if bare.object_type(str(item["sha"])) is None:
        raise invalid("Tree", "sha", message=f"tree.sha {item['sha']} is not a valid object")
    return path, (mode, str(item["sha"]))


@bp.post("/repos/<owner>/<name>/git/trees")
def create_tree(owner: str, name: str) -> Response:
    meta, bare = repo_meta(owner, name)
    data = body()
    items = data.get("tree")
    if not isinstance(items, list):
        raise invalid("Tree", "tree", "missing_field")
    base_tree = data.get("base_tree")
    if base_tree is not None and bare.object_type(str(base_tree)) not in ("tree", "commit"):
        raise invalid("Tree", "base_tree", message="base_tree is not a valid tree")
    changes = dict(_tree_change(bare, item) for item in items)
    sha = bare.write_tree(str(base_tree) if base_tree else None, changes)
    return created(tree_json(meta.full_name, bare, sha, recursive=False))


@bp.get("/repos/<owner>/<name>/git/trees/<sha>")
def get_tree(owner: str, name: str, sha: str) -> Response:
    meta, bare = repo_meta(owner, name)
    resolved = bare.resolve(f"{sha}^{{tree}}")
    if resolved is None:
        raise not_found()
    recursive = request.args.get("recursive") not in (None, "", "0", "false")
    return jsonify(tree_json(meta.full_name, bare, resolved, recursive))


@bp.post("/repos/<owner>/<name>/git/commits")
def create_commit(owner: str, name: str) -> Response:
    meta, bare = repo_meta(owner, name)
    data = body()
    message, tree, parents = data.get("message"), data.get("tree"), data.get("parents", [])
    if not isinstance(message, str):
        raise invalid("Commit", "message", "missing_field")
    if not isinstance(tree, str) or bare.object_type(tree) != "tree":
        raise invalid("Commit", "tree", message="Tree SHA does not exist")
    if not isinstance(parents, list) or any(bare.object_type(str(p)) != "commit" for p in parents):
        raise invalid("Commit", "parents", message="Parent SHA does not exist or is not a commit object")
    fallback = default_signature(caller())
    author = signature_from(data.get("author"), fallback)
    committer = signature_from(data.get("committer"), author)
    sha = bare.commit_tree(tree, [str(p) for p in parents], message, author, committer)
    return created(render.git_commit(urls(), meta.full_name, bare.commit(sha)))


@bp.get("/repos/<owner>/<name>/git/commits/<sha>")
def get_commit(owner: str, name: str, sha: str) -> Response:
    meta, bare = repo_meta(owner, name)
    if bare.object_type(sha) != "commit":
        raise not_found()
    return jsonify(render.git_commit(urls(), meta.full_name, bare.commit(sha)))


@bp.get("/repos/<owner>/<name>/commits/<path:ref>")
def get_repo_commit(owner: str, name: str, ref: str) -> Response:
    meta, bare = repo_meta(owner, name)
    sha = bare.resolve(f"{ref}^{{commit}}")
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {ref}")
    return jsonify(render.commit(urls(), meta.full_name, bare.commit(sha)))
