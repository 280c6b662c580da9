"""The import contracts of pyproject.toml ([tool.importlinter], docs/architecture.md) hold on the
project, and each one breaks on a deliberately wrong import.

The wrong imports go into a copy of the package, never into the checkout: the copy is put first
on PYTHONPATH, so `lint-imports` analyses it instead of the installed package, and it is removed
with the test's temporary folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).parent / "lint-imports"
STAGES = "Stages are layered"
PURE = "The pure stages reach no AWS"
ADAPTERS_ONLY = "Only the adapters import boto3"


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(PROJECT / "reconciler", tree / "reconciler",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / "pyproject.toml", tree)
    return tree


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT), "--no-cache", "--config", str(tree / "pyproject.toml")],
                          cwd=tree, env=env, capture_output=True, text=True, timeout=120)


def _broken(output: str) -> set[str]:
    """The contracts (by their first words) lint-imports' summary calls BROKEN. The summary may
    wrap a long name over two lines, so white space is folded first."""
    text = " ".join(output.split())
    summary = text[text.index("Contracts ---"):]
    broken = set()
    for name in (STAGES, PURE, ADAPTERS_ONLY):
        after = summary[summary.index(name):]
        if after.find(" BROKEN") != -1 and (after.find(" KEPT") == -1
                                           or after.find(" BROKEN") < after.find(" KEPT")):
            broken.add(name)
    return broken


def test_the_project_keeps_every_contract(tmp_path: Path) -> None:
    result = _lint(_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout
    assert _broken(result.stdout) == set()


WRONG = [
    # A pure stage reaching for an adapter: an arrow back up, and AWS inside the planner.
    ("plan/planner.py", "from reconciler.adapters.aws import AwsClient", {STAGES, PURE}),
    # A pure stage importing boto3 itself.
    ("repository/load.py", "import boto3", {PURE, ADAPTERS_ONLY}),
    # The shared model depending on the command line.
    ("model.py", "from reconciler.commands import cli", {STAGES}),
    # Siblings of one layer stay independent: the live reader may not use the planner.
    ("live/read.py", "from reconciler.plan import planner", {STAGES}),
    # A stage above the adapters using GitPython directly.
    ("apply/writeback.py", "import git", {ADAPTERS_ONLY}),
    # The drift decision reaching GitHub through the adapter.
    ("drift/detect.py", "from reconciler.adapters import github", {STAGES, PURE}),
    # The apply gate's decision calling PyGithub itself.
    ("pullrequests/gate.py", "import github", {PURE, ADAPTERS_ONLY}),
    # The approval rules asking GitHub themselves instead of being given the facts.
    ("pullrequests/reviewers.py", "from reconciler.adapters import github", {STAGES, PURE}),
]


@pytest.mark.parametrize(("module", "line", "broken"), WRONG, ids=[w[0] for w in WRONG])
def test_a_wrong_import_breaks_its_contract(tmp_path: Path, module: str, line: str,
                                            broken: set[str]) -> None:
    tree = _copy(tmp_path)
    path = tree / "reconciler" / module
    text = path.read_text()
    marker = "from __future__ import annotations\n"
    path.write_text(text.replace(marker, f"{marker}\n{line}  # noqa\n", 1) if marker in text
                    else f"{line}  # noqa\n{text}")
    result = _lint(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert _broken(result.stdout) == broken, result.stdout
    assert module.replace("/", ".").removesuffix(".py") in result.stdout
