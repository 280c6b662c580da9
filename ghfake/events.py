"""Event payloads as a GitHub Actions step finds them in GITHUB_EVENT_PATH.

Each builder starts from GitHub's own webhook example (data/webhook-examples.json, from the npm
package @octokit/webhooks-examples) and fills in the repository, branch, commit and pull request
of the test, so the product reads payloads shaped exactly as GitHub sends them.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

Payload = dict[str, Any]


@cache
def _examples() -> dict[str, Any]:
    text = (Path(__file__).with_name("data") / "webhook-examples.json").read_text()
    examples: dict[str, Any] = json.loads(text)
    return examples


def example(event: str) -> Payload:
    """A fresh copy of GitHub's example payload for `event`."""
    payload: Payload = copy.deepcopy(_examples()[event])
    return payload


def _repository(template: Payload, full_name: str, default_branch: str, api_url: str | None) -> Payload:
    owner, _, name = full_name.partition("/")
    repo: Payload = copy.deepcopy(template)
    repo.update(name=name, full_name=full_name, default_branch=default_branch)
    repo["owner"] = {**repo["owner"], "login": owner, "name": owner}
    if api_url:
        server = api_url.removesuffix("/api/v3")
        repo.update(url=f"{api_url}/repos/{full_name}", html_url=f"{server}/{full_name}",
                    clone_url=f"{server}/{full_name}.git")
    return repo


def _sender(template: Payload, login: str) -> Payload:
    return {**template, "login": login}


def pull_request_event(*, repository: str, number: int, head_ref: str, head_sha: str,
                       base_ref: str = "main", base_sha: str = "0" * 40, action: str = "opened",
                       title: str = "Change", body: str | None = None, sender: str = "alice",
                       api_url: str | None = None) -> Payload:
    payload = example("pull_request")
    repo = _repository(payload["repository"], repository, base_ref, api_url)
    pull = payload["pull_request"]
    pull.update(number=number, title=title, body=body, state="open" if action != "closed" else "closed")
    pull["user"] = _sender(pull["user"], sender)
    owner = repository.split("/")[0]
    for end, ref, sha in (("head", head_ref, head_sha), ("base", base_ref, base_sha)):
        pull[end].update(ref=ref, sha=sha, label=f"{owner}:{ref}", repo=repo)
    if api_url:
        pull.update(url=f"{api_url}/repos/{repository}/pulls/{number}",
                    issue_url=f"{api_url}/repos/{repository}/issues/{number}")
    payload.update(action=action, number=number, repository=repo, sender=_sender(payload["sender"], sender))
    return payload


def push_event(*, repository: str, ref: str, before: str, after: str, default_branch: str = "main",
               sender: str = "alice", api_url: str | None = None) -> Payload:
    payload = example("push")
    payload.update(ref=ref, before=before, after=after, created=before == "0" * 40, deleted=after == "0" * 40,
                   commits=[], head_commit=None, base_ref=None,
                   repository=_repository(payload["repository"], repository, default_branch, api_url),
                   sender=_sender(payload["sender"], sender))
    payload["pusher"] = {**payload["pusher"], "name": sender}
    return payload


def schedule_event(*, repository: str, cron: str = "0 6 * * *", default_branch: str = "main",
                   api_url: str | None = None) -> Payload:
    # A scheduled run has no webhook; Actions gives the cron line and the repository.
    push = example("push")
    return {"schedule": cron,
            "repository": _repository(push["repository"], repository, default_branch, api_url),
            "workflow": ".github/workflows/reconcile.yml"}


def workflow_dispatch_event(*, repository: str, ref: str = "refs/heads/main",
                            inputs: dict[str, str] | None = None, default_branch: str = "main",
                            sender: str = "alice", api_url: str | None = None) -> Payload:
    payload = example("workflow_dispatch")
    payload.pop("organization", None)
    payload.update(ref=ref, inputs=dict(inputs or {}),
                   repository=_repository(payload["repository"], repository, default_branch, api_url),
                   sender=_sender(payload["sender"], sender))
    return payload
