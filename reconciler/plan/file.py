"""The plan as JSON (format_version 1): written by `plan --out FILE`, read by `apply --plan FILE`.

Reading is strict: a plan file drives changes to a live organization, so anything unexpected in
it is refused with a message saying what is wrong, rather than guessed at.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast, get_args

from reconciler.errors import ReconcilerError, StalePlanError, show_path
from reconciler.plan.changes import FORMAT_VERSION, Action, Change, Kind, Plan, Unmanaged

ACTIONS: tuple[str, ...] = get_args(Action)
KINDS: tuple[str, ...] = get_args(Kind)


class PlanFileError(ReconcilerError):
    """A plan file that cannot be read, or was written by an incompatible version."""


def plan_to_json(plan: Plan) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "changes": [_change(c) for c in plan.changes],
        "unmanaged": [{"address": u.address, "kind": u.kind, "live": dict(u.live)} for u in plan.unmanaged],
        "notes": list(plan.notes),
        "effective": list(plan.effective),
        "summary": plan.summary(),
        "fingerprint": {"repository": plan.repository_fingerprint, "live": plan.live_fingerprint},
    }


def _change(change: Change) -> dict[str, Any]:
    out: dict[str, Any] = {"address": change.address, "kind": change.kind, "action": change.action}
    if change.changed:
        out["changed"] = list(change.changed)
    out["before"] = None if change.before is None else dict(change.before)
    out["after"] = None if change.after is None else dict(change.after)
    if change.reach is not None:
        out["reach"] = change.reach
    return out


def write_plan_file(plan: Plan, path: Path) -> None:
    try:
        path.write_text(json.dumps(plan_to_json(plan), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise PlanFileError(
            f"cannot write the plan to {show_path(path)} ({exc.strerror}): pass --out a file in an "
            "existing directory you can write to"
        ) from exc


def read_plan_file(path: Path) -> Plan:
    name = show_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise PlanFileError(
            f"cannot read the plan {name} ({why}): pass the file `reconciler plan --out FILE` wrote"
        ) from exc
    return plan_from_text(text, name=name)


def check_saved(saved: Plan, fresh: Plan, name: str) -> None:
    """Refuse a saved plan that is not the plan for this repository and this live state now: one
    made before AWS changed, one made from another repository or commit, or one edited by hand.
    A plan file is what a person approved; executing anything else would bypass that review."""
    redo = ("nothing was done. Make a new plan (`reconciler plan --out FILE`), review it, and apply "
            "that one")
    if saved.live_fingerprint != fresh.live_fingerprint:
        raise StalePlanError(
            f"the live organization changed since {name} was made, so that plan may no longer be "
            f"right; {redo}"
        )
    if saved.repository_fingerprint != fresh.repository_fingerprint:
        raise PlanFileError(f"{name} was made from a different repository or commit than --repo; {redo}")
    if _comparable(saved) != _comparable(fresh):
        raise PlanFileError(
            f"{name} holds changes that this repository and AWS do not call for (was it edited?); {redo}"
        )


def _comparable(plan: Plan) -> str:
    return json.dumps([_change(c) for c in plan.changes], sort_keys=True, default=str)


def plan_from_text(text: str, *, name: str = "the plan file") -> Plan:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise PlanFileError(
            f"{name} is not JSON ({exc}): write it with `reconciler plan --out FILE`"
        ) from exc
    return plan_from_json(data, name=name)


def plan_from_json(data: object, *, name: str = "the plan file") -> Plan:
    if not isinstance(data, dict):
        raise PlanFileError(f"{name} is not a plan: expected a JSON object")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise PlanFileError(
            f"{name} has format_version {version!r}; this reconciler reads version {FORMAT_VERSION}: "
            "make the plan again with this version"
        )
    fingerprints = _field(data, "fingerprint", dict, name)
    return Plan(
        changes=tuple(_read_change(c, i, name) for i, c in enumerate(_field(data, "changes", list, name))),
        unmanaged=tuple(_read_unmanaged(u, name) for u in data.get("unmanaged", [])),
        notes=tuple(str(n) for n in data.get("notes", [])),
        effective=tuple(str(n) for n in data.get("effective", [])),
        repository_fingerprint=str(fingerprints.get("repository", "")),
        live_fingerprint=str(fingerprints.get("live", "")),
    )


def _field(data: Mapping[str, Any], key: str, kind: type, name: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind):
        raise PlanFileError(f"{name}: {key!r} is missing or not a {kind.__name__}")
    return value


def _read_change(data: object, index: int, name: str) -> Change:
    where = f"{name}: changes[{index}]"
    if not isinstance(data, dict):
        raise PlanFileError(f"{where} is not an object")
    address, action = data.get("address"), data.get("action")
    kind = data.get("kind", str(address).split(".", 1)[0])
    if not isinstance(address, str) or action not in ACTIONS or kind not in KINDS:
        raise PlanFileError(f"{where} needs an address, an action ({', '.join(ACTIONS)}) and a kind")
    for side in ("before", "after"):
        if data.get(side) is not None and not isinstance(data[side], dict):
            raise PlanFileError(f"{where}.{side} must be an object or null")
    reach = data.get("reach")
    return Change(
        address=address,
        kind=cast(Kind, kind),
        action=cast(Action, action),
        before=data.get("before"),
        after=data.get("after"),
        changed=tuple(str(c) for c in data.get("changed", [])),
        reach=reach if isinstance(reach, int) else None,
    )


def _read_unmanaged(entry: object, name: str) -> Unmanaged:
    data = entry if isinstance(entry, dict) else {}
    if not isinstance(data.get("address"), str) or data.get("kind") not in KINDS:
        raise PlanFileError(f"{name}: an unmanaged entry needs an address and a kind")
    return Unmanaged(data["address"], cast(Kind, data["kind"]), dict(data.get("live") or {}))
