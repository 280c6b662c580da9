"""Shared fixtures: the simulators' own (orgsim, ghfake: their packages' pytest plugins), orgsim
with boto3 pointed at it, and the console script run in this process. The worlds the tests build
on them (a sample organization applied, a GitHub repository beside it) are in tests/worlds/."""


from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

pytest_plugins: list[str] = ["orgsim.pytest_plugin", "ghfake.pytest_plugin"]


@pytest.fixture
def aws(orgsim: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A clean orgsim organization with boto3 pointed at it."""
    # Client-side pacing is for real AWS; orgsim throttles only when a test turns it on.
    monkeypatch.setenv("RECONCILER_AWS_PACING", "off")
    return orgsim


@pytest.fixture
def org(aws: Any) -> Any:
    """A plain boto3 Organizations client for arranging and checking state out of band."""
    return boto3.client("organizations")


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """The console script's entry point, run in this process (a subprocess costs seconds)."""
    from reconciler.commands.cli import main

    def run(*args: str) -> Ran:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Ran(code, out.out, out.err)

    return run
