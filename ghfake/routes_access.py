"""Who may do what on a repository: collaborator roles, branch protection, and the Actions
setting "Allow GitHub Actions to create and approve pull requests". Only an administrator may
change them (an Actions token never may), as on GitHub."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ghfake import render
from ghfake.api import ApiError, body, caller, invalid, not_found, repo_meta, require_admin, server, urls
from ghfake.render import Json
from ghfake.store import BOT_LOGIN, ROLES, Issue, RepoMeta, User

bp = Blueprint("access", __name__)
# The `permission` a request may name, and the role it grants ("Add a repository collaborator").
REQUESTED = {"pull": "read", "triage": "triage", "push": "write", "maintain": "maintain", "admin": "admin"}
# The legacy base permission the permission endpoint reports for each role: maintain reads as
# write and triage as read ("Get repository permissions for a user").
LEGACY = {"admin": "admin", "maintain": "write", "write": "write", "triage": "read", "read": "read",
          "none": "none"}
NOT_PERMITTED = "GitHub Actions is not permitted to create or approve pull requests."


def known_user(login: str) -> User:
    found = server().store.users.get(login)
    if found is None or found.type == "Organization":
        raise not_found()
    return found


@bp.put("/repos/<owner>/<name>/collaborators/<username>")
def add_collaborator(owner: str, name: str, username: str) -> Response:
    meta, _ = repo_meta(owner, name)
    require_admin(meta)
    data = request.get_json(silent=True)
    requested = data.get("permission", "push") if isinstance(data, dict) else "push"
    if requested not in REQUESTED:
        raise invalid("Repository", "permission", message=f"{requested} is not a valid permission")
    with server().store.lock:
        user = known_user(username)
        if user.is_bot:
            raise invalid("Repository", "username", message="a bot cannot be a collaborator")
        meta.roles[user.login] = REQUESTED[requested]
    # Every ghfake user is taken to be a member of the owning organization, for which GitHub
    # answers 204 at once instead of sending an invitation (201).
    return Response(status=204)


@bp.get("/repos/<owner>/<name>/collaborators/<username>/permission")
def get_permission(owner: str, name: str, username: str) -> Response:
    meta, _ = repo_meta(owner, name)
    caller()
    user = known_user(username)
    if user.is_bot:
        raise not_found()  # an app's bot is not a user account with a repository role
    role = server().store.role(meta, user)
    permissions = {level: role in granted for level, granted in (
        ("admin", {"admin"}), ("maintain", {"admin", "maintain"}),
        ("push", {"admin", "maintain", "write"}), ("triage", {"admin", "maintain", "write", "triage"}),
        ("pull", {"admin", "maintain", "write", "triage", "read"}))}
    as_user = {**render.user(urls(), user), "permissions": permissions, "role_name": role}
    return jsonify({"permission": LEGACY[role], "role_name": role, "user": as_user})


@bp.get("/repos/<owner>/<name>/actions/permissions/workflow")
def get_workflow_permissions(owner: str, name: str) -> Response:
    meta, _ = repo_meta(owner, name)
    require_admin(meta)
    return jsonify({"default_workflow_permissions": meta.actions_default_permissions,
                    "can_approve_pull_request_reviews": meta.actions_can_approve})


@bp.put("/repos/<owner>/<name>/actions/permissions/workflow")
def set_workflow_permissions(owner: str, name: str) -> Response:
    meta, _ = repo_meta(owner, name)
    require_admin(meta)
    data = body()
    with server().store.lock:
        if data.get("default_workflow_permissions") in ("read", "write"):
            meta.actions_default_permissions = data["default_workflow_permissions"]
        if isinstance(data.get("can_approve_pull_request_reviews"), bool):
            meta.actions_can_approve = data["can_approve_pull_request_reviews"]
    return Response(status=204)


def forbid_actions_bot(meta: RepoMeta, user: User) -> None:
    """403 for the Actions bot creating or approving a pull request while the setting is off (it
    governs GITHUB_TOKEN only; a GitHub App's bot is not bound by it)."""
    if user.login == BOT_LOGIN and not meta.actions_can_approve:
        raise ApiError(403, NOT_PERMITTED)


def protection_json(meta: RepoMeta, branch: str, rules: dict[str, Any]) -> Json:
    url = f"{urls().repo(meta.full_name)}/branches/{branch}/protection"
    reviews = rules.get("required_pull_request_reviews")
    checks = rules.get("required_status_checks")
    admins = {"url": f"{url}/enforce_admins", "enabled": bool(rules.get("enforce_admins"))}
    out: Json = {"url": url, "enforce_admins": admins,
                 "allow_force_pushes": {"enabled": bool(rules.get("allow_force_pushes"))},
                 "allow_deletions": {"enabled": bool(rules.get("allow_deletions"))}}
    if isinstance(reviews, dict):
        out["required_pull_request_reviews"] = {
            "url": f"{url}/required_pull_request_reviews",
            "dismiss_stale_reviews": bool(reviews.get("dismiss_stale_reviews")),
            "require_code_owner_reviews": bool(reviews.get("require_code_owner_reviews")),
            "required_approving_review_count": int(reviews.get("required_approving_review_count") or 0),
            "require_last_push_approval": bool(reviews.get("require_last_push_approval"))}
    if isinstance(checks, dict):
        contexts = list(checks.get("contexts") or [])
        out["required_status_checks"] = {"url": f"{url}/required_status_checks",
                                         "strict": bool(checks.get("strict")), "contexts": contexts,
                                         "contexts_url": f"{url}/required_status_checks/contexts",
                                         "checks": [{"context": c, "app_id": None} for c in contexts]}
    return out


@bp.put("/repos/<owner>/<name>/branches/<path:branch>/protection")
def update_protection(owner: str, name: str, branch: str) -> Response:
    meta, bare = repo_meta(owner, name)
    require_admin(meta)
    data = body()
    if bare.resolve(f"refs/heads/{branch}") is None:
        raise ApiError(404, "Branch not found")
    for key in ("required_status_checks", "enforce_admins", "required_pull_request_reviews", "restrictions"):
        if key not in data:
            raise invalid("Branch", key, "missing_field")
    with server().store.lock:
        meta.protection[branch] = data
    return jsonify(protection_json(meta, branch, data))


@bp.get("/repos/<owner>/<name>/branches/<path:branch>/protection")
def get_protection(owner: str, name: str, branch: str) -> Response:
    meta, _ = repo_meta(owner, name)
    require_admin(meta)
    rules = meta.protection.get(branch)
    if rules is None:
        raise ApiError(404, "Branch not protected")
    return jsonify(protection_json(meta, branch, rules))


def _latest_verdicts(meta: RepoMeta, number: int) -> dict[str, tuple[User, str, str]]:
    verdicts: dict[str, tuple[User, str, str]] = {}
    for review in meta.reviews.get(number, []):
        if review.state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
            verdicts[review.user.login] = (review.user, review.state, review.commit_id)
    return verdicts


def protection_refusal(meta: RepoMeta, it: Issue, head: str, user: User) -> str | None:
    """Why branch protection on the pull request's base forbids merging it now, or None. An admin
    bypasses protection unless `enforce_admins` is set, as on GitHub."""
    rules = meta.protection.get(it.base or "")
    store = server().store
    if rules is None or (store.role(meta, user) == "admin" and not rules.get("enforce_admins")):
        return None
    checks = rules.get("required_status_checks")
    contexts = list(checks.get("contexts") or []) if isinstance(checks, dict) else []
    if contexts:  # ghfake serves no statuses or check runs, so a required one is never reported
        return f'Required status check "{contexts[0]}" is expected.'
    reviews = rules.get("required_pull_request_reviews")
    if not isinstance(reviews, dict):
        return None
    needed = int(reviews.get("required_approving_review_count") or 0)
    last_pusher = meta.pushers.get(it.head or "") if reviews.get("require_last_push_approval") else None
    approvals = sum(1 for login, (who, state, commit) in _latest_verdicts(meta, it.number).items()
                    if state == "APPROVED" and ROLES.index(store.role(meta, who)) >= ROLES.index("write")
                    and (commit == head or not reviews.get("dismiss_stale_reviews")) and login != last_pusher)
    if approvals < needed:
        noun = "approving review is" if needed == 1 else "approving reviews are"
        return f"At least {needed} {noun} required by reviewers with write access."
    return None
