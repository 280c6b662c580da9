"""Apply-then-plan is empty: random drift on generated organizations, the plan applied in memory
the way AWS behaves, then planned again."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from plan_builders import full_access, generated, live_of
from plan_simulator import drift, simulate

from reconciler.model import ROOT, Organization
from reconciler.plan.planner import plan


def organization(seed: int) -> Organization:
    """A generated organization; a third of them declare where FullAWSAccess stays."""
    org = generated(seed)
    if seed % 3:
        return org
    declared = full_access(ROOT, *(f"ou:{o.path}" for o in org.ous[:3]))
    return replace(org, policies=(*org.policies, declared))


def without_ids(org: Organization) -> Organization:
    """Every fourth account without an id in the repository: matched by email, or created."""
    return replace(org, accounts=tuple(replace(a, account_id=None) if i % 4 == 1 else a
                                       for i, a in enumerate(org.accounts)))


@pytest.mark.parametrize("seed", range(30))
def test_apply_then_plan_is_empty(seed: int) -> None:
    org = organization(seed)
    gone = frozenset(a.name for i, a in enumerate(org.accounts) if i % 8 == 1)
    live = drift(live_of(org), random.Random(seed), gone)
    desired = without_ids(org)
    first = plan(desired, live)
    assert not first.empty
    assert any(c.address.startswith("account.") and c.action == "create" for c in first.changes)
    second = plan(desired, simulate(live, first))
    assert [(c.address, c.action, c.changed) for c in second.changes] == []
    assert {u.address for u in second.unmanaged} >= {"account.stray", "ou.Stray"}
