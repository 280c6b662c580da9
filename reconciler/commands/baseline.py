"""`reconciler baseline --shard I/N`: baselines inside the accounts of one shard, by assuming the
configured role in each (docs/apply.md, "Baselines inside the account"); `reconciler baseline
--matrix`: the shards for the apply workflow's GitHub Actions matrix."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import click

from reconciler.adapters.git import LocalRepository
from reconciler.adapters.member_accounts import AssumedRoles
from reconciler.apply.in_account import (
    MAX_SHARDS,
    AccountResult,
    run_shard,
    shard_count,
    shard_of,
    targets,
)
from reconciler.errors import ExitCode, GitError
from reconciler.repository.load import load_repository

_SHARD = re.compile(r"^([0-9]{1,4})/([0-9]{1,4})$")


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    match = _SHARD.match(value.strip())
    if not match:
        raise click.BadParameter(f"{value!r} is not I/N (e.g. 0/4: the first of four shards)")
    index, count = int(match.group(1)), int(match.group(2))
    if not 1 <= count <= MAX_SHARDS:
        raise click.BadParameter(f"N must be 1 to {MAX_SHARDS} (a GitHub Actions matrix has at most "
                                 f"{MAX_SHARDS} jobs), not {count}")
    if index >= count:
        raise click.BadParameter(f"I must be 0 to {count - 1} for {count} shards (shards count from 0), "
                                 f"not {index}")
    return index, count


@click.command("baseline")
@click.option("--shard", metavar="I/N", callback=_shard,
              help="Do the in-account baselines of shard I (0 to N-1) of N.")
@click.option("--matrix", is_flag=True,
              help="Print the shards as the apply workflow's matrix (JSON); nothing is changed.")
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text",
              show_default=True, help="text for people, json for tools.")
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default=True, help="The desired-state repository.")
def command(shard: tuple[int, int] | None, matrix: bool, output_format: str, repo: Path) -> int:
    """Baselines inside the accounts (default VPCs, EBS encryption by default), one shard a run."""
    if (shard is None) == (not matrix):
        raise click.UsageError("give exactly one of --shard I/N (do one shard's accounts) and --matrix "
                               "(print the shards)")
    org = load_repository(repo)
    chosen = targets(org)
    if matrix:
        _print_matrix(shard_count(len(chosen), org.in_account_settings.accounts_per_shard), len(chosen), repo)
        return ExitCode.OK
    assert shard is not None
    index, count = shard
    results = run_shard(shard_of(chosen, index, count), org.in_account_settings, AssumedRoles())
    label = f"{index}/{count}"
    shown = _json(label, results) if output_format == "json" else _text(label, results, len(chosen))
    click.echo(shown, nl=False)
    return ExitCode.OK if all(r.ok for r in results) else ExitCode.ERROR


def _print_matrix(count: int, accounts: int, repo: Path) -> None:
    """`{"shard": ["0/N", ...]}` on stdout; in GitHub Actions also the step outputs `matrix`,
    `shards` (the number of shards, 0 when no account has in-account work) and `commit` (the
    commit the shards were counted on, which every shard checks out)."""
    matrix = json.dumps({"shard": [f"{i}/{count}" for i in range(count)]}, separators=(",", ":"))
    click.echo(matrix)
    click.echo(f"{accounts} account{'s' * (accounts != 1)} with in-account baselines, {count} "
               f"shard{'s' * (count != 1)}", err=True)
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as handle:
            handle.write(f"matrix={matrix}\nshards={count}\ncommit={_commit(repo)}\n")


def _commit(repo: Path) -> str:
    try:
        return LocalRepository(repo).head() or ""
    except GitError:
        return ""


def _account_json(result: AccountResult) -> dict[str, Any]:
    return {"account": result.target.name, "account_id": result.target.account_id, "ok": result.ok,
            "error": result.error,
            "regions": {r.region: {"done": r.done, "kept": r.kept, "errors": r.errors}
                        for r in result.regions}}


def _json(label: str, results: list[AccountResult]) -> str:
    return json.dumps({"shard": label, "ok": all(r.ok for r in results),
                       "accounts": [_account_json(r) for r in results]}, indent=2) + "\n"


def _text(label: str, results: list[AccountResult], total: int) -> str:
    lines = [f"shard {label}: {len(results)} of the {total} account{'s' * (total != 1)} with in-account "
             "baselines"]
    for result in results:
        target = result.target
        if result.error:
            lines.append(f"  {target.name} ({target.account_id}): FAILED: {result.error}")
            continue
        changed = sum(len(r.done) for r in result.regions)
        lines.append(f"  {target.name} ({target.account_id}): {len(result.regions)} Regions, "
                     f"{changed or 'nothing'} changed{'' if result.ok else ', with errors'}")
        for region in result.regions:
            lines += [f"    {region.region}: {item}" for item in region.done]
            lines += [f"    {region.region}: {item}" for item in region.kept]
            lines += [f"    {region.region}: ERROR: {item}" for item in region.errors]
    failed = sum(not r.ok for r in results)
    lines.append(f"{failed} account{'s' * (failed != 1)} failed" if failed else "done")
    return "\n".join(lines) + "\n"
