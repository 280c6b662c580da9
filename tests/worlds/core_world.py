"""Arranging live state out of band, through plain boto3, the way a person in the console would."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def create_account(org: Any, email: str, name: str, tags: dict[str, str] | None = None) -> str:
    """Create an account and wait until it exists; its id."""
    extra = {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]} if tags else {}
    status = org.create_account(Email=email, AccountName=name, **extra)["CreateAccountStatus"]
    deadline = time.monotonic() + 30
    while status["State"] == "IN_PROGRESS" and time.monotonic() < deadline:
        time.sleep(0.1)
        response = org.describe_create_account_status(CreateAccountRequestId=status["Id"])
        status = response["CreateAccountStatus"]
    assert status["State"] == "SUCCEEDED", status
    return str(status["AccountId"])


def root_id(org: Any) -> str:
    return str(org.list_roots()["Roots"][0]["Id"])


def accounts_by_email(org: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for page in org.get_paginator("list_accounts").paginate():
        for account in page["Accounts"]:
            counts[account["Email"].lower()] = counts.get(account["Email"].lower(), 0) + 1
    return counts


PROJECT = Path(__file__).resolve().parents[2]
FEW = ("cust-acme-prod", "log-archive", "sandbox-alice")  # a quicker sample: three accounts


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def make_repo(target: Path, source: Path = PROJECT, accounts: tuple[str, ...] = ()) -> Path:
    """A git repository holding a copy of a desired-state repository (the sample by default),
    with only the named accounts when `accounts` is given."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "organization.yaml", target / "organization.yaml")
    for directory in ("accounts", "policies"):
        if (source / directory).is_dir():
            shutil.copytree(source / directory, target / directory)
    for path in (target / "accounts").glob("*.yaml") if accounts else ():
        if path.stem not in accounts:
            path.unlink()
    git(target, "init", "-q", "-b", "main")
    git(target, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", ".")
    git(target, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "desired state")
    return target


def reconciler(*args: str, env: dict[str, str] | None = None, stdin: str | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The console script as a user runs it, in a process of its own."""
    return subprocess.run([sys.executable, "-m", "reconciler.commands.cli", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, input=stdin, timeout=timeout)


def generate_org(out: Path, accounts: int, ous: int, policies: int, seed: int = 7) -> Path:
    """A generated desired-state repository (scripts/generate_org.py), in git."""
    spec = importlib.util.spec_from_file_location("generate_org", PROJECT / "scripts" / "generate_org.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    source = out.parent / f"{out.name}-source"
    module.generate(source, accounts, ous, policies, seed)
    return make_repo(out, source)


def set_field(path: Path, key: str, value: str) -> None:
    """Change one top-level `key: value` line of a YAML file, the way a person edits it."""
    lines = path.read_text().splitlines()
    lines = [f"{key}: {value}" if line.startswith(f"{key}:") else line for line in lines]
    if not any(line.startswith(f"{key}:") for line in lines):
        lines.append(f"{key}: {value}")
    path.write_text("\n".join(lines) + "\n")


def killed_then_converges(cli: Any, repo: Path, crash_after: int) -> None:
    """apply SIGKILLed right after its `crash_after`th AWS call returns (AWS acted, nothing
    recorded), then apply again: it succeeds and the next plan is empty."""
    killed = reconciler("apply", "--repo", str(repo), "--auto-approve",
                        env={"RECONCILER_CRASH_AFTER_CALLS": str(crash_after)})
    assert killed.returncode == -9, killed.stderr
    again = cli("apply", "--repo", str(repo), "--auto-approve")
    assert again.returncode == 0, again.stderr
    assert cli("plan", "--repo", str(repo), "--detailed-exitcode").returncode == 0
