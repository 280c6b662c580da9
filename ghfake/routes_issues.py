"""Issues, issue comments and labels (pull requests are issues here too, as on GitHub)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ghfake import api, render_issues
from ghfake.api import ApiError, body, caller, created, invalid, not_found, paginate, repo_meta, server, urls
from ghfake.routes_labels import ensure_labels, get_issue
from ghfake.routes_pulls import close
from ghfake.store import Comment, Issue, RepoMeta, now

bp = Blueprint("issues", __name__)
MAX_BODY = 65536


def check_body(text: Any, resource: str) -> str:
    if not isinstance(text, str):
        raise invalid(resource, "body", "missing_field")
    if len(text) > MAX_BODY:
        raise ApiError(422, "Validation Failed", [{
            "resource": resource, "code": "unprocessable", "field": "data",
            "message": f"Body is too long (maximum is {MAX_BODY} characters)"}])
    return text


@bp.post("/repos/<owner>/<name>/issues")
def create_issue(owner: str, name: str) -> Response:
    meta, _ = repo_meta(owner, name)
    data = body()
    if not isinstance(data.get("title"), str) or not data["title"]:
        raise invalid("Issue", "title", "missing_field")
    if data.get("body") is not None:
        check_body(data["body"], "Issue")
    # "Only users with push access can set labels for new issues. Labels are silently dropped
    # otherwise." (Create an issue)
    labels = data.get("labels", []) if api.has_role(meta, caller(), "write") else []
    store = server().store
    with store.lock:
        stamp = now()
        it = Issue(store.next_id(), store.next_number(meta), data["title"], data.get("body"), caller(),
                   stamp, stamp, labels=ensure_labels(meta, labels))
        meta.issues[it.number] = it
    return created(render_issues.issue(urls(), meta, it))


@bp.get("/repos/<owner>/<name>/issues")
def list_issues(owner: str, name: str) -> Response:
    meta, _ = repo_meta(owner, name)
    state = request.args.get("state", "open")
    wanted = {n for n in request.args.get("labels", "").split(",") if n}
    found = [it for it in sorted(meta.issues.values(), key=lambda i: -i.number)
             if state in ("all", it.state) and wanted <= set(it.labels)]
    return paginate([render_issues.issue(urls(), meta, it) for it in found])


@bp.get("/repos/<owner>/<name>/issues/<int:number>")
def read_issue(owner: str, name: str, number: int) -> Response:
    meta, _ = repo_meta(owner, name)
    return jsonify(render_issues.issue(urls(), meta, get_issue(meta, number)))


@bp.patch("/repos/<owner>/<name>/issues/<int:number>")
def update_issue(owner: str, name: str, number: int) -> Response:
    meta, bare = repo_meta(owner, name)
    data = body()
    with server().store.lock:
        it = get_issue(meta, number)
        if data.get("state") is not None:
            if data["state"] not in ("open", "closed"):
                raise invalid("Issue", "state")
            close(bare, it, data["state"])
        if "labels" in data:
            it.labels = ensure_labels(meta, data["labels"])
        if data.get("body") is not None:
            it.body = check_body(data["body"], "Issue")
        it.title = str(data.get("title", it.title))
        it.updated_at = now()
    return jsonify(render_issues.issue(urls(), meta, it))


@bp.post("/repos/<owner>/<name>/issues/<int:number>/comments")
def create_comment(owner: str, name: str, number: int) -> Response:
    meta, _ = repo_meta(owner, name)
    text = check_body(body().get("body"), "IssueComment")
    store = server().store
    with store.lock:
        get_issue(meta, number)
        stamp = now()
        c = Comment(store.next_id(), number, caller(), text, stamp, stamp)
        meta.comments[c.id] = c
    return created(render_issues.comment(urls(), meta, c))


@bp.get("/repos/<owner>/<name>/issues/<int:number>/comments")
def list_comments(owner: str, name: str, number: int) -> Response:
    meta, _ = repo_meta(owner, name)
    get_issue(meta, number)
    found = [c for c in meta.comments.values() if c.issue_number == number]
    return paginate([render_issues.comment(urls(), meta, c) for c in found])


def get_comment(meta: RepoMeta, comment_id: int) -> Comment:
    c = meta.comments.get(comment_id)
    if c is None:
        raise not_found()
    return c


@bp.get("/repos/<owner>/<name>/issues/comments/<int:comment_id>")
def read_comment(owner: str, name: str, comment_id: int) -> Response:
    meta, _ = repo_meta(owner, name)
    return jsonify(render_issues.comment(urls(), meta, get_comment(meta, comment_id)))


@bp.patch("/repos/<owner>/<name>/issues/comments/<int:comment_id>")
def edit_comment(owner: str, name: str, comment_id: int) -> Response:
    meta, _ = repo_meta(owner, name)
    text = check_body(body().get("body"), "IssueComment")
    with server().store.lock:
        c = get_comment(meta, comment_id)
        c.body, c.updated_at = text, now()
    return jsonify(render_issues.comment(urls(), meta, c))


@bp.delete("/repos/<owner>/<name>/issues/comments/<int:comment_id>")
def delete_comment(owner: str, name: str, comment_id: int) -> Response:
    meta, _ = repo_meta(owner, name)
    with server().store.lock:
        get_comment(meta, comment_id)
        del meta.comments[comment_id]
    return Response(status=204)
