"""The pre-commit hooks are a valid configuration and run the checks scripts/test.sh runs before
the tests, from the same .venv, so a commit is checked as CI checks it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
CONFIG = PROJECT / ".pre-commit-config.yaml"


def test_the_configuration_is_valid() -> None:
    result = subprocess.run([str(Path(sys.executable).parent / "pre-commit"), "validate-config", str(CONFIG)],
                            capture_output=True, text=True, timeout=60, cwd=PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_check_of_the_test_command_is_a_hook() -> None:
    hooks = [h for repo in yaml.safe_load(CONFIG.read_text())["repos"] for h in repo["hooks"]]
    entries = [h["entry"].split()[0] for h in hooks]
    assert all(h["language"] == "system" for h in hooks)  # nothing fetched at commit time
    test_sh = (PROJECT / "scripts" / "test.sh").read_text()
    for tool in ("ruff", "mypy", "lint-imports", "scripts/check-workflows.sh"):
        assert tool in test_sh
        assert any(entry.endswith(tool) for entry in entries), tool
