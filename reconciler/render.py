"""Plans for people: `render_text` for terminals and logs, `render_markdown` for pull request
comments and job summaries (in render_markdown.py), JSON through `reconciler.plan_json`.

All renderers are pure functions from a Plan to a string; only the CLI prints them.
"""

from __future__ import annotations

from reconciler.changes import Plan
from reconciler.render_lines import detail, header, safe, summary_line, unmanaged_label
from reconciler.render_markdown import render_markdown

__all__ = ["render_markdown", "render_text"]

UNMANAGED_TITLE = "Unmanaged (in AWS, not in the repository; reported, never changed by a plan):"
NOTES_TITLE = "Notes (the repository asks for something AWS cannot do through this tool):"


def render_text(plan: Plan) -> str:
    lines: list[str] = []
    if plan.changes:
        lines.append("Changes, in the order apply makes them:")
        for change in plan.changes:
            lines.append("  " + header(change))
            lines += ["      " + line for line in detail(change)]
        lines.append("")
    if plan.unmanaged:
        lines.append(UNMANAGED_TITLE)
        lines += ["  " + unmanaged_label(u) for u in plan.unmanaged]
        lines.append("")
    if plan.notes:
        lines.append(NOTES_TITLE)
        lines += ["  - " + safe(note) for note in plan.notes]
        lines.append("")
    lines.append(summary_line(plan))
    return "\n".join(lines) + "\n"
