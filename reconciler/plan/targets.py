"""Policy targets in one vocabulary, and how many accounts each reaches.

Live attachments name accounts by their live name, the repository by its own; a rename must not
look like a detach plus an attach, so live targets are translated through the account matching.
A live account that is not in the repository gets a key of its own, so it can never be confused
with a repository account that happens to share its name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reconciler.model import ROOT, Organization
from reconciler.plan.accounts import CLOSED, UNMANAGED_ACCOUNT, AccountMatching

ACCOUNT = "account:"
OU = "ou:"


@dataclass(frozen=True)
class TargetSpace:
    live_target: dict[str, str]
    inert: frozenset[str]
    management_key: str | None

    @classmethod
    def of(cls, matching: AccountMatching) -> TargetSpace:
        return cls(dict(matching.live_target), frozenset(matching.inert), matching.management_key)

    def from_live(self, target: str) -> str:
        if target.startswith(ACCOUNT):
            name = target[len(ACCOUNT):]
            return self.live_target.get(name, UNMANAGED_ACCOUNT + name)
        return target

    def is_inert(self, key: str) -> bool:
        """A closed account, or one the repository names by an id AWS does not know."""
        return key.startswith(ACCOUNT) and key[len(ACCOUNT):] in self.inert

    def is_management(self, key: str) -> bool:
        return key == self.management_key


def display(key: str) -> str:
    """The target as an address shows it: `account:<name>` whatever side the account is on."""
    if key.startswith(UNMANAGED_ACCOUNT):
        return ACCOUNT + key[len(UNMANAGED_ACCOUNT):]
    return key


class Reach:
    """Accounts reached through inheritance, counted on the desired organization."""

    def __init__(self, desired: Organization) -> None:
        self.total = 0
        self.subtree: dict[str, int] = {}
        self.ou_of: dict[str, str] = {}
        for account in desired.accounts:
            if account.lifecycle_state == CLOSED:
                continue
            self.total += 1
            self.ou_of[ACCOUNT + account.name] = account.ou
            path = account.ou
            while path != ROOT:
                self.subtree[path] = self.subtree.get(path, 0) + 1
                path = path.rsplit("/", 1)[0] if "/" in path else ROOT

    def of(self, key: str) -> int:
        if key == ROOT:
            return self.total
        if key.startswith(OU):
            return self.subtree.get(key[len(OU):], 0)
        return 1

    def of_all(self, keys: Iterable[str]) -> int:
        """Distinct accounts under any of the targets: nested targets are counted once."""
        keys = set(keys)
        if ROOT in keys:
            return self.total
        ous = {k[len(OU):] for k in keys if k.startswith(OU)}
        tops = {p for p in ous if not any(a in ous for a in _ancestors(p))}
        count = sum(self.subtree.get(p, 0) for p in tops)
        return count + sum(1 for k in keys if not k.startswith(OU) and not self._covered(k, tops))

    def _covered(self, key: str, ous: set[str]) -> bool:
        path = self.ou_of.get(key)
        return path is not None and path != ROOT and any(p in ous for p in (*_ancestors(path), path))


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]
