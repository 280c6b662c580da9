"""Where rollout records live between runs: one JSON document in the GitHub repository, behind the
ref `refs/reconciler/rollouts` (a commit holding `rollouts.json`), beside the drift state and the
applied commit. Runs happen on ephemeral runners, and the plan of a pull request, the gated apply
and the scheduled reconcile all need the same records; see docs/rollout.md."""

from __future__ import annotations

from reconciler.adapters.github import GitHubClient
from reconciler.errors import ReconcilerError
from reconciler.model import Organization
from reconciler.plan.rollout import Rollouts, rolling
from reconciler.pullrequests.actions import ActionsEnv

ROLLOUTS_REF = "refs/reconciler/rollouts"
ROLLOUTS_FILE = "rollouts.json"


def has_rollouts(desired: Organization) -> bool:
    return any(rolling(p) for p in desired.policies)


def read_rollouts(port: GitHubClient) -> Rollouts:
    try:
        return Rollouts.from_json(port.read_ref_file(ROLLOUTS_REF, ROLLOUTS_FILE))
    except (ValueError, TypeError) as exc:
        raise ReconcilerError(f"the rollout records behind {ROLLOUTS_REF} are damaged ({exc}); nothing was "
                              "changed: fix or delete the ref (deleting it leaves every running "
                              "rollout where it is until its document changes)") from exc


def write_rollouts(port: GitHubClient, rollouts: Rollouts, message: str) -> None:
    port.write_ref_file(ROLLOUTS_REF, ROLLOUTS_FILE, rollouts.to_json(), message)


def rollouts_from_env(desired: Organization, env: ActionsEnv | None = None) -> Rollouts:
    """The records when the repository has rollouts and GitHub is configured; else none (a plan
    without them leaves a running rollout's attachments as they are: docs/rollout.md)."""
    env = env or ActionsEnv.from_environ()
    if not has_rollouts(desired) or not (env.repository and env.token):
        return Rollouts()
    return read_rollouts(GitHubClient(env.repository, env.token, env.api_url))
