"""The world the pull request tests share: a repository on ghfake beside an organization on
orgsim, main's state already applied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pr_world import World

from ghfake.testing import GHFake


@pytest.fixture
def synced_world(ghfake_server: GHFake, orgsim: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 capsys: pytest.CaptureFixture[str]) -> World:
    monkeypatch.setenv("RECONCILER_AWS_PACING", "off")
    w = World(ghfake_server, tmp_path, monkeypatch, capsys)
    assert w.push_run("apply", "--auto-approve", "--no-writeback-commit").code == 0
    return w
