"""Cross-file rules of the desired state: names match files, names/emails/ids are unique, OUs form a
tree within quota, accounts sit in declared OUs, tags stay within AWS's limits. Policy rules are in
reconciler.repository.policy_rules. Rules only see files that passed their schema, so they can
index freely."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypedDict

from reconciler import model
from reconciler.errors import show
from reconciler.repository.baselines import check_baselines
from reconciler.repository.effective_rules import check_effective
from reconciler.repository.in_account import check_in_account
from reconciler.repository.parse import Parsed
from reconciler.repository.policy_rules import check_policies, file_name_rule
from reconciler.repository.problems import Problem
from reconciler.repository.tag_characters import ALLOWED_WORDS, first_bad_character

OU_NAME_MAX = 128


@dataclass
class RepositoryFiles:
    organization: Parsed | None
    accounts: list[Parsed] = field(default_factory=list)
    policies: list[Parsed] = field(default_factory=list)

    @property
    def org(self) -> dict[str, Any]:
        return self.organization.data if self.organization else {}

    def valid_accounts(self) -> Iterator[Parsed]:
        return (a for a in self.accounts if a.read)

    def account_names(self) -> set[str]:
        """Every account file's name, valid or not, so one bad file does not cascade."""
        return {a.stem for a in self.accounts}


def ou_entries(org: dict[str, Any]) -> list[tuple[int, str, dict[str, str]]]:
    """(index, path, tags) of every OU entry, short or long form."""
    result = []
    for index, entry in enumerate(org.get("organizational_units", [])):
        path, tags = (entry, {}) if isinstance(entry, str) else (entry["path"], entry.get("tags", {}))
        result.append((index, path, tags))
    return result


def check_rules(files: RepositoryFiles) -> list[Problem]:
    problems: list[Problem] = []
    if files.organization is not None:
        problems += _check_ous(files.organization)
    problems += _check_accounts(files)
    problems += _check_lifecycle(files)
    problems += check_policies(
        files.organization, files.policies, files.valid_accounts(), files.account_names()
    )
    if files.organization is not None:
        broken = {p.path for p in problems}
        clean = [p for p in files.policies if p.read and p.path not in broken]
        problems += check_effective(files.organization.data, clean, files.valid_accounts())
    problems += check_baselines(files.organization, files.valid_accounts())
    problems += check_in_account(files.organization, files.valid_accounts())
    return problems


def _check_ous(org: Parsed) -> list[Problem]:
    problems: list[Problem] = []
    max_depth = org.data.get("quotas", {}).get("ou_max_depth", model.Quotas.ou_max_depth)
    seen: set[str] = set()
    for index, path, _ in ou_entries(org.data):
        at = (
            ("organizational_units", index)
            if isinstance(org.data["organizational_units"][index], str)
            else ("organizational_units", index, "path")
        )
        names = path.split("/")
        parent = "/".join(names[:-1])
        if path in seen:
            problems.append(
                org.problem(
                    "E213", f"the OU {show(path)} is listed twice; OU names are unique among siblings", *at
                )
            )
        elif any(len(n) > OU_NAME_MAX or n != n.strip() for n in names) or path == model.ROOT:
            problems.append(
                org.problem(
                    "E214",
                    f"the OU path {show(path)} has an invalid name: each name is "
                    f"1-{OU_NAME_MAX} characters without leading or trailing spaces, "
                    "and a top-level OU may not be called 'root'",
                    *at,
                )
            )
        elif parent and parent not in seen:
            problems.append(
                org.problem(
                    "E211",
                    f"the parent {show(parent)} of OU {show(path)} is not listed "
                    "before it; list every OU on the path, parents first",
                    *at,
                )
            )
        if len(names) > max_depth:
            problems.append(
                org.problem(
                    "E212",
                    f"the OU {show(path)} is {len(names)} levels deep; the limit "
                    f"(quotas.ou_max_depth) is {max_depth}",
                    *at,
                )
            )
        seen.add(path)
    for index, _, tags in ou_entries(org.data):
        problems += tag_character_problems(org, tags, ("organizational_units", index, "tags"))
    return problems


def tag_character_problems(parsed: Parsed, tags: dict[str, str], at: tuple[str | int, ...]) -> list[Problem]:
    """E265: tag keys and values outside AWS's pattern, which AWS refuses mid-apply."""
    problems: list[Problem] = []
    for key, value in tags.items():
        for what, text, as_key in (("key", key, True), ("value", value, False)):
            bad = first_bad_character(text)
            if bad is not None:
                problems.append(parsed.problem("E265", _bad_tag_text(what, text, bad), *at, key, key=as_key))
    return problems


def _bad_tag_text(what: str, text: str, bad: str) -> str:
    return (
        f"the tag {what} {show(text)} holds {show(bad)}, which AWS does not allow in tags; "
        f"tag keys and values may hold only {ALLOWED_WORDS}"
    )


def _check_accounts(files: RepositoryFiles) -> list[Problem]:
    org = files.org
    ous = {path for _, path, _ in ou_entries(org)}
    allow_close = org.get("guardrails", {}).get("allow_account_close", False)
    management = org.get("management_account_id")
    problems: list[Problem] = []
    seen: dict[tuple[str, str], str] = {}
    for account in files.valid_accounts():
        data = account.data
        problems += _account_file_rules(account)
        for label, key in (("name", "account_name"), ("email", "email"), ("account id", "account_id")):
            if key not in data:
                continue
            value = data[key].lower() if key == "email" else data[key]
            if (key, value) in seen:
                problems.append(
                    account.problem(
                        "E202" if key == "account_name" else "E203" if key == "email" else "E204",
                        f"the {label} {show(data[key])} is already used "
                        f"by {seen[(key, value)]}; every account needs its own",
                        key,
                    )
                )
            seen.setdefault((key, value), account.path)
        if files.organization is not None and data["ou"] != model.ROOT and data["ou"] not in ous:
            problems.append(
                account.problem(
                    "E221",
                    f"the OU {show(data['ou'])} is not declared in "
                    "organization.yaml; add it there or use an existing OU path",
                    "ou",
                )
            )
        if data["lifecycle_state"] == "closed" and files.organization is not None and not allow_close:
            problems.append(
                account.problem(
                    "E263",
                    "lifecycle_state is closed but organization.yaml "
                    "guardrails.allow_account_close is not true; set it to close "
                    "the account, or keep the account in another state",
                    "lifecycle_state",
                )
            )
        if management and data.get("account_id") == management and data["lifecycle_state"] != "active":
            problems.append(
                account.problem(
                    "E264",
                    "this is the management account: it is never "
                    "suspended or closed; set lifecycle_state: active",
                    "lifecycle_state",
                )
            )
    return problems


def _account_file_rules(account: Parsed) -> list[Problem]:
    data = account.data
    problems = file_name_rule(account, "account_name", "account")
    extra = data.get("tags", {})
    problems += tag_character_problems(account, extra, ("tags",))
    bad = first_bad_character(str(data.get("owner_team", "")))
    if bad is not None:
        problems.append(
            account.problem(
                "E265",
                "owner_team becomes a tag: " + _bad_tag_text("value", data["owner_team"], bad),
                "owner_team",
            )
        )
    for key in extra:
        if key in model.RESERVED_TAG_KEYS:
            problems.append(
                account.problem(
                    "E261",
                    f"the tag key {show(key)} is reserved for the "
                    "reconciler's metadata tags; set the matching field instead or "
                    "use another key",
                    "tags",
                    key,
                    key=True,
                )
            )
    total = len(full_tags(data))
    if total > model.MAX_ACCOUNT_TAGS:
        problems.append(
            account.problem(
                "E262",
                f"the account would carry {total} tags, counting the "
                f"reconciler's metadata tags; AWS allows {model.MAX_ACCOUNT_TAGS}: "
                "remove some extra tags",
                "tags",
                key=True,
            )
        )
    return problems


class AccountMetadata(TypedDict):
    """An account file's metadata fields, defaults applied: keywords of both `model.Account` and
    `model.account_tags`, so the model and the tag count read them the same way."""

    environment: str | None
    workload_type: str | None
    owner_team: str | None
    cost_center: str | None
    compliance_scope: tuple[str, ...]
    automation_level: str
    lifecycle_state: str


def account_metadata(data: dict[str, Any]) -> AccountMetadata:
    return AccountMetadata(
        environment=data.get("environment"),
        workload_type=data.get("workload_type"),
        owner_team=data.get("owner_team"),
        cost_center=data.get("cost_center"),
        compliance_scope=tuple(data.get("compliance_scope", ())),
        automation_level=data.get("automation_level", "full"),
        lifecycle_state=data.get("lifecycle_state", "active"),
    )


def full_tags(data: dict[str, Any]) -> dict[str, str]:
    return model.account_tags(**account_metadata(data), extra_tags=data.get("tags", {}))


def lease_expiry(value: object) -> date | None:
    """`lease.expires` as a date: YAML reads `2027-01-31` as one; quoted text in that form also
    counts. None for anything else (E291)."""
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()) if len(value.strip()) == 10 else None
        except ValueError:
            return None
    return None


def lease_of(value: Any) -> model.Lease | None:
    if not isinstance(value, dict):
        return None
    return model.Lease(expires=lease_expiry(value.get("expires")), days=value.get("days"))


def lifecycle_settings(data: dict[str, Any]) -> model.LifecycleSettings:
    values = dict(data)
    values["auto_merge"] = frozenset(values.get("auto_merge", ()))
    for key in ("inactive_below_usd", "flag_below_monthly_usd"):
        if values.get(key) is not None:
            values[key] = float(values[key])
    return model.LifecycleSettings(**values)


def _check_lifecycle(files: RepositoryFiles) -> list[Problem]:
    """E291-E295: leases, protection and the lifecycle block (docs/lifecycle.md)."""
    problems: list[Problem] = []
    for account in files.valid_accounts():
        data = account.data
        lease = data.get("lease")
        if isinstance(lease, dict) and "expires" in lease and lease_expiry(lease["expires"]) is None:
            problems.append(account.problem(
                "E291", f"lease.expires {show(str(lease['expires']))} is not a date: write the lease's "
                "last day as YYYY-MM-DD, e.g. 2027-01-31", "lease", "expires"))
        if data.get("protected") is True and data["lifecycle_state"] in ("retiring", "closed"):
            problems.append(account.problem(
                "E294", "the account is protected: true, so it is never retired or closed; set "
                "lifecycle_state: active, or remove protected (in its own reviewed change) first",
                "lifecycle_state"))
    org = files.organization
    if org is None:
        return problems
    settings = org.data.get("lifecycle", {})
    quarantine = settings.get("quarantine_ou")
    if quarantine is not None and quarantine not in {p for _, p, _ in ou_entries(org.data)}:
        problems.append(org.problem(
            "E292", f"lifecycle.quarantine_ou {show(quarantine)} is not declared in "
            "organizational_units; add it there or name an OU that is", "lifecycle", "quarantine_ou"))
    if settings.get("quarantine_scp") and quarantine is None:
        problems.append(org.problem(
            "E293", "lifecycle.quarantine_scp needs lifecycle.quarantine_ou: name the OU the deny-all "
            "SCP is attached to", "lifecycle", "quarantine_scp"))
    elif settings.get("quarantine_scp") and model.SCP not in org.data.get("policy_types", []):
        problems.append(org.problem(
            "E295", "lifecycle.quarantine_scp needs SERVICE_CONTROL_POLICY in policy_types: add it there",
            "lifecycle", "quarantine_scp"))
    return problems
