"""EnablePolicyType and DisablePolicyType as AWS runs them: asynchronously.

botocore's model says of both "This is an asynchronous request that Amazon Web Services performs in
the background" and recommends ListRoots to see the status; PolicyTypeStatus is ENABLED,
PENDING_ENABLE or PENDING_DISABLE. A type enabled here shows PENDING_ENABLE on the root for
`policy_type_seconds`, then ENABLED (and FullAWSAccess is attached everywhere when SCPs become
enabled); a disabled one shows PENDING_DISABLE, then leaves the root's list (and every policy of
the type is detached). Only an ENABLED type takes attachments: AttachPolicy of a pending type is
PolicyTypeNotEnabledException, the stricter reading, since AWS documents no other answer. Enabling a
type already on the root's list (pending or not) is PolicyTypeAlreadyEnabledException; disabling
one that is not ENABLED is PolicyTypeNotEnabledException. Time advances lazily, as for account
creation: every Organizations request first settles what became due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orgsim import clock
from orgsim.backend import detach, root_of, sync_default_attachments
from orgsim.errors import AwsError, invalid_input
from orgsim.settings import Settings


@dataclass
class PolicyTypes:
    settings: Settings
    due: dict[str, float] = field(default_factory=dict)  # policy type -> when its change settles

    def reset(self) -> None:
        self.due.clear()

    def enable(self, backend: Any, params: dict[str, Any]) -> dict[str, Any]:
        root = _root(backend, params)
        policy_type = _type(root, params)
        if _entry(root, policy_type) is not None:
            raise AwsError("PolicyTypeAlreadyEnabledException",
                           "The specified policy type is already enabled in the specified root.")
        root.policy_types.append({"Type": policy_type, "Status": "PENDING_ENABLE"})
        return self._begin(backend, root, policy_type)

    def disable(self, backend: Any, params: dict[str, Any]) -> dict[str, Any]:
        root = _root(backend, params)
        policy_type = _type(root, params)
        entry = _entry(root, policy_type)
        if entry is None or entry["Status"] != "ENABLED":
            raise AwsError("PolicyTypeNotEnabledException",
                           "This operation can be performed only for enabled policy types.")
        entry["Status"] = "PENDING_DISABLE"
        return self._begin(backend, root, policy_type)

    def _begin(self, backend: Any, root: Any, policy_type: str) -> dict[str, Any]:
        self.due[policy_type] = clock.now() + self.settings.policy_type_seconds
        if self.settings.policy_type_seconds <= 0:  # opted out of the wait: settled at once
            self.advance(backend)
        return {"Root": dict(root.describe(), PolicyTypes=[dict(t) for t in root.policy_types])}

    def advance(self, backend: Any) -> None:
        now = clock.now()
        for policy_type, due in list(self.due.items()):
            if due <= now:
                del self.due[policy_type]
                self._settle(backend, policy_type)

    def _settle(self, backend: Any, policy_type: str) -> None:
        root = root_of(backend)
        entry = _entry(root, policy_type)
        if entry is None:
            return
        enabling = entry["Status"] == "PENDING_ENABLE"
        if enabling:
            entry["Status"] = "ENABLED"
        else:
            root.policy_types.remove(entry)
        for entity in [*backend.ou, *backend.accounts]:
            if enabling:
                sync_default_attachments(backend, entity)
                continue
            for policy in [p for p in entity.attached_policies if p.type == policy_type]:
                detach(policy, entity)


def _root(backend: Any, params: dict[str, Any]) -> Any:
    root = root_of(backend)
    if params.get("RootId") != root.id:
        raise AwsError("RootNotFoundException", "We can't find a root with the RootId that you specified.")
    return root


def _type(root: Any, params: dict[str, Any]) -> str:
    """The types moto can hold policies of (its root's list), as moto checked them before."""
    policy_type = str(params.get("PolicyType", ""))
    if policy_type not in type(root).SUPPORTED_POLICY_TYPES:
        raise invalid_input("INVALID_ENUM_POLICY_TYPE", "You specified an invalid policy type string.")
    return policy_type


def _entry(root: Any, policy_type: str) -> dict[str, str] | None:
    return next((t for t in root.policy_types if t["Type"] == policy_type), None)
