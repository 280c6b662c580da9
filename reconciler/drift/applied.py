"""What a reconcile run enforces: the last commit the gated apply brought AWS to, not main's head.

A merge reaches AWS only through the apply workflow's gate (a merged pull request, approved as
GitHub would count it, whose plan is the one shown). The scheduled reconcile must not be a way
around that gate: a merge the gate refused, a direct push by an administrator, a merged pull
request from a fork would otherwise reach AWS within 15 minutes as "drift repair". So the apply
records the commit it applied (refs/reconciler/applied), and reconcile compares AWS with that
commit's desired state; the merges after it are reported as waiting for the gate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Baseline:
    revision: str | None  # the commit whose files are the desired state; None: the checkout itself
    waiting: tuple[str, ...] = ()  # "sha subject" of main's commits after it, oldest first
    note: str | None = None  # for the run's report


def baseline(applied: str | None, head: str | None, between: Callable[[str, str], list[str]]) -> Baseline:
    if applied is None:
        return Baseline(None, note="no applied commit is recorded yet (refs/reconciler/applied): this run "
                        "reconciles the checkout; the first gated apply records one")
    if head is None or applied == head:
        return Baseline(None)
    waiting = tuple(between(applied, head))
    count = len(waiting)
    shown = "; ".join(line[:12] + line[40:] for line in waiting[:3]) + ("; ..." if count > 3 else "")
    return Baseline(applied, waiting, (
        f"{count} merged change{'s' * (count != 1)} on main since the last applied commit "
        f"{applied[:12]} wait{'s' * (count == 1)} for the apply gate ({shown}): reconcile enforces "
        "what was applied, and never applies a merge the gate has not passed (refused, still "
        "queued, or pushed without a pull request)"))
