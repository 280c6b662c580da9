"""pytest fixtures: one orgsim subprocess per test session (per xdist worker), reset per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orgsim.testing import UNSET_VARIABLES, OrgSim


@pytest.fixture(scope="session")
def orgsim_server() -> Iterator[OrgSim]:
    sim = OrgSim.start(throttle=False, create_account_seconds=0.2)
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def orgsim(orgsim_server: OrgSim, monkeypatch: pytest.MonkeyPatch) -> OrgSim:
    """A clean organization (state wiped, settings back to the session's) with AWS_* pointing at it."""
    orgsim_server.reset(state=True, settings=True)
    for name, value in orgsim_server.env().items():
        monkeypatch.setenv(name, value)
    for name in UNSET_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return orgsim_server
