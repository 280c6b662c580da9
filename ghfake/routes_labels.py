"""Labels: on issues and pull requests, and the repository's own list."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ghfake import render
from ghfake.api import ApiError, body, created, invalid, not_found, paginate, repo_meta, server, urls
from ghfake.store import Issue, Label, RepoMeta

bp = Blueprint("labels", __name__)


def get_issue(meta: RepoMeta, number: int) -> Issue:
    it = meta.issues.get(number)
    if it is None:
        raise not_found()
    return it


def ensure_labels(meta: RepoMeta, names: Any) -> list[str]:
    """Label names, creating the ones the repository lacks as GitHub does when labelling."""
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise invalid("Label", "labels")
    for label_name in names:
        if label_name not in meta.labels:
            meta.labels[label_name] = Label(server().store.next_id(), label_name, "ededed", None)
    return list(names)


def labels_of(meta: RepoMeta, names: list[str]) -> list[render.Json]:
    return [render.label(urls(), meta.full_name, meta.labels[n]) for n in names if n in meta.labels]


@bp.post("/repos/<owner>/<name>/issues/<int:number>/labels")
def add_labels(owner: str, name: str, number: int) -> Response:
    meta, _ = repo_meta(owner, name)
    data = request.get_json(silent=True)
    names = data.get("labels") if isinstance(data, dict) else data
    with server().store.lock:
        it = get_issue(meta, number)
        it.labels += [n for n in ensure_labels(meta, names) if n not in it.labels]
    return jsonify(labels_of(meta, it.labels))


@bp.get("/repos/<owner>/<name>/issues/<int:number>/labels")
def issue_labels(owner: str, name: str, number: int) -> Response:
    meta, _ = repo_meta(owner, name)
    return paginate(labels_of(meta, get_issue(meta, number).labels))


@bp.delete("/repos/<owner>/<name>/issues/<int:number>/labels/<label_name>")
def remove_label(owner: str, name: str, number: int, label_name: str) -> Response:
    meta, _ = repo_meta(owner, name)
    with server().store.lock:
        it = get_issue(meta, number)
        if label_name not in it.labels:
            raise ApiError(404, "Label does not exist")
        it.labels.remove(label_name)
    return jsonify(labels_of(meta, it.labels))


@bp.get("/repos/<owner>/<name>/labels")
def repo_labels(owner: str, name: str) -> Response:
    meta, _ = repo_meta(owner, name)
    return paginate(labels_of(meta, sorted(meta.labels)))


@bp.post("/repos/<owner>/<name>/labels")
def create_label(owner: str, name: str) -> Response:
    meta, _ = repo_meta(owner, name)
    data = body()
    label_name = data.get("name")
    if not isinstance(label_name, str) or not label_name:
        raise invalid("Label", "name", "missing_field")
    with server().store.lock:
        if label_name in meta.labels:
            raise invalid("Label", "name", "already_exists")
        lab = Label(server().store.next_id(), label_name, str(data.get("color", "ededed")).lstrip("#"),
                    data.get("description"))
        meta.labels[label_name] = lab
    return created(render.label(urls(), meta.full_name, lab))


@bp.get("/repos/<owner>/<name>/labels/<label_name>")
def get_label(owner: str, name: str, label_name: str) -> Response:
    meta, _ = repo_meta(owner, name)
    if label_name not in meta.labels:
        raise not_found()
    return jsonify(render.label(urls(), meta.full_name, meta.labels[label_name]))
