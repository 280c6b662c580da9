"""What a reviewer approved, in a form a re-run of the apply can check change by change.

Each change of the plan shown on a pull request has a key: sha256 of its address, action and
`after` (the state it leads to). The plan comment's marker carries one digest over all keys; the
first apply of a merge, once the gate has matched the plan exactly, stores the keys themselves as
an approval record on `refs/reconciler/approved/<merge commit>`. A re-run after a crash may then
go on with any plan whose every change has an approved key: the changes already made have simply
left the plan. Nothing else is ever accepted, so a re-run can only finish what was approved.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from reconciler.plan.changes import Change, Plan

REF_PREFIX = "refs/reconciler/approved/"
RECORD_PATH = "approval.json"
RECORD_VERSION = 1
_KEY = re.compile(r"^sha256:[0-9a-f]{64}$")
_SHA = re.compile(r"^[0-9a-f]{40}$")


class RecordStore(Protocol):
    """Where approval records live: a ref only jobs with `contents: write` can move (the apply
    job), never the pull request's plan job, which runs the pull request's own code."""

    def read_ref_file(self, ref: str, path: str) -> str | None: ...
    def write_ref_file(self, ref: str, path: str, text: str, message: str) -> str: ...


def _sha256(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def change_key(address: str, action: str, after: Mapping[str, Any] | None) -> str:
    state = dict(after or {})
    if address.startswith("account."):
        # AWS assigns the id, and echoes the email in its own case: neither is something a
        # reviewer chose, and a half-done create has an id the approved plan could not know.
        state.pop("account_id", None)
        state["email"] = str(state.get("email", "")).lower()
    return _sha256(json.dumps([address, action, state], sort_keys=True, separators=(",", ":")))


def keys_of(change: Change) -> set[str]:
    """The keys `change` approves. An account create also approves the update that finishes it
    (move and tag an account a killed run created): same account, same end state."""
    keys = {change_key(change.address, change.action, change.after)}
    if change.kind == "account" and change.action == "create":
        keys.add(change_key(change.address, "update", change.after))
    return keys


def approved_keys(plan: Plan) -> frozenset[str]:
    return frozenset(k for change in plan.changes for k in keys_of(change))


def digest(keys: Iterable[str]) -> str:
    return _sha256("\n".join(sorted(set(keys))))


def plan_digest(plan: Plan) -> str:
    """The one value the plan comment carries for the change set it shows."""
    return digest(approved_keys(plan))


def unapproved(plan: Plan, keys: frozenset[str]) -> list[str]:
    """Addresses of the plan's changes that no approved key covers."""
    return [c.address for c in plan.changes if change_key(c.address, c.action, c.after) not in keys]


@dataclass(frozen=True)
class ApprovalRecord:
    pull: int
    merge: str  # the merge commit applied
    head: str  # the pull request head the plan was shown for
    repository: str  # the merged tree's fingerprint
    digest: str  # equals the plan comment's `changes`
    keys: frozenset[str]

    def to_json(self) -> str:
        return json.dumps({"version": RECORD_VERSION, "pull": self.pull, "merge": self.merge,
                           "head": self.head, "repository": self.repository, "digest": self.digest,
                           "keys": sorted(self.keys)}, indent=1, sort_keys=True) + "\n"


def record_for(plan: Plan, pull: int, merge: str, head: str,
               predecessor: frozenset[str] = frozenset()) -> ApprovalRecord:
    """What this merge's reviewers approved: the plan's keys, and (when the plan shown was made
    before the previous merge's apply) the keys that apply already carried out."""
    keys = approved_keys(plan) | predecessor
    return ApprovalRecord(pull, merge, head, plan.repository_fingerprint, digest(keys), keys)


def parse_record(text: str) -> ApprovalRecord:
    """Strict: a record that is not exactly what `to_json` writes is refused (ValueError)."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("version") != RECORD_VERSION:
        raise ValueError("not a version 1 approval record")
    keys = data.get("keys")
    if not isinstance(keys, list) or not all(isinstance(k, str) and _KEY.match(k) for k in keys):
        raise ValueError("keys must be a list of sha256 digests")
    pull, merge = data.get("pull"), data.get("merge")
    if not isinstance(pull, int) or not isinstance(merge, str) or not _SHA.match(merge):
        raise ValueError("pull and merge are missing or malformed")
    return ApprovalRecord(pull, merge, str(data.get("head", "")), str(data.get("repository", "")),
                          str(data.get("digest", "")), frozenset(keys))


def record_ref(merge: str) -> str:
    if not _SHA.match(merge):
        raise ValueError(f"not a commit sha: {merge!r}")
    return REF_PREFIX + merge


def save_record(store: RecordStore, record: ApprovalRecord) -> None:
    message = f"Approval record of #{record.pull}, merged as {record.merge[:12]}"
    store.write_ref_file(record_ref(record.merge), RECORD_PATH, record.to_json(), message)


def load_record(store: RecordStore, merge: str) -> str | None:
    return store.read_ref_file(record_ref(merge), RECORD_PATH)


def predecessor_keys(store: RecordStore, applied: str | None, merge: str | None) -> frozenset[str]:
    """The keys the last gated apply (of commit `applied`) carried out, from its approval record;
    empty when there is none, it is this merge, or the record cannot be read."""
    if not applied or applied == merge or not _SHA.match(applied):
        return frozenset()
    text = load_record(store, applied)
    try:
        return parse_record(text).keys if text else frozenset()
    except ValueError:
        return frozenset()
