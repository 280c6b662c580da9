"""Publishing a plan from a pull request run: the one plan comment, the job summary and the
`has_changes` step output. Used by `reconciler plan --comment`; not a command of its own."""

from __future__ import annotations

import click

from reconciler.adapters.github import GitHubClient
from reconciler.plan.changes import Plan
from reconciler.plan.render.markdown import render_markdown
from reconciler.pullrequests.actions import SUMMARY_MAX_BYTES, ActionsEnv
from reconciler.pullrequests.comment import comment_body, upsert_comment

SUMMARY_MAX_CHARS = 1_000_000  # GitHub's job summary limit is 1 MiB per step, in bytes


def summary_markdown(plan: Plan) -> str:
    """The plan for the job summary, within GitHub's 1 MiB (counted in bytes: names and tags in
    other scripts take two to four bytes a character), detail dropped as render_markdown does."""
    budget = SUMMARY_MAX_CHARS
    text = render_markdown(plan, max_chars=budget)
    while len(text.encode("utf-8")) > SUMMARY_MAX_BYTES and budget > 1000:
        budget = budget * SUMMARY_MAX_BYTES // len(text.encode("utf-8")) - 1000
        text = render_markdown(plan, max_chars=budget)
    return text


def publish_plan(plan: Plan, env: ActionsEnv | None = None) -> None:
    env = env or ActionsEnv.from_environ()
    number = env.pull_request_number()
    env.write_summary(summary_markdown(plan))
    env.set_output("has_changes", "false" if plan.empty else "true")
    body = comment_body(plan, env.head_sha(), render_markdown, env.run_url)
    comment = upsert_comment(GitHubClient.from_actions(env), number, body, env.bot_login)
    click.echo(f"plan comment {comment.id} on #{number} is up to date", err=True)
