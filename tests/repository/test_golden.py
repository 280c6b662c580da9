"""Every golden case: `reconciler validate` on a small bad repository prints exactly the expected
problem lines and exits 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from validate_golden import build_case, cases

from reconciler.commands.cli import cli


@pytest.mark.parametrize("name", cases())
def test_golden_case(name: str, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    expected = build_case(name, repo)
    result = CliRunner().invoke(cli, ["validate", "--repo", str(repo)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == expected
    assert result.exit_code == (1 if expected else 0)
    assert "Traceback" not in result.stderr


def test_corpus_is_large_enough() -> None:
    assert (
        len([c for c in cases() if (Path(__file__).parent / "golden" / c / "expected.txt").exists()])
        >= 40
    )
