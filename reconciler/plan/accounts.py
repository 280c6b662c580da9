"""Pairing the repository's accounts with the live ones, and the account changes that follow.

Matching is by `account_id` when the repository knows it, otherwise by email (case-insensitive):
an account's name can change (a rename), its id never does. Everything is indexed in dicts so a
10,000-account organization plans in linear time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.errors import GuardrailError, RepositoryError
from reconciler.model import CLOSED_STATES, Account, Organization
from reconciler.plan.changes import Change

CLOSED = "closed"
UNMANAGED_ACCOUNT = "unmanaged-account:"  # internal target key for a live account not in the repo


@dataclass
class AccountMatching:
    pairs: list[tuple[Account, Account]] = field(default_factory=list)  # (desired, live)
    to_create: list[Account] = field(default_factory=list)
    unmatched_live: list[Account] = field(default_factory=list)
    # live account name -> target key in the repository's terms ("account:<desired name>")
    live_target: dict[str, str] = field(default_factory=dict)
    # desired names whose attachments the plan leaves alone (closed, or not found in AWS)
    inert: set[str] = field(default_factory=set)
    management_name: str | None = None  # the repository's name for it, when it has a file
    management_key: str | None = None  # its target key, with or without a file
    notes: list[str] = field(default_factory=list)


def account_dict(account: Account) -> dict[str, Any]:
    return {
        "name": account.name,
        "email": account.email,
        "ou": account.ou,
        "account_id": account.account_id,
        "tags": dict(sorted(account.tags.items())),
    }


def match_accounts(desired: Organization, live: Organization) -> AccountMatching:
    by_id = {a.account_id: a for a in live.accounts if a.account_id}
    by_email = {a.email.lower(): a for a in live.accounts}
    result = AccountMatching()
    claimed: dict[str, str] = {}  # live account id -> desired name that claimed it
    for account in desired.accounts:
        found = _find(account, by_id, by_email, result)
        if found is None:
            continue
        key = found.account_id or found.email.lower()
        if key in claimed:
            raise RepositoryError(
                f"accounts {claimed[key]!r} and {account.name!r} both match the live account "
                f"{found.name!r} ({key}); each account file must describe a different account"
            )
        claimed[key] = account.name
        result.pairs.append((account, found))
        result.live_target[found.name] = f"account:{account.name}"
        if found.account_id == live.management_account_id:
            result.management_name = account.name
            result.management_key = f"account:{account.name}"
    matched = set(claimed)
    for account in live.accounts:
        if (account.account_id or account.email.lower()) not in matched:
            result.unmatched_live.append(account)
            result.live_target.setdefault(account.name, UNMANAGED_ACCOUNT + account.name)
            if account.account_id == live.management_account_id:
                result.management_key = UNMANAGED_ACCOUNT + account.name
    return result


def _find(
    account: Account, by_id: Mapping[str, Account], by_email: Mapping[str, Account], result: AccountMatching
) -> Account | None:
    if account.lifecycle_state == CLOSED:
        result.inert.add(account.name)
    if account.account_id:
        found = by_id.get(account.account_id)
        if found is None and account.lifecycle_state != CLOSED:
            result.inert.add(account.name)
            result.notes.append(
                f"account {account.name!r} has account_id {account.account_id}, which is not in this "
                "organization (it was closed, or belongs to another organization). Nothing is done "
                "for it: remove account_id to create a new account, or remove the file."
            )
        return found
    found = by_email.get(account.email.lower())
    if found is None and account.lifecycle_state != CLOSED:
        result.to_create.append(account)
    return found


def account_changes(
    matching: AccountMatching, desired: Organization
) -> tuple[list[Change], list[Change], list[str]]:
    """(updates, closes, notes) for the matched accounts, in name order."""
    updates: list[Change] = []
    closes: list[Change] = []
    notes: list[str] = []
    for want, have in sorted(matching.pairs, key=lambda pair: pair[0].name):
        is_management = want.name == matching.management_name
        if have.status in CLOSED_STATES:
            if want.lifecycle_state != CLOSED:
                notes.append(
                    f"account {want.name!r} is {have.status} in AWS but {want.lifecycle_state} in the "
                    "repository; a closed account can only be reopened through AWS Support"
                )
            continue
        if want.lifecycle_state == CLOSED:
            closes.append(_close(want, have, desired, is_management))
            continue
        if have.account_id and want.email.lower() != have.email.lower():
            notes.append(_root_email_note(want, have))
        update = _update(want, have, is_management)
        if update is not None:
            updates.append(update)
    return updates, closes, notes


def _close(want: Account, have: Account, desired: Organization, is_management: bool) -> Change:
    if is_management:
        raise GuardrailError(
            f"account {want.name!r} is the management account, which is never closed: "
            "set its lifecycle_state back to active"
        )
    if want.protected:
        raise GuardrailError(
            f"account {want.name!r} is protected: true, which is never closed: set its "
            "lifecycle_state back to active, or remove protected in a reviewed change first"
        )
    if not desired.guardrails.allow_account_close:
        raise GuardrailError(
            f"account {want.name!r} has lifecycle_state: closed, but closing accounts is not allowed: "
            "set guardrails.allow_account_close: true in organization.yaml to close it"
        )
    return Change(f"account.{want.name}", "account", "delete", before=account_dict(have))


def _update(want: Account, have: Account, is_management: bool) -> Change | None:
    changed = [
        name
        for name, differs in (
            ("name", want.name != have.name),
            ("ou", want.ou != have.ou),
            ("tags", dict(want.tags) != dict(have.tags)),
        )
        if differs
    ]
    if not changed:
        return None
    if is_management and "ou" in changed:
        raise GuardrailError(
            f"account {want.name!r} is the management account, which the reconciler never moves: "
            f"set its ou back to {have.ou!r}"
        )
    after = account_dict(want) | {"email": have.email, "account_id": have.account_id}
    return Change(
        f"account.{want.name}", "account", "update",
        before=account_dict(have), after=after, changed=tuple(changed),
    )


def _root_email_note(want: Account, have: Account) -> str:
    return (
        f"account {want.name!r}: the repository's email {want.email!r} differs from the root email in "
        f"AWS {have.email!r}. The Organizations API cannot change a root email: sign in as the "
        "account's root user (or ask AWS Support) to change it, then the repository and AWS agree."
    )


def create_changes(matching: AccountMatching) -> list[Change]:
    return [
        Change(f"account.{a.name}", "account", "create", after=account_dict(a) | {"account_id": None})
        for a in sorted(matching.to_create, key=lambda a: a.name)
    ]
