"""A hostile but realistic user of plan, apply and import: plan files that are not the reviewed plan,
output and audit-log paths that cannot be written. Each is one clear line, exit 1, nothing changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from core_world import make_repo


def _ou_count(org: Any) -> int:
    root = org.list_roots()["Roots"][0]["Id"]
    return len(org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"])


def _planned(cli: Any, tmp_path: Path, name: str = "repo") -> tuple[Path, Path]:
    repo = make_repo(tmp_path / name, accounts=("log-archive",))
    out = tmp_path / f"{name}-plan.json"
    assert cli("plan", "--repo", str(repo), "--out", str(out)).returncode == 0
    return repo, out


def _refused(ran: Any, org: Any, words: str) -> None:
    assert ran.returncode == 1, ran.stderr
    assert words in ran.stderr and "Traceback" not in ran.stderr
    assert _ou_count(org) == 0


def test_a_hand_edited_plan_is_refused(org: Any, cli: Any, tmp_path: Path) -> None:
    repo, out = _planned(cli, tmp_path)
    saved = json.loads(out.read_text())
    saved["changes"] = [c for c in saved["changes"] if c["kind"] == "ou"]  # drop the policies
    out.write_text(json.dumps(saved))
    ran = cli("apply", "--repo", str(repo), "--plan", str(out), "--auto-approve")
    _refused(ran, org, "was it edited?")


def test_a_plan_made_from_another_repository_is_refused(org: Any, cli: Any, tmp_path: Path) -> None:
    _, out = _planned(cli, tmp_path, "first")
    other = make_repo(tmp_path / "other", accounts=("sandbox-alice",))
    ran = cli("apply", "--repo", str(other), "--plan", str(out), "--auto-approve")
    _refused(ran, org, "different repository or commit")


def test_the_reviewed_plan_still_applies(org: Any, cli: Any, tmp_path: Path) -> None:
    repo, out = _planned(cli, tmp_path)
    ran = cli("apply", "--repo", str(repo), "--plan", str(out), "--auto-approve", "--no-writeback-commit")
    assert ran.returncode == 0, ran.stderr
    assert _ou_count(org) > 0


@pytest.mark.parametrize("content", [b"\xff\xfe\x00", b"", b"{", b"[]"])
def test_a_plan_file_that_is_not_a_plan_is_refused_before_reading_aws(
        org: Any, cli: Any, tmp_path: Path, content: bytes) -> None:
    repo = make_repo(tmp_path / "repo", accounts=("log-archive",))
    bad = tmp_path / "plan.json"
    bad.write_bytes(content)
    ran = cli("apply", "--repo", str(repo), "--plan", str(bad), "--auto-approve")
    _refused(ran, org, "plan.json")
    assert "reading organizational units" not in ran.stderr


def test_plan_out_into_a_missing_directory_is_a_clear_error(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=("log-archive",))
    ran = cli("plan", "--repo", str(repo), "--out", str(tmp_path / "missing" / "plan.json"))
    assert ran.returncode == 1
    assert "cannot write the plan to" in ran.stderr and "missing" in ran.stderr


@pytest.mark.parametrize("where", ["under-a-file", "a-device"])
def test_an_audit_log_that_cannot_be_written_stops_apply_before_any_change(
        org: Any, cli: Any, tmp_path: Path, where: str) -> None:
    repo = make_repo(tmp_path / "repo", accounts=("log-archive",))
    (tmp_path / "file").write_text("x")
    log = tmp_path / "file" / "audit.jsonl" if where == "under-a-file" else Path("/dev/full")
    ran = cli("apply", "--repo", str(repo), "--auto-approve", "--audit-log", str(log))
    _refused(ran, org, "audit log")


@pytest.mark.parametrize("where", ["under-a-file", "not-empty", "in-proc"])
def test_import_into_a_place_it_cannot_use_is_refused(org: Any, cli: Any, tmp_path: Path, where: str) -> None:
    (tmp_path / "file").write_text("x")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("keep me")
    output = {"under-a-file": tmp_path / "file" / "repo", "not-empty": tmp_path / "full",
              "in-proc": Path("/proc/no-such-place")}[where]
    ran = cli("import", "--output", str(output))
    assert ran.returncode == 1, ran.stderr
    assert (str(output) in ran.stderr and "--output" in ran.stderr) or "not empty" in ran.stderr
    assert (tmp_path / "full" / "mine.txt").read_text() == "keep me"
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == ["mine.txt"]


def test_apply_outside_git_writes_the_ids_and_says_they_are_not_committed(
        org: Any, cli: Any, tmp_path: Path) -> None:
    source = make_repo(tmp_path / "source", accounts=("log-archive",))
    repo = tmp_path / "plain"
    repo.mkdir()
    for name in ("organization.yaml", "accounts", "policies"):
        (source / name).rename(repo / name)
    ran = cli("apply", "--repo", str(repo), "--auto-approve")
    assert ran.returncode == 0, ran.stderr
    assert "account_id:" in (repo / "accounts" / "log-archive.yaml").read_text()
    assert "not committed" in ran.stderr and "not in a git repository" in ran.stderr


@pytest.mark.parametrize(("variable", "value", "words"), [
    ("AWS_ENDPOINT_URL", "not a url", "AWS_ENDPOINT_URL"),
    ("AWS_PROFILE", "no-such-profile", "AWS_PROFILE"),
])
def test_a_bad_aws_setting_is_a_clear_error(
    org: Any, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, words: str
) -> None:
    repo = make_repo(tmp_path / "repo")
    monkeypatch.setenv(variable, value)
    ran = cli("plan", "--repo", str(repo))
    assert ran.returncode == 1, ran.stderr
    assert "cannot set up the AWS client" in ran.stderr and words in ran.stderr
    assert "Traceback" not in ran.stderr and "bug" not in ran.stderr


def test_plan_comment_outside_a_pull_request_run_stops_before_reading_aws(
    aws: Any, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "repo")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"ref": "refs/heads/main", "after": "0" * 40}))  # a push event
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/org")
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    aws.reset(state=False)
    ran = cli("plan", "--repo", str(repo), "--comment")
    assert ran.returncode == 1
    assert "not a pull_request run" in ran.stderr
    assert aws.calls() == {}  # refused before a single AWS call
