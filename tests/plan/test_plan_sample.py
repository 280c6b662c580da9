"""The project's sample organization (organization.yaml, accounts/, policies/ at the repository
root) through the planner: against itself, against the live state apply leaves, from nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from plan_builders import live_of

from reconciler.model import Organization
from reconciler.plan.planner import plan
from reconciler.plan.render.markdown import render_markdown
from reconciler.plan.render.text import render_text

ROOT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample() -> Organization:
    load = pytest.importorskip("reconciler.repository.load")
    if not (ROOT_DIR / "organization.yaml").exists():
        pytest.skip("no sample organization in this checkout")
    return load.load_repository(ROOT_DIR)  # type: ignore[no-any-return]


def test_sample_against_itself_is_empty(sample: Organization) -> None:
    result = plan(sample, sample)
    assert result.empty and not result.unmanaged and not result.notes
    assert render_text(result) == "No changes. The organization matches the repository.\n"


def test_sample_against_what_apply_leaves_is_empty(sample: Organization) -> None:
    assert plan(sample, live_of(sample)).empty


def test_sample_from_a_new_organization(sample: Organization) -> None:
    fresh = Organization(management_account_id=sample.management_account_id)
    result = plan(sample, fresh)
    kinds = [c.kind for c in result.changes]
    assert kinds == sorted(kinds, key=["policy_type", "ou", "policy", "account", "attachment"].index)
    assert all(c.action == "create" for c in result.changes)
    created_ous = [c.address for c in result.changes if c.kind == "ou"]
    for address in created_ous:  # every parent before its children
        parent = address.rsplit("/", 1)[0]
        assert "/" not in address or created_ous.index(parent) < created_ous.index(address)
    assert len(result.changes) == sum(result.summary().values())
    summary = f"Plan: {len(result.changes)} to create, 0 to update, 0 to delete.\n"
    assert render_markdown(result).endswith(summary)


def test_sample_with_drift(sample: Organization) -> None:
    live = live_of(sample)
    first = live.accounts[0]
    drifted = replace(live, accounts=(replace(first, tags={**first.tags, "extra": "x"}), *live.accounts[1:]))
    result = plan(sample, drifted)
    assert [(c.address, c.changed) for c in result.changes] == [(f"account.{first.name}", ("tags",))]
    assert "- tags.extra = \"x\"" in render_text(result)
