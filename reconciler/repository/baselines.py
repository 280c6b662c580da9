"""Account baselines in the repository: which baselines each account gets, the rules validate
checks for them, and the effective baseline of each account as the model's `Baseline`.

organization.yaml `baselines:` names baselines; `applies_to` selects accounts (every criterion
given must match; an OU matches itself and the OUs below it); an account file's `baselines.add`
adds more and `baselines.opt_out` leaves some out. The management account gets none (its contacts,
Regions and access are not the factory's to set). Names of Identity Center groups, users and
permission sets are checked against AWS by the planner, which has the live read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from reconciler import model
from reconciler.errors import show
from reconciler.repository.parse import Parsed, locate
from reconciler.repository.problems import Problem

# The aws partition's Regions (botocore's endpoint data), each with whether it is an opt-in Region:
# "Regions launched before March 20, 2019 are enabled by default ... Default Regions cannot be
# enabled or disabled" (AWS Account Management Reference Guide, "Enable or disable AWS Regions in
# your account"). tests/repository/test_baselines.py checks the list against botocore's.
REGIONS: dict[str, bool] = {
    "us-east-1": False, "us-east-2": False, "us-west-1": False, "us-west-2": False,
    "ca-central-1": False, "sa-east-1": False, "eu-central-1": False, "eu-north-1": False,
    "eu-west-1": False, "eu-west-2": False, "eu-west-3": False, "ap-south-1": False,
    "ap-northeast-1": False, "ap-northeast-2": False, "ap-northeast-3": False,
    "ap-southeast-1": False, "ap-southeast-2": False,
    "af-south-1": True, "ap-east-1": True, "ap-east-2": True, "ap-south-2": True,
    "ap-southeast-3": True, "ap-southeast-4": True, "ap-southeast-5": True, "ap-southeast-6": True,
    "ap-southeast-7": True, "ca-west-1": True, "eu-central-2": True, "eu-south-1": True,
    "eu-south-2": True, "il-central-1": True, "me-central-1": True, "me-south-1": True,
    "mx-central-1": True,
}
ALERT_KINDS = {"actual": "ACTUAL", "forecasted": "FORECASTED"}


def declared(org: dict[str, Any]) -> dict[str, dict[str, Any]]:
    value = org.get("baselines", {})
    return value if isinstance(value, dict) else {}


def selected(org: dict[str, Any], account: dict[str, Any]) -> list[str]:
    """The baseline names an account gets, in organization.yaml's order, then its own additions."""
    if account.get("account_id") and account.get("account_id") == org.get("management_account_id"):
        return []
    own = account.get("baselines", {})
    opt_out, add = set(own.get("opt_out", [])), list(own.get("add", []))
    names = [n for n, b in declared(org).items() if n not in opt_out and _applies(b, account)]
    return [*names, *(n for n in add if n not in names and n in declared(org))]


def _applies(baseline: dict[str, Any], account: dict[str, Any]) -> bool:
    if "applies_to" not in baseline:
        return False
    rule = baseline["applies_to"]
    ou = str(account.get("ou", ""))
    return (("ous" not in rule or any(ou == p or ou.startswith(p + "/") for p in rule["ous"]))
            and account.get("environment") in rule.get("environments", [account.get("environment")])
            and account.get("workload_type") in rule.get("workload_types", [account.get("workload_type")]))


def check_baselines(organization: Parsed | None, accounts: Iterator[Parsed]) -> list[Problem]:
    """E301-E305: the baseline rules validate checks without AWS."""
    org = organization.data if organization else {}
    problems = _check_declared(organization) if organization else []
    names = declared(org)
    for account in accounts:
        own = account.data.get("baselines", {})
        for which in ("add", "opt_out"):
            for index, name in enumerate(own.get(which, [])):
                if organization is not None and name not in names:
                    problems.append(account.problem(
                        "E301", f"the baseline {show(name)} is not declared in organization.yaml baselines; "
                        f"declare it there or remove it from baselines.{which}", "baselines", which, index))
        problems += _conflicts(org, account)
    return problems


def _check_declared(organization: Parsed) -> list[Problem]:
    problems: list[Problem] = []
    ous = {e if isinstance(e, str) else e["path"] for e in organization.data.get("organizational_units", [])}
    for name, baseline in declared(organization.data).items():
        for index, path in enumerate(baseline.get("applies_to", {}).get("ous", [])):
            if path not in ous:
                problems.append(organization.problem(
                    "E302", f"baseline {show(name)} applies to the OU {show(path)}, which is not declared in "
                    "organizational_units; declare it or use an existing OU path",
                    "baselines", name, "applies_to", "ous", index))
        for index, region in enumerate(baseline.get("regions", [])):
            problem = _region_problem(region)
            if problem:
                problems.append(organization.problem("E303", f"baseline {show(name)}: {problem}",
                                                     "baselines", name, "regions", index))
    return problems


def _region_problem(region: str) -> str | None:
    if region not in REGIONS:
        return (f"{show(region)} is not a Region of the aws partition; check the spelling (e.g. ap-east-1)")
    if not REGIONS[region]:
        return (f"{show(region)} is enabled by default in every account and cannot be opted into; remove "
                "it (only Regions launched after 20 March 2019 are opt-in Regions)")
    return None


def _conflicts(org: dict[str, Any], account: Parsed) -> list[Problem]:
    """E305: two of an account's baselines setting the same contact type, or each a budget."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for name in selected(org, account.data):
        baseline = declared(org)[name]
        items = [f"the {t} contact" for t in baseline.get("alternate_contacts", {})]
        items += ["a budget"] if "budget" in baseline else []
        for item in items:
            if item in seen:
                problems.append(account.problem(
                    "E305", f"the baselines {show(seen[item])} and {show(name)} both give this account "
                    f"{item}; opt out of one (baselines.opt_out) or change organization.yaml",
                    "account_name"))
            seen.setdefault(item, name)
    return problems


def build_baselines(organization: Parsed, accounts: list[Parsed]
                    ) -> tuple[dict[str, model.Baseline], dict[str, model.Source]]:
    """Each account's effective baseline (accounts without one are left out), and where each
    Identity Center name is first written."""
    org = organization.data
    found: dict[str, model.Baseline] = {}
    for account in accounts:
        if not account.read:
            continue
        names = selected(org, account.data)
        if names:
            baseline = merge([declared(org)[n] for n in names])
            if not baseline.empty:
                found[account.data["account_name"]] = baseline
    return found, _identity_names(organization)


def merge(baselines: list[dict[str, Any]]) -> model.Baseline:
    contacts: dict[str, model.Contact] = {}
    regions: set[str] = set()
    access: set[model.Access] = set()
    budget: model.AccountBudget | None = None
    for baseline in baselines:
        for kind, c in baseline.get("alternate_contacts", {}).items():
            contacts.setdefault(kind, model.Contact(c["name"], c["title"], c["email"].strip(), c["phone"]))
        regions |= set(baseline.get("regions", []))
        access |= {_access(entry) for entry in baseline.get("access", [])}
        if budget is None and "budget" in baseline:
            budget = _budget(baseline["budget"])
    return model.Baseline(contacts=contacts, regions=frozenset(regions), access=frozenset(access),
                          budget=budget)


def _access(entry: dict[str, Any]) -> model.Access:
    kind = "GROUP" if "group" in entry else "USER"
    principal = entry["group" if kind == "GROUP" else "user"]
    return model.Access(kind, str(principal), str(entry["permission_set"]))


def _budget(data: dict[str, Any]) -> model.AccountBudget:
    alerts = frozenset(model.BudgetAlert(ALERT_KINDS[a.get("type", "actual")], float(a["threshold_percent"]))
                       for a in data["alerts"])
    return model.AccountBudget(float(data["monthly_limit_usd"]), alerts, frozenset(data["subscribers"]))


def _identity_names(organization: Parsed) -> dict[str, model.Source]:
    names: dict[str, model.Source] = {}
    for name, baseline in declared(organization.data).items():
        for index, entry in enumerate(baseline.get("access", [])):
            for key in ("group", "user", "permission_set"):
                if key in entry:
                    line, column = locate(organization.node, ("baselines", name, "access", index, key))
                    names.setdefault(f"{key}:{entry[key]}", model.Source(organization.path, line, column))
    return names
