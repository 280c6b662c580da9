"""Baselines inside the account: a baseline's `in_account:` block (work that needs a role in the
account: deleting the default VPCs, EBS encryption by default) and organization.yaml's
`in_account:` settings (the role, the Regions, the shard size). Only `reconciler baseline --shard`
acts on them; plan and apply never do (docs/format.md, "Baselines inside the account").

Which accounts get a baseline is decided once, by reconciler.repository.baselines.selected.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reconciler import model
from reconciler.errors import show
from reconciler.repository.baselines import REGIONS, declared, selected
from reconciler.repository.parse import Parsed
from reconciler.repository.problems import Problem

KEYS = ("delete_default_vpcs", "ebs_encryption_by_default")


def check_in_account(organization: Parsed | None, accounts: Iterable[Parsed]) -> list[Problem]:
    """E306-E308: the rules validate checks for in-account baselines without AWS."""
    if organization is None:
        return []
    problems = _region_problems(organization) + _empty_blocks(organization)
    if _any_in_account(organization.data):  # else no account can have a conflict: skip the walk
        for account in accounts:
            problems += _conflicts(organization.data, account)
    return problems


def _any_in_account(org: dict[str, Any]) -> bool:
    return any("in_account" in baseline for baseline in declared(org).values())


def _region_problems(organization: Parsed) -> list[Problem]:
    """E306: `in_account.regions` names a Region the aws partition does not have."""
    regions = organization.data.get("in_account", {}).get("regions", [])
    return [organization.problem(
        "E306", f"in_account.regions: {show(region)} is not a Region of the aws partition; check the "
        "spelling (e.g. eu-west-1) or leave regions out to act in every Region enabled in the account",
        "in_account", "regions", index)
        for index, region in enumerate(regions) if region not in REGIONS]


def _empty_blocks(organization: Parsed) -> list[Problem]:
    """E308: a baseline's `in_account` that asks for nothing."""
    return [organization.problem(
        "E308", f"baseline {show(name)}: in_account asks for nothing (every key is false); set "
        f"{' or '.join(KEYS)} to true, or remove in_account", "baselines", name, "in_account")
        for name, baseline in declared(organization.data).items()
        if "in_account" in baseline and not any(baseline["in_account"].values())]


def _conflicts(org: dict[str, Any], account: Parsed) -> list[Problem]:
    """E307: two of an account's baselines, one asking for a piece of in-account work and one
    saying false to it."""
    problems: list[Problem] = []
    blocks = {name: declared(org)[name].get("in_account", {}) for name in selected(org, account.data)}
    for key in KEYS:
        said = {name: block[key] for name, block in blocks.items() if key in block}
        yes = [n for n, v in said.items() if v]
        no = [n for n, v in said.items() if not v]
        if yes and no:
            problems.append(account.problem(
                "E307", f"the baselines {show(yes[0])} and {show(no[0])} disagree on in_account.{key} "
                "for this account; opt out of one (baselines.opt_out) or change organization.yaml",
                "account_name"))
    return problems


def build_in_account(organization: Parsed, accounts: Iterable[Parsed]
                     ) -> tuple[dict[str, model.InAccountWork], model.InAccountSettings]:
    """Each account's in-account work (accounts with none are left out), and the settings."""
    org = organization.data
    work: dict[str, model.InAccountWork] = {}
    for account in accounts if _any_in_account(org) else ():
        if not account.read:
            continue
        blocks = [declared(org)[n].get("in_account", {}) for n in selected(org, account.data)]
        merged = model.InAccountWork(**{k: any(b.get(k, False) for b in blocks) for k in KEYS})
        if not merged.empty:
            work[account.data["account_name"]] = merged
    settings = org.get("in_account", {})
    default = model.InAccountSettings()
    return work, model.InAccountSettings(
        role_name=settings.get("role_name", default.role_name),
        regions=tuple(settings.get("regions", default.regions)),
        accounts_per_shard=int(settings.get("accounts_per_shard", default.accounts_per_shard)))
