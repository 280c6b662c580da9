"""The lock files match pyproject.toml: every dependency it names is locked at a version it allows,
with hashes, and the runtime lock (what the workflows install) pins each package at the version
the development lock (what the tests run against) pins it. `scripts/lock.sh` refreshes both."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _locked(name: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    text = (PROJECT / name).read_text()
    for entry in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = PIN.match(entry)
        if match:
            assert "--hash=sha256:" in entry, f"{name}: {match.group(1)} has no hash"
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def _wanted(*extras: str) -> list[Requirement]:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    names = list(project["dependencies"])
    for extra in extras:
        names += project["optional-dependencies"][extra]
    return [Requirement(n) for n in names]


@pytest.mark.parametrize(("lock", "extras"), [("requirements.lock", ()),
                                              ("requirements-dev.lock", ("sim", "dev"))])
def test_every_dependency_is_locked_at_a_version_pyproject_allows(lock: str, extras: tuple[str, ...]) -> None:
    pins = _locked(lock)
    for requirement in _wanted(*extras):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in {lock}: run scripts/lock.sh"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{lock} pins {requirement.name}=={pins[name]}, outside {requirement.specifier}: "
            "run scripts/lock.sh")


def test_the_workflows_run_the_versions_the_tests_ran() -> None:
    runtime, dev = _locked("requirements.lock"), _locked("requirements-dev.lock")
    assert runtime and {name: dev.get(name) for name in runtime} == runtime
