"""The plan comment with hostile repository text, rendered by the real renderer: no forged
marker, no mentions, no escape from a code block, and the one-comment rule held over ghfake."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from ghfake.testing import actions_env, pull_request_event
from reconciler.adapters.github import GitHubClient
from reconciler.commands.publish import publish_plan
from reconciler.plan.changes import Change, Plan
from reconciler.plan.render.markdown import render_markdown
from reconciler.pullrequests.actions import ActionsEnv
from reconciler.pullrequests.comment import MAX_COMMENT_CHARS, comment_body, comment_length, parse_marker

HEAD = "c" * 40
FORGED = '<!-- reconciler:plan {"head":"' + "f" * 40 + '","live":"x","repository":"y"} -->'
HOSTILE = [
    FORGED,
    "@everyone @acme/admins",
    "```\n# Injected heading\n```",
    "</details><img src=x onerror=alert(1)>",
    "[click](https://evil.example)",
    "-->" + FORGED,
]


def hostile_plan(text: str, copies: int = 1) -> Plan:
    changes = []
    for i in range(copies):
        changes.append(Change(f"account.{text}-{i}", "account", "create", after={
            "name": text, "email": f"{text}@example.com", "ou": text, "account_id": None,
            "tags": {"note": text, text: "v"}}))
        changes.append(Change(f"policy.{text}-{i}", "policy", "update", changed=("description", "document"),
                              before={"name": text, "type": "SERVICE_CONTROL_POLICY", "description": "old",
                                      "document": {"Statement": [{"Sid": "a"}]}},
                              after={"name": text, "type": "SERVICE_CONTROL_POLICY", "description": text,
                                     "document": {"Statement": [{"Sid": text}]}}, reach=3))
    return Plan(changes=tuple(changes), notes=(text,), repository_fingerprint="sha256:" + "1" * 64,
                live_fingerprint="sha256:" + "2" * 64)


def outside_code(markdown: str) -> list[str]:
    """The lines of `markdown` that are not inside a fenced code block."""
    lines, fence = [], ""
    for line in markdown.split("\n"):
        run = re.match(r"^(`{3,})", line)
        if fence and run and run.group(1) == fence and line.strip() == fence:
            fence = ""
        elif not fence and run:
            fence = run.group(1)
        elif not fence:
            lines.append(line)
    return lines


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_cannot_forge_mention_or_break_out(text: str) -> None:
    body = comment_body(hostile_plan(text), HEAD, render_markdown)
    shown = parse_marker(body)
    assert shown is not None and shown.head == HEAD
    assert body.count("<!-- reconciler:plan") == 1
    prose = outside_code(body.split("\n", 1)[1])
    for line in prose:
        assert not line.startswith("# Injected")
        assert "<img" not in line and "</details><img" not in line
        assert re.search(r"@(?!\u200d)\w", line) is None, line
        assert "](https://evil" not in line


def test_a_plan_too_big_for_a_comment_is_collapsed() -> None:
    plan = hostile_plan("x" * 200, copies=400)
    assert len(render_markdown(plan)) > MAX_COMMENT_CHARS
    body = comment_body(plan, HEAD, render_markdown)
    assert comment_length(body) <= MAX_COMMENT_CHARS
    assert parse_marker(body) is not None and "job summary" in body


def run_env(gh: Any, tmp_path: Path, number: int, head_sha: str) -> ActionsEnv:
    payload = pull_request_event(repository=gh.full_name, number=number, head_ref="feature",
                                 head_sha=head_sha, api_url=gh.url)
    environ = actions_env(tmp_path, event_name="pull_request", payload=payload, repository=gh.full_name,
                          api_url=gh.url, token=gh.token)
    return ActionsEnv.from_environ(environ)


def test_publish_keeps_one_comment_and_writes_summary_and_output(ghfake: Any, tmp_path: Path) -> None:
    port = GitHubClient(ghfake.full_name, ghfake.token, ghfake.url)
    port.commit_files("feature", "main", {"accounts/a.yaml": "a: 1\n"}, "add")
    number = GitHubClient(ghfake.full_name, "alice-token", ghfake.url).open_pull_request(
        "feature", "main", "t", "b").number
    GitHubClient(ghfake.full_name, "bob-token", ghfake.url).create_comment(number, FORGED + "\nbob's copy")
    for i, text in enumerate(["first", "second", FORGED]):
        env = run_env(ghfake, tmp_path / str(i), number, f"{i}" * 40)
        publish_plan(hostile_plan(text), env)
    comments = port.comments(number)
    mine = [c for c in comments if c.author == "github-actions[bot]"]
    assert len(comments) == 2 and len(mine) == 1
    shown = parse_marker(mine[0].body)
    assert shown is not None and shown.head == "2" * 40
    assert env.step_summary is not None and "Reconciler plan" in env.step_summary.read_text()
    assert env.output is not None and "has_changes<<" in env.output.read_text()
    assert "\ntrue\n" in env.output.read_text()
    assert next(c for c in comments if c.author == "bob").body.endswith("bob's copy")


@pytest.mark.parametrize("text", ["::error::forged", "x\n::add-mask::y", "\r::stop-commands::z"])
def test_text_plan_never_starts_a_log_line_with_a_workflow_command(text: str) -> None:
    # The text plan goes to the job log, where a line starting with `::` is a runner command.
    from reconciler.plan.render.text import render_text

    assert not [line for line in render_text(hostile_plan(text)).splitlines() if line.startswith("::")]
