"""Reading the Actions environment: event, outputs, summary, and the token kept out of sight."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.pullrequests.actions import ActionsEnv, ActionsEnvError


def env_with_event(tmp_path: Path, event: object) -> ActionsEnv:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    return ActionsEnv.from_environ({
        "GITHUB_EVENT_PATH": str(path), "GITHUB_TOKEN": "s3cret-token", "GITHUB_REPOSITORY": "acme/org",
        "GITHUB_OUTPUT": str(tmp_path / "out"), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
        "GITHUB_SERVER_URL": "http://gh", "GITHUB_RUN_ID": "42"})


def test_the_token_is_never_in_repr(tmp_path: Path) -> None:
    env = env_with_event(tmp_path, {})
    assert "s3cret-token" not in repr(env) and env.token == "s3cret-token"


def test_pull_request_number_and_head(tmp_path: Path) -> None:
    env = env_with_event(tmp_path, {"pull_request": {"number": 3, "head": {"sha": "abc"}}})
    assert env.pull_request_number() == 3 and env.head_sha() == "abc"
    assert env.run_url == "http://gh/acme/org/actions/runs/42"


def test_outside_a_pull_request_run_comment_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ActionsEnvError, match="not a pull_request run"):
        env_with_event(tmp_path, {"ref": "refs/heads/main"}).pull_request_number()


@pytest.mark.parametrize("content", ["{not json", "[1, 2]"])
def test_a_bad_event_file_is_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "event.json"
    path.write_text(content)
    with pytest.raises(ActionsEnvError, match="event payload"):
        ActionsEnv.from_environ({"GITHUB_EVENT_PATH": str(path)})


def test_missing_token_names_what_to_do() -> None:
    with pytest.raises(ActionsEnvError, match="GITHUB_TOKEN"):
        ActionsEnv.from_environ({"GITHUB_REPOSITORY": "acme/org"}).require_api()


def test_an_output_value_cannot_write_another_output(tmp_path: Path) -> None:
    env = env_with_event(tmp_path, {})
    env.set_output("has_changes", "true\nevil=1")
    text = (tmp_path / "out").read_text()
    name, delimiter = text.split("\n", 1)[0].split("<<")
    assert name == "has_changes" and text.endswith(f"\n{delimiter}\n")
    assert text.count(delimiter) == 2


def test_summary_is_appended(tmp_path: Path) -> None:
    env = env_with_event(tmp_path, {})
    env.write_summary("one")
    env.write_summary("two\n")
    assert (tmp_path / "summary").read_text() == "one\ntwo\n"
    ActionsEnv.from_environ({}).write_summary("no-op outside Actions")


def test_the_plan_comment_author_and_the_pull_request_author_are_separate_settings() -> None:
    default = ActionsEnv.from_environ({})
    assert (default.bot_login, default.pr_author_login) == ("github-actions[bot]", "github-actions[bot]")
    both = ActionsEnv.from_environ({"RECONCILER_BOT_LOGIN": "github-actions[bot]",
                                    "RECONCILER_PR_AUTHOR_LOGIN": "org-reconciler[bot]"})
    assert (both.bot_login, both.pr_author_login) == ("github-actions[bot]", "org-reconciler[bot]")
    empty = ActionsEnv.from_environ({"RECONCILER_PR_AUTHOR_LOGIN": ""})  # an unset repository variable
    assert empty.pr_author_login == "github-actions[bot]"


def test_the_job_summary_is_cut_to_githubs_limit_in_bytes_not_characters(tmp_path: Path) -> None:
    from reconciler.commands.publish import summary_markdown
    from reconciler.plan.changes import Change, Plan
    from reconciler.pullrequests.actions import SUMMARY_MAX_BYTES, fit_summary

    wide = "名" * 600_000  # 600,000 characters, 1.8 MB: under a character limit, over GitHub's bytes
    cut = fit_summary(wide)
    assert len(cut.encode("utf-8")) <= SUMMARY_MAX_BYTES and "cut here to GitHub's 1 MiB limit" in cut
    assert fit_summary("small") == "small\n"
    name = "名" * 40  # under 1,000,000 characters rendered, but over 1 MiB in UTF-8
    plan = Plan(changes=tuple(Change(f"ou.部門{n:05d}{name}", "ou", "create", after={"path": "x", "tags": {}})
                              for n in range(8000)))
    text = summary_markdown(plan)
    assert len(text.encode("utf-8")) <= SUMMARY_MAX_BYTES
    assert text.rstrip().endswith("Plan: 8000 to create, 0 to update, 0 to delete.")
