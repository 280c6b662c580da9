"""The plan shows, for a changed management policy, how many accounts' effective policy changes and
one example account's diff (docs/plan.md, "Effective policies")."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from plan_builders import acct, live_of, org

from reconciler.model import SCP, Policy
from reconciler.plan.planner import plan, plan_from_json, plan_to_json
from reconciler.plan.render.markdown import render_markdown
from reconciler.plan.render.text import render_text

S3 = "S3_POLICY"
TYPES = frozenset({SCP, S3})


def _s3(value: str, *targets: str, **fields: Any) -> Policy:
    document = {"s3_attributes": {"public_access_block_configuration": {"@@assign": value}}}
    return Policy("s3-bpa", S3, document=document, targets=frozenset(targets), **fields)


def _desired(policy: Policy) -> Any:
    return org("Work", "Play", accounts=(acct("a", "Work"), acct("b", "Work"), acct("c", "Play")),
               policies=(policy,), types=TYPES)


def test_an_edited_management_policy_counts_the_accounts_and_shows_one_diff() -> None:
    """The count, the command to see one, and that account's diff; in text, markdown and the plan file."""
    desired = _desired(_s3("all", "ou:Work"))
    live = live_of(_desired(_s3("none", "ou:Work")))
    result = plan(desired, live)
    [note] = result.effective
    assert note == (
        "S3_POLICY: the effective policy of 2 accounts changes (`reconciler effective account:a "
        "--type S3_POLICY`); for example a: - s3_attributes.public_access_block_configuration = \"none\"; "
        '+ s3_attributes.public_access_block_configuration = "all"')
    assert not result.notes
    assert "  - " + note in render_text(result)
    assert "#### Effective management policies" in render_markdown(result)
    assert plan_from_json(plan_to_json(result)).effective == result.effective


def test_a_new_attachment_reaches_the_accounts_below_it() -> None:
    desired = _desired(_s3("all", "root"))
    live = live_of(_desired(_s3("all", "ou:Play")))
    [note] = plan(desired, live).effective
    assert note.startswith("S3_POLICY: the effective policy of 3 accounts changes")  # a, b, management
    assert '+ s3_attributes.public_access_block_configuration = "all"' in note


def test_no_change_to_a_management_policy_no_note() -> None:
    desired = _desired(_s3("all", "root"))
    assert not plan(desired, live_of(desired)).effective
    moved = replace(desired, accounts=tuple(replace(a, ou="Play") if a.name == "a" else a
                                            for a in desired.accounts))
    assert not plan(moved, live_of(desired)).effective
