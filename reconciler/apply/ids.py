"""Names to AWS ids, for apply: from the live snapshot, from the plan, and from what apply itself
creates as it goes (a new OU's id is needed by the next OU and by every attachment to it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from reconciler.errors import AwsError
from reconciler.model import ROOT, Organization
from reconciler.plan.changes import Plan


@dataclass
class Ids:
    root: str
    ous: dict[str, str] = field(default_factory=dict)  # path -> ou id
    policies: dict[str, str] = field(default_factory=dict)  # name -> policy id
    accounts: dict[str, str] = field(default_factory=dict)  # name (either side's) -> account id

    @classmethod
    def of(cls, live: Organization, plan: Plan) -> Ids:
        if not live.root_id:
            raise AwsError("the live snapshot has no root id; read it from AWS before applying")
        ids = cls(root=live.root_id)
        ids.ous = {ou.path: ou.ou_id for ou in live.ous if ou.ou_id}
        ids.policies = {p.name: p.policy_id for p in live.policies if p.policy_id}
        ids.accounts = {a.name: a.account_id for a in live.accounts if a.account_id}
        # A renamed account is named by its new name in the plan's attachments.
        for change in plan.changes:
            for side in (change.before, change.after):
                if change.kind == "account" and side and side.get("account_id"):
                    ids.accounts.setdefault(str(side["name"]), str(side["account_id"]))
        return ids

    def parent(self, path: str) -> str:
        if path == ROOT:
            return self.root
        return self._get(self.ous, path, "OU")

    def policy(self, name: str) -> str:
        return self._get(self.policies, name, "policy")

    def account(self, name: str) -> str:
        return self._get(self.accounts, name, "account")

    def target(self, key: str) -> str:
        """`root`, `ou:<path>` or `account:<name>` -> the id AWS knows it by."""
        if key == ROOT:
            return self.root
        kind, _, name = key.partition(":")
        return self.parent(name) if kind == "ou" else self.account(name)

    @staticmethod
    def _get(table: dict[str, str], key: str, what: str) -> str:
        if key not in table:
            raise AwsError(f"the {what} {key!r} is not in AWS and was not created by this apply; "
                           "make a new plan and apply it")
        return table[key]
