"""The effective management policy, computed locally (reconciler/effective.py), on plain values:
AWS's inheritance rules from "Understanding management policy inheritance" and "Inheritance
operators"."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.effective import Attached, effective_policy, merge_levels
from reconciler.model import Account, Organization, Policy

NONE = ["@@none"]


def _levels(*docs: list[dict[str, Any]]) -> list[list[Attached]]:
    return [[Attached(f"p{i}{j}", f"level{i}", d) for j, d in enumerate(level)]
            for i, level in enumerate(docs)]


CASES = [
    ("assign replaces what is inherited",
     [[{"a": {"@@assign": "x"}}], [{"a": {"@@assign": "y"}}]], {"a": "y"}),
    ("assign of a list replaces the list",
     [[{"a": {"@@assign": ["x", "y"]}}], [{"a": {"@@assign": ["z"]}}]], {"a": ["z"]}),
    ("append adds to the list, without repeats",
     [[{"a": {"@@assign": ["x"]}}], [{"a": {"@@append": ["x", "y"]}}]], {"a": ["x", "y"]}),
    ("append with nothing inherited adds",
     [[], [{"a": {"@@append": ["y"]}}]], {"a": ["y"]}),
    ("remove takes values out",
     [[{"a": {"@@assign": ["x", "y"]}}], [{"a": {"@@remove": ["x"]}}]], {"a": ["y"]}),
    ("nested keys merge key by key",
     [[{"s": {"a": {"@@assign": 1}}}], [{"s": {"b": {"@@assign": 2}}}]], {"s": {"a": 1, "b": 2}}),
    ("a plain value counts as @@assign",
     [[{"a": "x"}], [{"a": {"@@assign": "y"}}]], {"a": "y"}),
    ("@@none on a setting keeps the parent's value",
     [[{"a": {"@@assign": "x", "@@operators_allowed_for_child_policies": NONE}}], [{"a": {"@@assign": "y"}}]],
     {"a": "x"}),
    ("a control on a container limits every key below it",
     [[{"s": {"@@operators_allowed_for_child_policies": ["@@append"], "a": {"@@assign": ["x"]}}}],
      [{"s": {"a": {"@@assign": ["y"]}}}], [{"s": {"a": {"@@append": ["z"]}}}]],
     {"s": {"a": ["x", "z"]}}),
    ("a child cannot widen an inherited control",
     [[{"a": {"@@assign": ["x"], "@@operators_allowed_for_child_policies": ["@@append"]}}],
      [{"a": {"@@append": ["y"], "@@operators_allowed_for_child_policies": ["@@all"]}}],
      [{"a": {"@@assign": ["z"]}}]],
     {"a": ["x", "y"]}),
    ("a control does not bind other policies on the same target",
     [[{"a": {"@@assign": "x", "@@operators_allowed_for_child_policies": NONE}}, {"b": {"@@assign": "y"}}]],
     {"a": "x", "b": "y"}),
    ("the effective policy holds values only",
     [[{"a": {"@@assign": {"k": {"@@assign": "v"}}, "@@operators_allowed_for_child_policies": ["@@all"]}}]],
     {"a": {"k": "v"}}),
]


@pytest.mark.parametrize(("levels", "expected"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_inheritance(levels: list[list[dict[str, Any]]], expected: dict[str, Any]) -> None:
    assert merge_levels(_levels(*levels)).document == expected


def test_no_policy_reaching_the_account_is_no_effective_policy() -> None:
    assert merge_levels([[], [], []]).document is None


def test_a_forbidden_operator_is_reported_with_its_policy_and_key() -> None:
    result = merge_levels(_levels([{"a": {"@@assign": "x", "@@operators_allowed_for_child_policies": NONE}}],
                                  [{"a": {"@@assign": "y"}}]))
    [finding] = result.findings
    assert (finding.policy, finding.target, finding.path) == ("p10", "level1", ("a", "@@assign"))
    assert "@@assign is not allowed here" in finding.message


def test_two_policies_on_one_target_assigning_different_values_conflict() -> None:
    result = merge_levels(_levels([{"a": {"@@assign": "x"}}, {"a": {"@@assign": "y"}}]))
    assert [f.policy for f in result.findings] == ["p01"]
    assert "assign different values to a" in result.findings[0].message
    assert merge_levels(_levels([{"a": {"@@assign": "x"}}, {"a": {"@@assign": "x"}}])).findings == []


def test_levels_follow_the_accounts_path() -> None:
    org = Organization(
        management_account_id="111111111111",
        accounts=(Account("app", "a@example.com", "Work/Prod"),),
        policies=(
            Policy("r", "S3_POLICY", document={"s3": {"@@assign": "all"}}, targets=frozenset({"root"})),
            Policy("w", "S3_POLICY", document={"s3": {"@@assign": "none"}}, targets=frozenset({"ou:Work"})),
            Policy("other", "S3_POLICY", document={"s3": {"@@assign": "x"}}, targets=frozenset({"ou:Else"})),
            Policy("t", "TAG_POLICY", document={"tags": {}}, targets=frozenset({"root"})),
        ),
    )
    assert effective_policy(org, "app", "S3_POLICY").document == {"s3": "none"}
