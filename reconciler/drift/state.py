"""What the drift reconciler remembers between runs.

Runs happen on ephemeral Actions runners, so nothing survives on disk. The state is one small JSON
document that `remediate` keeps in the GitHub repository itself, as a blob behind the ref
`refs/reconciler/state` (written through the git data API; see docs/reconcile.md for why). This
module holds the document and its pure transitions; reading and writing it is the GitHub port's.

- last_run / last_full_scan: where the incremental path starts reading CloudTrail, and when the
  next full scan is due;
- open: every drift still present, with when it was first seen (time to remediate);
- failures: consecutive failed remediations per address, and the issue opened for a person;
- ids: AWS ids from the last full scan, and every account's AWS State (`ids["accounts"]`, kept as
  {state: "id id ..."}: about 13 bytes an account, 130 kB for 10,000), updated by the incremental
  path's re-reads. A state without `ids["accounts"]` (written before it existed) gets a full scan.
- lifecycle: when each account was first seen (what `lease: {days}` counts from), when each
  retiring account's grace period started, and the last Cost Explorer read (docs/lifecycle.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

VERSION = 1
FAILURES_FOR_ISSUE = 3  # a remediation failing this many runs in a row needs a person
MAX_ERRORS_KEPT = 3


@dataclass
class Failure:
    count: int = 0
    errors: list[str] = field(default_factory=list)
    issue: int | None = None


@dataclass
class OpenDrift:
    fingerprint: str
    first_seen: str  # ISO 8601, UTC
    kind: str


@dataclass
class State:
    last_run: str | None = None
    last_full_scan: str | None = None
    open: dict[str, OpenDrift] = field(default_factory=dict)
    failures: dict[str, Failure] = field(default_factory=dict)
    ttr: list[float] = field(default_factory=list)  # recent times to remediate, seconds
    repository: str | None = None  # the repository fingerprint the last run saw
    # AWS ids from the last full scan (root, OU paths, policy names): the incremental path reads
    # only what CloudTrail says changed, and needs the rest's ids for reverts.
    ids: dict[str, Any] = field(default_factory=dict)
    # Drift whose pull request the last run deferred (reconcile.max_pull_requests_per_run).
    deferred: list[str] = field(default_factory=list)
    # Account lifecycle (reconciler.drift.lifecycle.Book): first sightings, grace starts, spend.
    lifecycle: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "version": VERSION, "last_run": self.last_run, "last_full_scan": self.last_full_scan,
            "open": {a: vars(o) for a, o in sorted(self.open.items())},
            "failures": {a: vars(f) for a, f in sorted(self.failures.items())},
            "ttr": self.ttr, "repository": self.repository, "ids": self.ids,
            "deferred": sorted(self.deferred), "lifecycle": self.lifecycle,
        }
        return json.dumps(data, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str | None) -> State:
        """A damaged or foreign document starts fresh: the next run is then a full scan, which is
        always safe; refusing to run would leave drift unhandled."""
        try:
            data = json.loads(text) if text else {}
            if not isinstance(data, dict) or data.get("version") != VERSION:
                return cls()
            return cls(
                last_run=data.get("last_run"), last_full_scan=data.get("last_full_scan"),
                open={a: OpenDrift(**o) for a, o in data.get("open", {}).items()},
                failures={a: Failure(**f) for a, f in data.get("failures", {}).items()},
                ttr=[float(t) for t in data.get("ttr", [])], repository=data.get("repository"),
                ids=dict(data.get("ids", {})), deferred=[str(a) for a in data.get("deferred", [])],
                lifecycle=dict(data.get("lifecycle", {})),
            )
        except (ValueError, TypeError):
            return cls()


def encode_states(states: Mapping[str, str]) -> dict[str, str]:
    """{account id: State} as {State: "id id ..."}, ids sorted: compact for 10,000 accounts."""
    grouped: dict[str, list[str]] = {}
    for account_id, state in states.items():
        grouped.setdefault(state, []).append(account_id)
    return {state: " ".join(sorted(ids)) for state, ids in sorted(grouped.items())}


def decode_states(encoded: Any) -> dict[str, str] | None:
    """The inverse of `encode_states`; None for a missing or damaged entry (then: a full scan)."""
    if not isinstance(encoded, dict) or not all(isinstance(v, str) for v in encoded.values()):
        return None
    return {account_id: str(state) for state, ids in encoded.items() for account_id in ids.split()}


def seconds_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def observe(state: State, drifts: dict[str, tuple[str, str]], now: str,
            covered: frozenset[str] | None = None) -> dict[str, str]:
    """Record this run's drift ({address: (fingerprint, kind)}). Returns the drift that is gone
    since the last run ({address: first_seen}): merged pull requests, changes undone by hand.
    `covered` limits what this run looked at (incremental): the rest is neither seen nor gone."""
    gone = {a: o.first_seen for a, o in state.open.items()
            if a not in drifts and (covered is None or a in covered)}
    for address in gone:
        del state.open[address]
    for address, (fingerprint, kind) in drifts.items():
        known = state.open.get(address)
        if known is None or known.fingerprint != fingerprint:
            state.open[address] = OpenDrift(fingerprint, now, kind)
    return gone


def resolve(state: State, address: str) -> str | None:
    """The drift was remediated this run; returns when it was first seen."""
    known = state.open.pop(address, None)
    return known.first_seen if known else None


def record_failure(state: State, address: str, error: str) -> Failure:
    failure = state.failures.setdefault(address, Failure())
    failure.count += 1
    failure.errors = [*failure.errors, error][-MAX_ERRORS_KEPT:]
    return failure


def record_success(state: State, address: str) -> Failure | None:
    """Clears the failure streak; returns it when an issue was open for it, so it can be closed."""
    failure = state.failures.pop(address, None)
    return failure if failure and failure.issue is not None else None


def needs_issue(failure: Failure) -> bool:
    return failure.count >= FAILURES_FOR_ISSUE and failure.issue is None
