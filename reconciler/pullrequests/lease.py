"""One run at a time changes AWS: a lease on a git ref of the repository.

GitHub's concurrency groups keep at most one pending run per group and cancel the older pending
one when a newer run arrives, so an apply queued behind a long reconcile would be cancelled by the
next scheduled run, and its merge never applied. The apply workflow therefore has no concurrency
group (GitHub never cancels it), and every run that changes AWS holds this lease while it does:

- the lease is the ref `refs/reconciler/lease`, created with the git refs API, which refuses to
  create a ref that exists (HTTP 422): of two runs that try at once, exactly one gets it;
- it points at a small commit whose `lease.json` says who holds it (command, run, since when);
- an apply waits for it (polling, bounded); a reconcile does not wait: it detects and reports,
  changes nothing, and says an apply is running;
- a lease older than `STALE_AFTER` (longer than any job may run) is a holder that died, and so is
  one held by an earlier attempt of the same workflow run (GitHub starts "Re-run jobs" only after
  the attempt before it ended): it is broken, and the run that breaks it says so.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Protocol

REF: Final = "refs/reconciler/lease"
FILE: Final = "lease.json"
STALE_AFTER: Final = timedelta(minutes=90)  # the longest job (reconcile) may run 75 minutes
POLL: Final = timedelta(seconds=15)


class LeaseStore(Protocol):
    def create_ref_file(self, ref: str, path: str, text: str, message: str) -> bool:
        """A commit holding only `path`, at `ref`, only if `ref` does not exist; False if it does."""
        ...

    def read_ref_file(self, ref: str, path: str) -> str | None: ...
    def delete_ref(self, ref: str) -> None: ...


@dataclass(frozen=True)
class Holder:
    command: str
    run_id: str
    run_url: str | None
    since: str  # ISO 8601

    def text(self) -> str:
        return json.dumps(vars(self), sort_keys=True) + "\n"

    def describe(self) -> str:
        where = f" ({self.run_url})" if self.run_url else ""
        return f"{self.command} run {self.run_id}{where}, since {self.since}"


@dataclass(frozen=True)
class Outcome:
    held: bool
    other: Holder | None = None  # who holds it, when we do not
    broken: Holder | None = None  # a stale holder this run removed


def acquire(store: LeaseStore, me: Holder, now: Callable[[], datetime],
            sleep: Callable[[float], None], wait: timedelta) -> Outcome:
    """Take the lease, waiting up to `wait` for a live holder to let go."""
    started = now()
    broken: Holder | None = None
    while True:
        if store.create_ref_file(REF, FILE, me.text(), f"lease: {me.describe()}"):
            return Outcome(True, broken=broken)
        other = _holder(store.read_ref_file(REF, FILE))
        if other is None or _stale(other, now()) or _earlier_attempt(other, me):
            store.delete_ref(REF)  # a dead holder (or an unreadable lease): break it, try again
            broken = other
            continue
        if now() - started >= wait:
            return Outcome(False, other=other, broken=broken)
        sleep(POLL.total_seconds())


def release(store: LeaseStore, me: Holder) -> None:
    """Let go, if the lease is still ours (a holder taken for dead may have lost it)."""
    if _holder(store.read_ref_file(REF, FILE)) == me:
        store.delete_ref(REF)


def _holder(text: str | None) -> Holder | None:
    try:
        data: Mapping[str, Any] = json.loads(text or "")
        return Holder(str(data["command"]), str(data["run_id"]), data.get("run_url"), str(data["since"]))
    except (ValueError, KeyError, TypeError):
        return None


def _earlier_attempt(other: Holder, me: Holder) -> bool:
    """GitHub starts a re-run's attempt only after the earlier attempt ended: a lease held by an
    earlier attempt of this same run (run id `123-1` for `123-2`) belongs to a run that died."""
    mine, _, attempt = me.run_id.rpartition("-")
    theirs, _, earlier = other.run_id.rpartition("-")
    numbered = earlier.isdigit() and attempt.isdigit()
    return bool(mine) and mine == theirs and numbered and int(earlier) < int(attempt)


def _stale(holder: Holder, now: datetime) -> bool:
    try:
        since = datetime.fromisoformat(holder.since)
    except ValueError:
        return True
    return now - since >= STALE_AFTER
