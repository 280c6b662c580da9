"""The plan as GitHub markdown, for the pull request's plan comment and the job summary.

Everything that comes from the repository (names, descriptions, tag values, document strings) is
untrusted: outside code blocks it is HTML-escaped and markdown-escaped, and `@` gets a zero-width
joiner so a name like `@org/team` cannot notify anyone; inside a code block the fence is longer
than any backtick run in the text, so nothing can close it early. A comment's size is limited, so
`max_chars` drops detail in steps: first the per-change bodies, then changes past the budget.
"""

from __future__ import annotations

import html
import re

from reconciler.plan.adoption import group, title
from reconciler.plan.changes import Change, Plan
from reconciler.plan.render.lines import (
    EFFECTIVE_TITLE,
    SYMBOLS,
    detail,
    header_suffix,
    safe,
    summary_line,
    unmanaged_label,
)

TITLE = "### Reconciler plan"
OPEN_DETAIL_LINES = 25  # longer change bodies are folded in a <details> block
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:])")
_BACKTICKS = re.compile(r"`+")
NO_DETAIL = "_Details are left out to fit in a comment; run `reconciler plan` to see them._"


def md_text(text: str) -> str:
    """Untrusted text as inert markdown: no HTML, no formatting, no mentions, no links."""
    escaped = _SPECIAL.sub(r"\\\1", html.escape(safe(text), quote=False))
    return escaped.replace("@", "@\u200d").replace("\n", " ").replace("\r", " ")


def fenced(body: str, info: str = "") -> str:
    # Literal inside the fence, but a bot looking for its own `<!-- marker -->` in a comment body
    # must not find one that repository text planted.
    body = body.replace("<!--", "<!\u200d--").replace("-->", "-\u200d->")
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{body}\n{fence}"


def render_markdown(plan: Plan, *, max_chars: int | None = None) -> str:
    text = _compose(plan, detailed=True)
    if max_chars is None or len(text) <= max_chars:
        return text
    text = _compose(plan, detailed=False)
    return text if len(text) <= max_chars else _within(plan, max_chars)


def change_title(change: Change) -> str:
    return f"`{SYMBOLS[change.action]}` {md_text(change.address + header_suffix(change))}"


def _block(change: Change) -> str:
    lines = detail(change)
    if not lines:
        return change_title(change)
    body = fenced("\n".join(lines), "diff")
    if len(lines) > OPEN_DETAIL_LINES:
        body = f"<details><summary>{len(lines)} lines</summary>\n\n{body}\n\n</details>"
    return f"{change_title(change)}\n\n{body}"


def _compose(plan: Plan, detailed: bool) -> str:
    parts = [TITLE]
    grouped = group(plan.changes)
    if grouped.listed and detailed:
        parts += [_block(c) for c in grouped.listed]
    elif grouped.listed:
        parts += ["\n".join(f"- {change_title(c)}" for c in grouped.listed), NO_DETAIL]
    if grouped.adoptions:
        parts.append(_adoption(grouped.adoptions, detailed))
    parts += _tail(plan)
    return "\n\n".join(parts) + "\n"


def _adoption(adoptions: tuple[Change, ...], detailed: bool) -> str:
    example, *others = adoptions
    text = f"#### Adoption\n\n{md_text(title(len(adoptions)))}\n\n"
    if not detailed:
        return text + change_title(example)
    names = md_text(", ".join(c.address for c in others))
    return (text + _block(example) + f"\n\n<details><summary>The other {len(others)} accounts</summary>"
            f"\n\n{names}\n\n</details>")


def _tail(plan: Plan) -> list[str]:
    parts = []
    if plan.unmanaged:
        items = "\n".join(f"- {md_text(unmanaged_label(u))}" for u in plan.unmanaged)
        parts.append(f"#### Unmanaged: in AWS, not in the repository (left alone)\n\n{items}")
    if plan.notes:
        parts.append("#### Notes\n\n" + "\n".join(f"- {md_text(n)}" for n in plan.notes))
    if plan.effective:
        items = "\n".join(f"- {md_text(n)}" for n in plan.effective)
        parts.append(f"#### {EFFECTIVE_TITLE.rstrip(':')}\n\n{items}")
    parts.append(summary_line(plan))
    return parts


def _within(plan: Plan, max_chars: int) -> str:
    """As many one-line changes as fit, then counts; the summary line always comes last."""
    counts = []
    if plan.unmanaged:
        counts.append(f"{len(plan.unmanaged)} unmanaged items are left out.")
    if plan.notes:
        counts.append(f"{len(plan.notes)} notes are left out; run `reconciler plan` to read them.")
    if plan.effective:
        counts.append(f"{len(plan.effective)} effective-policy summaries are left out; "
                      "run `reconciler plan` to read them.")
    tail = "\n\n".join([*counts, summary_line(plan)]) + "\n"
    grouped = group(plan.changes)
    lines: list[str] = []
    if grouped.adoptions:
        lines.append(f"- Adoption: {len(grouped.adoptions)} accounts only gain the reconciler's own tags")
    used = len(TITLE) + len(tail) + 200 + sum(len(line) for line in lines)  # + separators, "more"
    for change in grouped.listed:
        line = f"- {change_title(change)}"
        if used + len(line) + 1 > max_chars:
            break
        lines.append(line)
        used += len(line) + 1
    more = len(grouped.listed) - (len(lines) - bool(grouped.adoptions))
    if more:
        lines.append(f"- … and {more} more changes; run `reconciler plan` to see them all.")
    text = "\n\n".join([TITLE, "\n".join(lines), tail.rstrip("\n")]) + "\n"
    return text if len(text) <= max_chars else summary_line(plan)[:max_chars]
