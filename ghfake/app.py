"""The Flask application: authentication, rate limit and schema checks around every endpoint."""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from ghfake import (
    control,
    routes_access,
    routes_contents,
    routes_git,
    routes_issues,
    routes_labels,
    routes_pulls,
    routes_repos,
)
from ghfake.api import (
    CONTENT_CREATING,
    SECONDARY_DOCS,
    SECONDARY_MESSAGE,
    ApiError,
    Clock,
    RateLimit,
    SecondaryLimit,
    Server,
    server,
)
from ghfake.schema import SchemaChecker
from ghfake.store import BOT_LOGIN, Store

API_PREFIX = "/api/v3"


def _token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() in ("token", "bearer") and value.strip() else None


def _api_path() -> str | None:
    path = request.path
    return path[len(API_PREFIX):] if path.startswith(API_PREFIX + "/") else None


def before() -> Response | None:
    path = _api_path()
    if path is None:
        return None
    srv = server()
    token = _token()
    user = srv.store.by_token(token) if token else None
    if user is None and srv.auth_required:
        raise ApiError(401, "Bad credentials" if token else "Requires authentication")
    g.user = user or srv.store.users[BOT_LOGIN]
    if not srv.rate.take():
        message = f"API rate limit exceeded for user ID {g.user.id}."
        raise ApiError(srv.rate.status, message, headers=srv.rate.headers())
    if request.method in CONTENT_CREATING:
        wait = srv.content_limit.retry_after()
        if wait is not None:
            raise ApiError(403, SECONDARY_MESSAGE, headers={"Retry-After": str(wait)}, docs=SECONDARY_DOCS)
    if request.is_json:
        srv.checker.check_request(request.method, path, request.get_json(silent=True))
    return None


def after(resp: Response) -> Response:
    path = _api_path()
    if path is None:
        return resp
    srv = server()
    for key, value in srv.rate.headers().items():
        resp.headers.setdefault(key, value)
    payload = resp.get_json(silent=True) if resp.is_json else None
    errors = srv.checker.check_response(request.method, path, resp.status_code, payload)
    for error in errors[:5]:
        print(f"ghfake: schema violation {request.method} {path} {resp.status_code}: {error}",
              file=sys.stderr, flush=True)
    return resp


def http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    return ApiError(status, "Not Found" if status == 404 else exc.name).response()


def create_app(data_dir: Path, bot_token: str | None = None, users: dict[str, str] | None = None,
               admins: dict[str, str] | None = None, content_per_minute: int | None = None) -> Flask:
    app = Flask("ghfake")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    store = Store(data_dir)
    store.add_user(BOT_LOGIN, bot_token, "Bot")
    for login, token in (users or {}).items():
        store.add_user(login, token)
    for login, token in (admins or {}).items():
        store.add_user(login, token, admin=True)
    auth_required = bot_token is not None or bool(users) or bool(admins)
    clock = Clock()
    app.extensions["ghfake"] = Server(store, SchemaChecker(), RateLimit(), auth_required, clock,
                                      SecondaryLimit(clock, content_per_minute))
    for module in (routes_repos, routes_git, routes_contents, routes_pulls, routes_issues, routes_labels,
                   routes_access):
        app.register_blueprint(module.bp, url_prefix=API_PREFIX)
    app.register_blueprint(control.bp)
    app.before_request(before)
    app.after_request(after)
    app.register_error_handler(ApiError, lambda exc: exc.response())
    app.register_error_handler(HTTPException, http_error)
    return app
