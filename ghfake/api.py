"""What every endpoint needs: the server's state, the caller, GitHub's errors and pagination."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Response, current_app, g, jsonify, request

from ghfake.gitrepo import BareRepo
from ghfake.render import Urls
from ghfake.schema import SchemaChecker
from ghfake.store import ROLES, RepoMeta, Store, User

DOCS = "https://docs.github.com/rest"
MAX_PER_PAGE = 100


class ApiError(Exception):
    """An error answered the way GitHub answers it: status, message, optional `errors` list."""

    def __init__(self, status: int, message: str, errors: list[Any] | None = None,
                 headers: dict[str, str] | None = None, docs: str = DOCS) -> None:
        super().__init__(message)
        self.status, self.message, self.errors, self.headers = status, message, errors, headers or {}
        self.docs = docs

    def response(self) -> Response:
        body: dict[str, Any] = {"message": self.message, "documentation_url": self.docs,
                                "status": str(self.status)}
        if self.errors is not None:
            body["errors"] = self.errors
        resp = jsonify(body)
        resp.status_code = self.status
        resp.headers.update(self.headers)
        return resp


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def invalid(resource: str, field_name: str, code: str = "invalid", message: str | None = None) -> ApiError:
    error: dict[str, Any] = {"resource": resource, "field": field_name, "code": code}
    if message:
        error["message"] = message
    return ApiError(422, message or "Validation Failed", [error])


@dataclass
class RateLimit:
    limit: int = 5000
    remaining: int | None = None  # None: unlimited
    status: int = 403  # GitHub answers an exhausted primary limit with 403, sometimes 429
    used: int = 0
    reset_at: int = field(default_factory=lambda: int(time.time()) + 3600)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> bool:
        """Spend one request; False when the configured budget is exhausted."""
        with self.lock:
            if self.remaining is not None:
                if self.remaining <= 0:
                    return False
                self.remaining -= 1
            self.used += 1
            return True

    def headers(self) -> dict[str, str]:
        left = self.limit - self.used if self.remaining is None else self.remaining
        return {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(max(left, 0)),
                "X-RateLimit-Reset": str(self.reset_at), "X-RateLimit-Used": str(self.used),
                "X-RateLimit-Resource": "core"}


@dataclass
class Clock:
    """ghfake's time: the wall clock plus whatever tests advanced it by (POST /_ghfake/clock), so a
    test's injected sleep moves ghfake's windows on instead of sleeping."""

    offset: float = 0.0

    def now(self) -> float:
        return time.time() + self.offset


# GitHub's own wording for a refused content-creating request (quoted in docs/ghfake.md).
SECONDARY_MESSAGE = ("You have exceeded a secondary rate limit and have been temporarily blocked from "
                     "content creation. Please retry your request again later.")
SECONDARY_DOCS = ("https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api"
                  "#about-secondary-rate-limits")
CONTENT_CREATING = frozenset({"POST", "PATCH", "PUT", "DELETE"})
WINDOW = 60.0


@dataclass
class SecondaryLimit:
    """At most `per_minute` content-creating requests in any 60 s of ghfake's clock (None: off)."""

    clock: Clock
    per_minute: int | None = None
    stamps: deque[float] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def retry_after(self) -> int | None:
        """Take one content-creating request; None if allowed, else the seconds until one is."""
        with self.lock:
            now = self.clock.now()
            while self.stamps and self.stamps[0] <= now - WINDOW:
                self.stamps.popleft()
            if self.per_minute is None or len(self.stamps) < self.per_minute:
                self.stamps.append(now)
                return None
            return max(math.ceil(self.stamps[0] + WINDOW - now), 1)

    def set(self, per_minute: int | None) -> None:
        with self.lock:
            self.per_minute = per_minute
            self.stamps.clear()


@dataclass
class Server:
    store: Store
    checker: SchemaChecker
    rate: RateLimit
    auth_required: bool
    clock: Clock
    content_limit: SecondaryLimit


def server() -> Server:
    srv: Server = current_app.extensions["ghfake"]
    return srv


def urls() -> Urls:
    web = request.host_url.rstrip("/")
    return Urls(api=f"{web}/api/v3", web=web)


def caller() -> User:
    """The authenticated user; anonymous calls act as the repository owner when no token is set."""
    found: User | None = g.get("user")
    if found is None:
        raise ApiError(401, "Requires authentication")
    return found


def has_role(meta: RepoMeta, user: User, role: str) -> bool:
    return ROLES.index(server().store.role(meta, user)) >= ROLES.index(role)


def require_admin(meta: RepoMeta) -> User:
    """The caller, if they administer the repository; GitHub's 403 otherwise (an Actions token
    can never administer: its permissions have no `administration` scope)."""
    user = caller()
    if user.is_bot:
        raise ApiError(403, "Resource not accessible by integration")
    if not has_role(meta, user, "admin"):
        raise ApiError(403, "Must have admin rights to Repository.")
    return user


def body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "Problems parsing JSON")
    return data


def repo_meta(owner: str, name: str) -> tuple[RepoMeta, BareRepo]:
    store = server().store
    with store.lock:
        meta = store.repo(f"{owner}/{name}")
    if meta is None:
        raise not_found()
    return meta, store.bare(meta.full_name)


def paginate(items: list[Any]) -> Response:
    """One page of `items` with GitHub's Link header (per_page default 30, max 100)."""
    try:
        per_page = min(max(int(request.args.get("per_page", 30)), 1), MAX_PER_PAGE)
        page = max(int(request.args.get("page", 1)), 1)
    except ValueError as exc:
        raise ApiError(400, "Invalid pagination parameter") from exc
    last = max((len(items) + per_page - 1) // per_page, 1)
    resp = jsonify(items[(page - 1) * per_page: page * per_page])
    links = []
    for rel, number in (("prev", page - 1), ("next", page + 1), ("first", 1), ("last", last)):
        if (rel in ("prev", "first") and page > 1) or (rel in ("next", "last") and page < last):
            query = urlencode({**request.args.to_dict(), "per_page": per_page, "page": number})
            links.append(f'<{request.base_url}?{query}>; rel="{rel}"')
    if links:
        resp.headers["Link"] = ", ".join(links)
    return resp


def created(payload: Any, status: int = 201) -> Response:
    resp = jsonify(payload)
    resp.status_code = status
    return resp
