"""Fixtures for the core loop's tests: an AWS endpoint (orgsim when it is installed, moto's
server otherwise), credentials in the environment, and repositories in real git."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

HAS_ORGSIM = importlib.util.find_spec("orgsim.testing") is not None


@pytest.fixture(scope="session")
def _moto_url() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An organization that exists (feature set ALL) and boto3 pointed at it."""
    # Client-side pacing is for real AWS; orgsim throttles only when a test turns it on.
    monkeypatch.setenv("RECONCILER_AWS_PACING", "off")
    if HAS_ORGSIM:
        return request.getfixturevalue("orgsim")
    import requests

    url = request.getfixturevalue("_moto_url")
    requests.post(f"{url}/moto-api/reset", timeout=10)
    for key, value in {
        "AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "RECONCILER_AWS_PACING": "off",
    }.items():
        monkeypatch.setenv(key, value)
    boto3.client("organizations").create_organization(FeatureSet="ALL")
    return url


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
    from reconciler.cli import main

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
