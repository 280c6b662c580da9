"""The repository edits drift pull requests make: an account file brought to the live state (and,
for a rename, moved to its new name with every policy target that names it), or the files that
import an unmanaged account or policy (written by the importer, as `reconciler import` would).

People own these files, so edits go through ruamel's round-trip mode: comments, key order and
quoting survive; only the changed values differ in the pull request's diff.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from reconciler.apply.writeback import block_mapping
from reconciler.drift.detect import Drift
from reconciler.drift.pull_request_text import account_updates
from reconciler.drift.remediate import Files
from reconciler.errors import RepositoryError
from reconciler.model import Account, Organization, Policy, metadata_from_tags
from reconciler.repository.importer import account_text, normalise, policy_text


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap a long line a person wrote
    return yaml


def _dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def _load(root: Path, path: str) -> Any:
    try:
        text = (root / path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RepositoryError(f"{path}: cannot read it to prepare a drift pull request: {exc}") from exc
    block_mapping(text, path)  # the same checks (and messages) as the id write-back
    try:
        return _yaml().load(text)
    except YAMLError as exc:  # pragma: no cover - block_mapping has already parsed it
        raise RepositoryError(f"{path}: {exc}") from exc


def account_files(drift: Drift, desired: Organization, root: Path) -> Files:
    """The account file (and, on a rename, the policy files naming it) as AWS now has it."""
    account = desired.account(drift.account or "")
    if account is None or account.source is None:
        raise RepositoryError(f"{drift.address}: no account file in the repository to update")
    path = account.source.path
    data = _load(root, path)
    updates = account_updates(drift)
    for key, value in updates.items():
        data[key] = value
    new_name = updates.get("account_name")
    if not isinstance(new_name, str):
        return {path: _dump(data)}
    new_path = str(Path(path).with_name(f"{new_name}.yaml"))
    files: Files = {path: None, new_path: _dump(data)}
    files.update(_retarget(desired, root, f"account:{account.name}", f"account:{new_name}"))
    return files


def lifecycle_files(desired: Organization, root: Path, name: str, state: str) -> Files:
    """The account file with `lifecycle_state` set: a lifecycle transition's pull request."""
    account = desired.account(name)
    if account is None or account.source is None:
        raise RepositoryError(f"account.{name}: no account file in the repository to update")
    data = _load(root, account.source.path)
    data["lifecycle_state"] = state
    return {account.source.path: _dump(data)}


def _retarget(desired: Organization, root: Path, old: str, new: str) -> Files:
    files: Files = {}
    for policy in desired.policies:
        if old not in policy.targets or policy.source is None:
            continue
        data = _load(root, policy.source.path)
        targets = data.get("targets") or []
        for index, target in enumerate(targets):
            if target == old:
                targets[index] = new
        files[policy.source.path] = _dump(data)
    return files


def import_account(live: Mapping[str, Any], name: str) -> str:
    """The importer's account file for a live account: metadata read back from its tags, and a
    cautious default, marked for review, where AWS has no usable tag (automation_level manual)."""
    tags = dict(live.get("tags") or {})
    meta: dict[str, Any] = metadata_from_tags(tags)
    account = Account(name=str(live.get("name")), email=str(live.get("email")), ou=str(live.get("ou")),
                      account_id=live.get("account_id"), tags=tags, **meta)
    return account_text(account, name)[0]


def import_policy(live: Mapping[str, Any], name: str, targets: list[str]) -> str:
    policy = Policy(name=str(live.get("name")), type=str(live.get("type")),
                    description=str(live.get("description") or ""), document=live.get("document"),
                    targets=frozenset(targets))
    return policy_text(policy, name, {})


def import_files_for(drift: Drift, drifts: Sequence[Drift]) -> Files:
    item = drift.unmanaged
    if item is None:
        raise RepositoryError(f"{drift.address}: nothing to import")
    live_name = drift.address.split(".", 1)[1]
    name = normalise(live_name, f"{item.kind}-{drift.fingerprint[:8]}")  # as `reconciler import` names it
    if item.kind == "account":
        return {f"accounts/{name}.yaml": import_account(item.live, name)}
    targets = [str(d.unmanaged.live["target"]) for d in drifts if d.unmanaged is not None
               and d.unmanaged.kind == "attachment" and d.unmanaged.live.get("policy") == live_name]
    return {f"policies/{name}.yaml": import_policy(item.live, name, targets)}
