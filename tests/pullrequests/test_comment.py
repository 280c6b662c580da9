"""The plan comment's marker, size limit and author check, with plain values."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.plan.changes import Change, Plan
from reconciler.pullrequests.approval import plan_digest
from reconciler.pullrequests.comment import (
    MAX_COMMENT_CHARS,
    PlanMarker,
    comment_body,
    comment_length,
    find_plan_comment,
    parse_marker,
)
from reconciler.pullrequests.port import Comment

BOT = "github-actions[bot]"
HEAD = "a" * 40
PLAN = Plan(changes=(Change("account.x", "account", "create"),),
            repository_fingerprint="sha256:" + "1" * 64, live_fingerprint="sha256:" + "2" * 64)


def render_lines(plan: Plan, max_chars: int | None = None, lines: int = 10) -> str:
    text = "\n".join(f"+ account.line-{i}" for i in range(lines))
    return text if max_chars is None else text[: max_chars - 20] + "\n(collapsed)"


def test_marker_round_trips_and_is_the_first_line() -> None:
    body = comment_body(PLAN, HEAD, render_lines)
    assert body.startswith("<!-- reconciler:plan ")
    assert parse_marker(body) == PlanMarker(HEAD, PLAN.repository_fingerprint, PLAN.live_fingerprint,
                                            plan_digest(PLAN))


def test_a_marker_without_the_change_digest_still_parses() -> None:
    old = '<!-- reconciler:plan {"head":"' + HEAD + '","live":"sha256:l","repository":"sha256:r"} -->'
    assert parse_marker(old) == PlanMarker(HEAD, "sha256:r", "sha256:l", "")


def test_marker_refuses_values_that_could_end_the_comment() -> None:
    with pytest.raises(ValueError):
        PlanMarker(HEAD, "sha256:1 --> @everyone", "x").render()


@pytest.mark.parametrize("body", [
    "",
    "text first\n<!-- reconciler:plan {\"head\":\"a\",\"live\":\"b\",\"repository\":\"c\"} -->",
    "<!-- reconciler:plan {not json} -->",
    "<!-- reconciler:plan {\"head\":\"a\"} -->",
    " <!-- reconciler:plan {\"head\":\"a\",\"live\":\"b\",\"repository\":\"c\"} -->",
])
def test_a_marker_not_at_the_start_or_malformed_does_not_count(body: str) -> None:
    assert parse_marker(body) is None


def test_a_users_copy_of_the_marker_is_not_the_plan_comment() -> None:
    marker_body = comment_body(PLAN, HEAD, render_lines)
    comments = [Comment(1, "mallory", marker_body), Comment(2, "alice", "LGTM"), Comment(3, BOT, "hello"),
                Comment(4, BOT, marker_body)]
    found = find_plan_comment(comments, BOT)
    assert found is not None and found.id == 4
    assert find_plan_comment(comments[:3], BOT) is None


def test_bot_login_is_compared_without_case() -> None:
    body = comment_body(PLAN, HEAD, render_lines)
    assert find_plan_comment([Comment(7, "GitHub-Actions[bot]", body)], BOT) is not None


def test_a_huge_plan_is_collapsed_under_githubs_limit_and_points_at_the_summary() -> None:
    calls: list[Any] = []

    def render(plan: Plan, max_chars: int | None = None) -> str:
        calls.append(max_chars)
        return render_lines(plan, max_chars, lines=20_000)

    body = comment_body(PLAN, HEAD, render, details_url="http://runs/1")
    assert comment_length(body) <= MAX_COMMENT_CHARS
    assert calls[0] is None and isinstance(calls[1], int)
    assert "(collapsed)" in body and "[job summary](http://runs/1)" in body
    assert "collapsed to fit" in body


def test_a_renderer_that_ignores_max_chars_is_cut_anyway() -> None:
    def render(plan: Plan, max_chars: int | None = None) -> str:
        return "\N{GRINNING FACE}" * 70_000  # two UTF-16 units each

    body = comment_body(PLAN, HEAD, render)
    assert comment_length(body) <= MAX_COMMENT_CHARS
    assert parse_marker(body) is not None


def test_a_small_plan_is_posted_whole() -> None:
    body = comment_body(PLAN, HEAD, render_lines)
    assert "+ account.line-9" in body and "collapsed" not in body
