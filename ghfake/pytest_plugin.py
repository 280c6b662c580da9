"""pytest fixtures for ghfake: one server per xdist worker, one fresh repository per test.

`ghfake` hands a test a `RepoHandle` (the server handle plus a uniquely named repository seeded
with a README) and, at teardown, fails the test if any response or request during it broke
GitHub's published schema.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ghfake.testing import GHFake

_names = itertools.count(1)


@dataclass
class RepoHandle:
    """A fresh repository on the session's server; attribute access falls through to GHFake."""

    server: GHFake
    full_name: str
    default_branch: str = "main"

    @property
    def bare(self) -> Path:
        return self.server.bare_path(self.full_name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.server, name)


@pytest.fixture(scope="session")
def ghfake_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GHFake]:
    # tmp_path_factory is per xdist worker, so each worker gets its own server and data dir.
    with GHFake.start(tmp_path_factory.mktemp("ghfake")) as server:
        yield server


@pytest.fixture
def ghfake(ghfake_server: GHFake, request: pytest.FixtureRequest) -> Iterator[RepoHandle]:
    ghfake_server.clear_violations()
    ghfake_server.set_rate_limit(None)
    ghfake_server.set_secondary_rate_limit(None)
    full_name = f"acme/repo-{next(_names)}-{request.node.name[:40].strip('[]').replace('[', '-')}"
    full_name = "".join(c if c.isalnum() or c in "/-_." else "-" for c in full_name)
    ghfake_server.create_repo(full_name, {"README.md": "# test repository\n"})
    yield RepoHandle(ghfake_server, full_name)
    ghfake_server.set_secondary_rate_limit(None)  # the server outlives the test: leave it unlimited
    found = ghfake_server.violations()
    assert not found, f"ghfake recorded schema violations during the test: {found}"
