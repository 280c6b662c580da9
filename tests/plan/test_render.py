"""Renderers: golden output for a small plan, escaping of hostile repository text, markdown size."""

from __future__ import annotations

import re

import pytest

from reconciler.plan.changes import Change, Plan, Unmanaged
from reconciler.plan.render.markdown import render_markdown
from reconciler.plan.render.text import render_text

DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "a:B", "Resource": "*"}]}
SMALL = Plan(
    changes=(
        Change("ou.Work", "ou", "create", after={"path": "Work", "tags": {}}),
        Change("policy.deny", "policy", "update", changed=("document",), reach=2,
               before={"name": "deny", "type": "SERVICE_CONTROL_POLICY", "description": "", "document": DOC},
               after={"name": "deny", "type": "SERVICE_CONTROL_POLICY", "description": "",
                      "document": {**DOC, "Version": "2008-10-17"}}),
        Change("account.app", "account", "update", changed=("tags",),
               before={"name": "app", "tags": {"a": "1", "b": "2"}},
               after={"name": "app", "tags": {"a": "9", "c": "3"}}),
        Change("attachment.deny.ou:Work", "attachment", "create", reach=1,
               after={"policy": "deny", "target": "ou:Work"}),
        Change("account.old", "account", "delete",
               before={"name": "old", "account_id": "333333333333", "email": "o@example.com"}),
    ),
    unmanaged=(Unmanaged("ou.Legacy", "ou", {"path": "Legacy"}),),
    notes=("a note",),
)

TEXT = """\
Changes, in the order apply makes them:
  + ou.Work
  ~ policy.deny (document)  reaches 2 accounts
      ~ document:
      @@ -6,5 +6,5 @@
             "Resource": "*"
           }
         ],
      -  "Version": "2012-10-17"
      +  "Version": "2008-10-17"
       }
  ~ account.app (tags)
      ~ tags.a: "1" -> "9"
      - tags.b = "2"
      + tags.c = "3"
  + attachment.deny.ou:Work  reaches 1 account
  - account.old (close account)
      - account_id: "333333333333"
      - email: "o@example.com"

Unmanaged (in AWS, not in the repository; reported, never changed by a plan):
  ou.Legacy

Notes (the repository asks for something AWS cannot do through this tool):
  - a note

Plan: 2 to create, 2 to update, 1 to delete.
"""


def test_text_golden() -> None:
    assert render_text(SMALL) == TEXT


def test_markdown_golden_parts() -> None:
    text = render_markdown(SMALL)
    assert text.startswith("### Reconciler plan\n\n`+` ou\\.Work\n\n"
                           "`~` policy\\.deny \\(document\\)  reaches 2")
    assert '```diff\n~ document:\n@@ -6,5 +6,5 @@\n' in text
    assert '-  "Version": "2012-10-17"\n+  "Version": "2008-10-17"\n }\n```' in text
    assert "- ou\\.Legacy" in text and "- a note" in text
    assert text.endswith("\nPlan: 2 to create, 2 to update, 1 to delete.\n")


def test_empty_plan_says_so() -> None:
    for output in (render_text(Plan()), render_markdown(Plan())):
        assert output.rstrip("\n").splitlines()[-1] == "No changes. The organization matches the repository."


HOSTILE = "@team ``` </details> <!-- marker --> [x](http://e) *b* \x1b[31m \u202e"


def hostile_plan() -> Plan:
    return Plan(
        changes=(
            Change(f"policy.{HOSTILE}", "policy", "create", reach=1, after={
                "name": HOSTILE, "type": "SERVICE_CONTROL_POLICY", "description": HOSTILE,
                "document": {"Sid": HOSTILE, "x": "````` five"}}),
            Change("account.a", "account", "update", changed=("tags",),
                   before={"tags": {}}, after={"tags": {"k": HOSTILE}}),
        ),
        unmanaged=(Unmanaged(f"ou.{HOSTILE}", "ou", {}),),
        notes=(f"account {HOSTILE!r} note",),
    )


def outside_fences(markdown: str) -> str:
    """The markdown with fenced blocks removed: what GitHub interprets as markdown and HTML."""
    kept, fence = [], None
    for line in markdown.splitlines():
        match = re.match(r"^(`{3,})", line)
        if fence is None and match:
            fence = match.group(1)
        elif fence is not None and line.strip() == fence:
            fence = None
        elif fence is None:
            kept.append(line)
    assert fence is None, "a fence was left open"
    return "\n".join(kept)


@pytest.mark.parametrize("max_chars", [None, 1500, 400])
def test_markdown_neutralizes_hostile_text(max_chars: int | None) -> None:
    text = render_markdown(hostile_plan(), max_chars=max_chars)
    prose = outside_fences(text)
    assert "<" not in prose.replace("<details>", "").replace("</details>", "").replace(
        "<summary>", "").replace("</summary>", "")
    assert "@team" not in prose
    assert "@\u200dteam" in prose or max_chars == 400
    assert "<!--" not in text.replace("&lt;!--", "")
    assert "](" not in prose.replace("\\](", "")
    assert "\x1b" not in text and "\u202e" not in text


def test_fence_is_longer_than_any_backtick_run_inside() -> None:
    text = render_markdown(hostile_plan())
    assert "``````diff\n" in text  # five backticks in a document string: a fence of six
    assert outside_fences(text).count("five") == 0


def test_text_escapes_terminal_control_characters() -> None:
    text = render_text(hostile_plan())
    assert "\x1b" not in text and "\u202e" not in text and "\\u001b" in text


def test_markdown_collapses_to_fit() -> None:
    many = Plan(changes=tuple(
        Change(f"policy.p{i}", "policy", "create", reach=i, after={"name": f"p{i}", "document": DOC})
        for i in range(300)))
    full = render_markdown(many)
    assert len(full) > 20000
    compact = render_markdown(many, max_chars=20000)
    assert len(compact) <= 20000 and "```" not in compact and "policy\\.p299" in compact
    tiny = render_markdown(many, max_chars=3000)
    assert len(tiny) <= 3000 and "more changes" in tiny
    assert tiny.endswith("Plan: 300 to create, 0 to update, 0 to delete.\n")


def test_long_change_bodies_are_folded() -> None:
    big = {"Version": "2012-10-17", "Statement": [{"Sid": f"S{i}", "Effect": "Deny"} for i in range(10)]}
    folded = Plan(changes=(Change("policy.big", "policy", "create", reach=3,
                                  after={"name": "big", "type": "SERVICE_CONTROL_POLICY", "document": big}),))
    text = render_markdown(folded)
    assert "<details><summary>" in text and "\n\n```diff\n+ type" in text and text.count("</details>") == 1
    assert render_text(folded).count('"Sid": "S') == 10


def _adopt(name: str, before: dict[str, str] | None = None, extra: dict[str, str] | None = None) -> Change:
    before = before or {}
    after = {**before, "managed-by": "reconciler", "environment": "dev", **(extra or {})}
    return Change(f"account.{name}", "account", "update", changed=("tags",),
                  before={"name": name, "tags": before}, after={"name": name, "tags": after})


ADOPTING = Plan(changes=(
    Change("ou.Work", "ou", "create", after={"path": "Work", "tags": {}}),
    _adopt("a1", {"team": "x"}), _adopt("a2"), _adopt("a3"),
    _adopt("not-adoption-extra", extra={"team": "y"}),          # gains a tag of its own
    _adopt("not-adoption-changed", {"environment": "prod"}),    # alters one it has
))


def test_accounts_that_only_gain_reconciler_tags_are_one_group() -> None:
    text = render_text(ADOPTING)
    head, group = text.split("Adoption: 3 accounts", 1)
    assert "+ ou.Work" in head
    assert "account.not-adoption-extra" in head and "account.not-adoption-changed" in head
    assert "account.a1" not in head and "~ account.a1 (tags)" in group
    assert "The other 2:\n    account.a2, account.a3\n" in group
    assert text.endswith("Plan: 1 to create, 5 to update (3 of them adoption), 0 to delete.\n")
    markdown = render_markdown(ADOPTING)
    assert "#### Adoption" in markdown and "<summary>The other 2 accounts</summary>" in markdown
    assert "account\\.a3" in markdown


def test_a_few_adoptions_are_listed_like_any_change() -> None:
    plan = Plan(changes=(_adopt("a1"), _adopt("a2")))
    assert "Adoption" not in render_text(plan).split("Plan:")[0]
    assert "~ account.a1 (tags)" in render_text(plan)


def test_adoption_group_survives_the_comment_size_limit() -> None:
    adoptions = tuple(_adopt(f"acct-{n:04d}") for n in range(3000))
    alone = render_markdown(Plan(changes=adoptions), max_chars=4000)  # without the names
    assert len(alone) <= 4000 and "3000 accounts only gain" in alone and "acct\\-2999" not in alone
    ous = tuple(Change(f"ou.Unit{n}", "ou", "create", after={"path": f"Unit{n}", "tags": {}})
                for n in range(500))
    crowded = render_markdown(Plan(changes=ous + adoptions), max_chars=4000)  # one line a change
    assert len(crowded) <= 4000
    assert "- Adoption: 3000 accounts only gain the reconciler's own tags" in crowded
    assert "more changes; run `reconciler plan`" in crowded
    assert crowded.rstrip().endswith("(3000 of them adoption), 0 to delete.")
