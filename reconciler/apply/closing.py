"""Pacing closes by AWS's CloseAccount quotas, for the commands that close accounts (plan shows the
queue, apply and the reconcile run follow it). Reads CloudTrail only when the plan closes something."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime

from reconciler.errors import AwsError
from reconciler.live.calls import AwsCalls
from reconciler.live.closes import recent_closes
from reconciler.live.cloudtrail import denied
from reconciler.model import Organization
from reconciler.plan.changes import Change, Plan
from reconciler.plan.lifecycle import ClosePacer, close_pacer


def closes_in(changes: Iterable[Change]) -> list[str]:
    return [c.address for c in changes if c.kind == "account" and c.action == "delete"]


def close_pacer_for(client: AwsCalls, desired: Organization, live: Organization, changes: Iterable[Change],
                    now: datetime) -> ClosePacer | None:
    """The pacer for a plan's closes (None when it closes nothing: no CloudTrail read then)."""
    if not closes_in(changes):
        return None
    try:
        recent = list(recent_closes(client, now).values())
    except AwsError as exc:
        if not denied(exc):
            raise
        recent = []  # without cloudtrail:LookupEvents: AWS's own quota refusal makes a close wait
    return close_pacer(desired, live, recent, now)


def with_close_queue(plan: Plan, pacer: ClosePacer | None) -> Plan:
    """The plan with one note per close that cannot start now, saying how long it waits."""
    if pacer is None:
        return plan
    schedule = pacer.schedule(closes_in(plan.changes))
    waiting = [f"{address}: {when}; apply and the scheduled reconcile start it when AWS's close quotas "
               "allow (CloseAccount: 3 in progress, and a rolling 30-day quota)"
               for address, when in schedule if when != "now"]
    if not waiting:
        return plan
    now = ", ".join(address for address, when in schedule if when == "now") or "none"
    summary = (f"{len(schedule) - len(waiting)} of {len(schedule)} account closes start now ({now}); "
               f"{len(waiting)} wait, each below")
    return dataclasses.replace(plan, notes=(*plan.notes, summary, *waiting))
