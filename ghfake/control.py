"""The test-only control API under /_ghfake/: seed repositories, budget requests, read violations."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ghfake.api import ApiError, body, created, server
from ghfake.store import REPO_NAME

bp = Blueprint("control", __name__, url_prefix="/_ghfake")


@bp.post("/repos")
def create_repo() -> Response:
    """{"full_name", "default_branch": "main", "files": {path: text}, "private": false}"""
    data = body()
    full_name = data.get("full_name")
    files = data.get("files") or {}
    if not isinstance(full_name, str) or not REPO_NAME.match(full_name) or ".." in full_name:
        raise ApiError(422, "full_name must be owner/name")
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise ApiError(422, "files must map paths to text")
    store = server().store
    with store.lock:
        if store.repo(full_name) is not None:
            raise ApiError(422, f"{full_name} already exists")
        meta = store.create_repo(full_name, str(data.get("default_branch") or "main"), files,
                                 bool(data.get("private")))
    return created({"full_name": meta.full_name, "path": str(store.bare(full_name).path)})


@bp.post("/rate-limit")
def set_rate_limit() -> Response:
    """{"remaining": N, "status": 403|429} limits the requests still allowed; null lifts it."""
    data = body()
    remaining, status = data.get("remaining"), data.get("status", 403)
    if remaining is not None and (not isinstance(remaining, int) or remaining < 0):
        raise ApiError(422, "remaining must be a non-negative integer or null")
    if status not in (403, 429):
        raise ApiError(422, "status must be 403 or 429")
    rate = server().rate
    with rate.lock:
        rate.remaining, rate.status = remaining, status
    return jsonify(rate.headers())


@bp.post("/secondary-rate-limit")
def set_secondary_rate_limit() -> Response:
    """{"per_minute": N} allows N content-creating requests (POST, PATCH, PUT, DELETE) in any 60 s
    of ghfake's clock and answers the next one 403 with `Retry-After`; null lifts it."""
    per_minute = body().get("per_minute")
    if per_minute is not None and (not isinstance(per_minute, int) or isinstance(per_minute, bool)
                                   or per_minute < 1):
        raise ApiError(422, "per_minute must be a positive integer or null")
    server().content_limit.set(per_minute)
    return jsonify({"per_minute": per_minute})


@bp.post("/clock")
def advance_clock() -> Response:
    """{"advance": seconds} moves ghfake's clock on (never back); answers its time, epoch seconds."""
    seconds = body().get("advance", 0)
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or not 0 <= seconds < 10**9:
        raise ApiError(422, "advance must be a number of seconds, 0 or more")
    clock = server().clock
    with server().content_limit.lock:
        clock.offset += float(seconds)
    return jsonify({"now": clock.now()})


@bp.get("/violations")
def violations() -> Response:
    return jsonify(server().checker.violations)


@bp.get("/checked")
def checked() -> Response:
    """How many responses of each operation were checked against the schema."""
    return jsonify(dict(server().checker.checked))


@bp.delete("/violations")
def clear_violations() -> Response:
    server().checker.clear()
    return Response(status=204)


@bp.post("/reset")
def reset() -> Response:
    """Delete every repository and its metadata, clear violations, lift the rate limits."""
    srv = server()
    with srv.store.lock:
        srv.store.reset()
    srv.checker.clear()
    with srv.rate.lock:
        srv.rate.remaining, srv.rate.used, srv.rate.status = None, 0, 403
    srv.content_limit.set(None)
    return Response(status=204)
