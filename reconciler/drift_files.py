"""The repository edits drift pull requests make: an account file brought to the live state (and,
for a rename, moved to its new name with every policy target that names it), or the files that
import an unmanaged account or policy.

People own these files, so edits go through ruamel's round-trip mode: comments, key order and
quoting survive; only the changed values differ in the pull request's diff.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from reconciler.drift import Drift
from reconciler.drift_pr import account_updates
from reconciler.errors import RepositoryError
from reconciler.model import Organization, metadata_from_tags
from reconciler.writeback import _mapping

Files = dict[str, str | None]


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
    _mapping(text, path)  # the same checks (and messages) as the id write-back
    try:
        return _yaml().load(text)
    except YAMLError as exc:  # pragma: no cover - _mapping has already parsed it
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




_REQUIRED_META = ("environment", "workload_type", "owner_team", "cost_center")


def import_account(live: Mapping[str, Any]) -> str:
    """An account file for a live account, its metadata read back from its tags. A required field
    AWS has no tag for is left empty with a note: a person fills it in before merging, and the
    pull request's validation says so until then."""
    meta: dict[str, Any] = metadata_from_tags(live.get("tags") or {})
    data = CommentedMap()
    data["account_id"] = str(live.get("account_id") or "")
    data["account_name"], data["email"], data["ou"] = live.get("name"), live.get("email"), live.get("ou")
    for key in _REQUIRED_META:
        data[key] = meta.get(key)
        if meta.get(key) is None:
            data.yaml_add_eol_comment("not tagged in AWS: fill in before merging", key)
    data["compliance_scope"] = list(meta.get("compliance_scope") or ())
    data["automation_level"] = meta.get("automation_level") or "manual"  # a person opts in to more
    data["created_by"] = "reconciler-import"
    data["lifecycle_state"] = meta.get("lifecycle_state") or "active"
    data["tags"] = dict(meta.get("extra_tags") or {})
    return "# yaml-language-server: $schema=../reconciler/schemas/account.json\n" + _dump(data)


def import_policy(live: Mapping[str, Any], targets: list[str]) -> str:
    data = CommentedMap()
    for key in ("name", "type", "description"):
        data[key] = live.get(key)
    data["targets"] = sorted(targets)
    data["document"] = live.get("document")
    return "# yaml-language-server: $schema=../reconciler/schemas/policy.json\n" + _dump(data)


def import_files_for(drift: Drift, drifts: Sequence[Drift]) -> Files:
    item = drift.unmanaged
    if item is None:
        raise RepositoryError(f"{drift.address}: nothing to import")
    name = drift.address.split(".", 1)[1]
    if item.kind == "account":
        return {f"accounts/{name}.yaml": import_account(item.live)}
    targets = [str(d.unmanaged.live["target"]) for d in drifts if d.unmanaged is not None
               and d.unmanaged.kind == "attachment" and d.unmanaged.live.get("policy") == name]
    return {f"policies/{name}.yaml": import_policy(item.live, targets)}
