"""scripts/generate_org.py writes repositories that validate, within AWS's structural limits."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from reconciler import model
from reconciler.repository.load import check_repository

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "generate_org.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_org", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_org"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("accounts", "ous", "policies"), [(60, 500, 100), (300, 40, 200), (5, 0, 3)])
def test_generated_repository_is_valid(tmp_path: Path, accounts: int, ous: int, policies: int) -> None:
    _script().generate(tmp_path, accounts, ous, policies, seed=7)
    organization, problems = check_repository(tmp_path)
    assert problems == []
    assert organization is not None
    assert (len(organization.accounts), len(organization.ous), len(organization.policies)) == (
        accounts,
        ous,
        policies,
    )
    assert max((ou.depth for ou in organization.ous), default=0) <= 5
    per_target = Counter((t, p.type) for p in organization.policies for t in p.targets)
    assert all(count + (kind == model.SCP) <= 10 for (_, kind), count in per_target.items())


def test_same_seed_same_files(tmp_path: Path) -> None:
    script = _script()
    script.generate(tmp_path / "a", 20, 10, 5, seed=3)
    script.generate(tmp_path / "b", 20, 10, 5, seed=3)
    for file in sorted((tmp_path / "a").rglob("*.yaml")):
        assert file.read_text() == (tmp_path / "b" / file.relative_to(tmp_path / "a")).read_text()
