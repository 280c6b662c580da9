"""Plain values that passed every check -> the frozen model (reconciler.model)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from yaml.nodes import MappingNode

from reconciler import model
from reconciler.clock import parse_duration
from reconciler.repository.baselines import build_baselines
from reconciler.repository.in_account import build_in_account
from reconciler.repository.parse import Parsed, locate
from reconciler.repository.policy_rules import policy_type
from reconciler.repository.rules import (
    RepositoryFiles,
    account_metadata,
    full_tags,
    lease_of,
    lifecycle_settings,
    ou_entries,
)

# Model field names that differ from the YAML keys; field_sources holds both spellings.
_ALIASES = {"account_name": "name", "tags": "extra_tags"}


def build_organization(files: RepositoryFiles) -> model.Organization:
    assert files.organization is not None
    org = files.organization.data
    ous = [
        model.OrganizationalUnit(
            path=path, tags=tags, source=_source(files.organization, ("organizational_units", i))
        )
        for i, path, tags in ou_entries(org)
    ]
    baselines, identity_names = build_baselines(files.organization, files.accounts)
    in_account, in_account_settings = build_in_account(files.organization, files.accounts)
    return model.Organization(
        management_account_id=org["management_account_id"],
        policy_types=frozenset(org.get("policy_types", [])),
        ous=tuple(sorted(ous, key=lambda o: (o.depth, o.path))),
        accounts=tuple(sorted((_account(a) for a in files.accounts), key=lambda a: a.name)),
        policies=tuple(sorted((_policy(p) for p in files.policies), key=lambda p: p.name)),
        reconcile=model.ReconcileSettings(**org.get("reconcile", {})),
        guardrails=model.Guardrails(**org.get("guardrails", {})),
        quotas=model.Quotas(**org.get("quotas", {})),
        lifecycle=lifecycle_settings(org.get("lifecycle", {})),
        audit_uri=org.get("audit", {}).get("uri"),
        baselines=baselines,
        identity_names=identity_names,
        in_account=in_account,
        in_account_settings=in_account_settings,
        source=model.Source(files.organization.path),
    )


def _source(parsed: Parsed, keypath: tuple[str | int, ...]) -> model.Source:
    line, column = locate(parsed.node, keypath)
    return model.Source(parsed.path, line, column)


class _FieldSources(Mapping[str, model.Source]):
    """Where each top-level field of a file is (its line and column), worked out when first asked:
    a plan of 10,000 accounts asks for none of them unless something is wrong."""

    def __init__(self, parsed: Parsed) -> None:
        self._parsed = parsed
        self._found: dict[str, model.Source] | None = None

    def _sources(self) -> dict[str, model.Source]:
        if self._found is None:
            assert isinstance(self._parsed.node, MappingNode)
            path = self._parsed.path
            found = {
                key.value: model.Source(path, value.start_mark.line + 1, value.start_mark.column + 1)
                for key, value in self._parsed.node.value
            }
            found.update({_ALIASES[k]: s for k, s in found.items() if k in _ALIASES})
            self._found = found
        return self._found

    def __getitem__(self, key: str) -> model.Source:
        return self._sources()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources())

    def __len__(self) -> int:
        return len(self._sources())


def _account(parsed: Parsed) -> model.Account:
    data: dict[str, Any] = parsed.data
    return model.Account(
        name=data["account_name"],
        email=data["email"],
        ou=data["ou"],
        account_id=data.get("account_id"),
        created_by=data.get("created_by"),
        **account_metadata(data),
        extra_tags=dict(data.get("tags", {})),
        tags=full_tags(data),
        source=model.Source(parsed.path),
        field_sources=_FieldSources(parsed),
        lease=lease_of(data.get("lease")),
        protected=bool(data.get("protected", False)),
    )


def _policy(parsed: Parsed) -> model.Policy:
    data: dict[str, Any] = parsed.data
    return model.Policy(
        name=data["name"],
        type=policy_type(data),
        description=data.get("description", ""),
        document=data.get("document"),
        targets=frozenset(data.get("targets", [])),
        aws_managed=data.get("aws_managed", False),
        source=model.Source(parsed.path),
        field_sources=_FieldSources(parsed),
        rollout=_rollout(data.get("rollout")),
    )


def _rollout(data: dict[str, Any] | None) -> model.Rollout | None:
    if data is None:
        return None
    steps = tuple(
        model.RolloutStep(
            targets=tuple(step["targets"]) if isinstance(step.get("targets"), list) else None,
            accounts_percent=step.get("accounts_percent"),
            bake_seconds=int(parse_duration(step.get("bake", "0m")).total_seconds()),
            bake=step.get("bake", ""),
        )
        for step in data["steps"]
    )
    rollback = data.get("rollback", {})
    alarms = tuple(rollback.get("cloudwatch_alarms", ()))
    return model.Rollout(steps, alarms, rollback.get("max_denied_calls"))
