"""Fixtures for the core loop's tests: orgsim with boto3 pointed at it, and the console script
run in this process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest


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
