"""The pull request's one plan comment: its hidden marker, its body, and finding it again.

The marker is the comment's first line and carries what the apply gate later checks: the plan's
repository and live fingerprints, the head commit it was computed for, and the digest of the
change set shown (reconciler.pullrequests.approval), which lets a re-run after a crash finish it.
Only a marker at the very start of a comment written by the bot counts, so neither a user's
comment holding a copy of it nor an account name echoed further down the plan can stand in for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reconciler.plan.changes import Plan
from reconciler.pullrequests.approval import plan_digest
from reconciler.pullrequests.port import Comment, GitHubPort

MAX_COMMENT_CHARS = 65_536  # GitHub's limit on an issue comment body
_HEADROOM = 512  # for the heading and footer around the rendered plan
_MARKER = re.compile(r"\A<!-- reconciler:plan (\{[^<>\n]*\}) -->")
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9:._-]{0,200}$")

RenderMarkdown = Callable[..., str]


@dataclass(frozen=True)
class PlanMarker:
    head: str
    repository: str
    live: str
    changes: str = ""  # digest of the approved change keys; empty in markers written before it

    def render(self) -> str:
        for value in (self.head, self.repository, self.live, self.changes):
            # Values come from git and the planner, never from repository text; refuse anything
            # that could end the HTML comment all the same.
            if not _SAFE_VALUE.match(value):
                raise ValueError(f"unsafe marker value {value!r}")
        fields = {"head": self.head, "live": self.live, "repository": self.repository}
        data = json.dumps(fields | ({"changes": self.changes} if self.changes else {}),
                          sort_keys=True, separators=(",", ":"))
        return f"<!-- reconciler:plan {data} -->"


def parse_marker(body: str) -> PlanMarker | None:
    found = _MARKER.match(body)
    if found is None:
        return None
    try:
        data = json.loads(found.group(1))
        return PlanMarker(head=str(data["head"]), repository=str(data["repository"]), live=str(data["live"]),
                          changes=str(data.get("changes", "")))
    except (ValueError, KeyError, TypeError):
        return None


def find_bot_comment(
    comments: Sequence[Comment], bot_login: str, ours: Callable[[str], object]
) -> Comment | None:
    """The first comment written by `bot_login` whose body `ours` accepts. Checking the author is
    what makes a marker trustworthy: anyone can paste one into their own comment."""
    return next((c for c in comments if c.author.lower() == bot_login.lower() and ours(c.body)), None)


def find_plan_comment(comments: Sequence[Comment], bot_login: str) -> Comment | None:
    return find_bot_comment(comments, bot_login, parse_marker)


def code_block(text: str) -> str:
    """`text` as a fenced code block no content can close early; inside it, nothing renders and
    no @mention notifies anyone."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def comment_length(body: str) -> int:
    """Length as GitHub counts it (UTF-16 code units), never less than Python's len()."""
    return len(body.encode("utf-16-le")) // 2


def comment_body(plan: Plan, head_sha: str, render: RenderMarkdown, details_url: str = "") -> str:
    fingerprints = (plan.repository_fingerprint, plan.live_fingerprint)
    marker = PlanMarker(head_sha, *fingerprints, plan_digest(plan)).render()
    where = f"the [job summary]({details_url})" if details_url else "the job summary"
    heading = f"{marker}\n"
    footer = (f"\n---\n<sub>Planned for commit {head_sha[:12]}. The full plan is in {where} and in "
              "the `reconciler-plan` artifact.</sub>\n")
    budget = MAX_COMMENT_CHARS - comment_length(heading + footer) - _HEADROOM
    text = render(plan)
    if comment_length(text) > budget:
        text = render(plan, max_chars=budget)
        footer = (f"\n---\n<sub>Planned for commit {head_sha[:12]}. Details are collapsed to fit "
                  f"GitHub's comment size limit: the full plan is in {where} and in the "
                  "`reconciler-plan` artifact.</sub>\n")
    if comment_length(text) > budget:  # a renderer that ignored max_chars: cut, never fail the post
        text = text.encode("utf-16-le")[: 2 * budget].decode("utf-16-le", "ignore") + "\n\n..."
    return heading + text + footer


def upsert_comment(
    port: GitHubPort, number: int, body: str, bot_login: str, ours: Callable[[str], object] = parse_marker
) -> Comment:
    """Edits the bot's comment on `number` that `ours` recognises (by default the plan comment) in
    place, or creates it if there is none: one comment per purpose, however many runs."""
    existing = find_bot_comment(port.comments(number), bot_login, ours)
    if existing is None:
        return port.create_comment(number, body)
    port.edit_comment(existing.id, body)
    return Comment(existing.id, existing.author, body)


ACTIONS_BOT = "github-actions[bot]"


def checks_note(author_login: str) -> str:
    """For a pull request the product opens as the workflow's GITHUB_TOKEN: GitHub starts no
    workflow for events that token makes (and on github.com asks a person to approve runs for a
    pull request by github-actions[bot]), so its checks need a maintainer. Empty for an App."""
    if author_login.lower() != ACTIONS_BOT:
        return ""
    return ("\n\n> **Checks:** this pull request was opened with a workflow's `GITHUB_TOKEN`, so GitHub "
            "does not start its checks by itself: a maintainer starts them (approve the workflow runs, "
            "or close and reopen the pull request). With a GitHub App configured for the reconciler "
            "they start by themselves (docs/pull-requests.md, \"A GitHub App for the pull requests "
            "the reconciler opens\").")

