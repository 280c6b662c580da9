"""The write-back commit works on a machine where git has no identity configured (a CI runner)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from reconciler.adapters.git import LocalRepository


def test_a_commit_on_a_branch_needs_no_configured_identity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "a.yaml").write_text("a: 1\n")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    who = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", *who, "add", "."], cwd=repo, check=True)
    subprocess.run(["git", *who, "commit", "-qm", "x"], cwd=repo, check=True)
    # git itself now sees no global or system identity, whatever ~/.gitconfig says to other readers
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    local = LocalRepository(repo)
    head = local.head()
    assert head is not None
    commit = local.commit_on_branch("reconciler/ids", head, {"a.yaml": "a: 2\n"}, "ids")
    assert local.branch_tip("reconciler/ids") == commit
    assert local.read(commit, "a.yaml") == "a: 2\n"
