"""Fixtures for the drift tests; the world itself is in drift_world.py."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from drift_world import INTRUDER, PROJECT, World, files_of

from ghfake.testing import GHFake
from orgsim.testing import OrgSim
from reconciler.commands.apply import run_apply

_repos = iter(range(1, 10_000))


@pytest.fixture
def world_factory(orgsim: OrgSim, ghfake_server: GHFake, tmp_path: Path,
                  monkeypatch: pytest.MonkeyPatch) -> Callable[..., World]:
    monkeypatch.setenv("RECONCILER_AWS_PACING", "off")  # orgsim does not throttle in these tests
    orgsim.configure(identities={INTRUDER: "mallory"})

    def make(edit: Callable[[Path], None] | None = None) -> World:
        repo = tmp_path / "repo"
        repo.mkdir()
        shutil.copy(PROJECT / "organization.yaml", repo)
        for folder in ("accounts", "policies"):
            shutil.copytree(PROJECT / folder, repo / folder)
        if edit is not None:
            edit(repo)
        run_apply(repo, None, True, None, False)
        full_name = f"acme/drift-{next(_repos)}-{tmp_path.name[-24:]}"
        ghfake_server.create_repo(full_name, files_of(repo))
        return World(repo, orgsim, ghfake_server, full_name, tmp_path)
    return make


@pytest.fixture
def world(world_factory: Callable[..., World]) -> World:
    return world_factory()


KEEP = ("cust-acme-prod.yaml", "cust-umbrella-prod.yaml", "data-science-lab.yaml")


def _small(repo: Path) -> None:
    """Three accounts, one per automation level: enough for the rules, quick to converge."""
    for path in (repo / "accounts").glob("*.yaml"):
        if path.name not in KEEP:
            path.unlink()


@pytest.fixture
def small_world(world_factory: Callable[..., World]) -> World:
    return world_factory(_small)
