"""The AWS lease as the commands hold it (reconciler.pullrequests.lease): apply-merged waits for
it, reconcile takes it only if it is free."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Final

import click

from reconciler import clock
from reconciler.apply.audit import RunInfo
from reconciler.errors import ReconcilerError
from reconciler.pullrequests.lease import Holder, LeaseStore, Outcome, acquire, release

WAIT_ENV: Final = "RECONCILER_LEASE_WAIT"  # seconds an apply waits for the lease; default 50 minutes
DEFAULT_WAIT: Final = timedelta(minutes=50)  # the apply job's timeout is 60


def _now() -> datetime:
    return clock.now()


def holder(run: RunInfo) -> Holder:
    return Holder(run.command, run.run_id, run.run_url, _now().isoformat())


def _wait() -> timedelta:
    value = os.environ.get(WAIT_ENV, "").strip()
    if not value:
        return DEFAULT_WAIT
    if not value.isdigit():
        raise ReconcilerError(f"{WAIT_ENV}={value!r} is not a number of seconds: set it to how long an "
                              "apply may wait for another run to finish (e.g. 3000), or unset it")
    return timedelta(seconds=int(value))


def take(store: LeaseStore, me: Holder, wait: timedelta) -> Outcome:
    outcome = acquire(store, me, _now, time.sleep, wait)
    if outcome.broken is not None:
        click.echo(f"broke a stale lease: {outcome.broken.describe()} (a run that died)", err=True)
    return outcome


@contextmanager
def holding_lease(store: LeaseStore, run: RunInfo) -> Iterator[None]:
    """Hold the lease for the block, waiting for it; refuse (nothing changed) if it stays taken."""
    me, wait = holder(run), _wait()
    outcome = take(store, me, wait)
    if not outcome.held:
        other = outcome.other.describe() if outcome.other else "another run"
        raise ReconcilerError(f"another run changes AWS now ({other}) and did not finish within "
                              f"{int(wait.total_seconds() // 60)} minutes; nothing was changed. "
                              "Re-run this workflow when it has finished")
    try:
        yield
    finally:
        release(store, me)


@contextmanager
def lease_if_free(store: LeaseStore | None, run: RunInfo, wanted: bool) -> Iterator[str | None]:
    """For reconcile: the lease if it is free, never waiting. Yields None when the run may change
    AWS (it holds the lease, or wanted none), else why it must only detect and report."""
    if not wanted or store is None:
        yield None
        return
    me = holder(run)
    outcome = take(store, me, timedelta(0))
    if not outcome.held:
        other = outcome.other.describe() if outcome.other else "another run"
        yield (f"another run is changing AWS ({other}): this run detects and reports drift and "
               "changes nothing; the next scheduled run acts on what is left")
        return
    try:
        yield None
    finally:
        release(store, me)
