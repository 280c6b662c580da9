"""The plan as text, for terminals and logs. The markdown for pull request comments and job
summaries is in reconciler.plan.render.markdown, the JSON in reconciler.plan.file.

All renderers are pure functions from a Plan to a string; only the commands print them.
"""

from __future__ import annotations

from reconciler.plan.adoption import group, title
from reconciler.plan.changes import Change, Plan
from reconciler.plan.render.lines import (
    EFFECTIVE_TITLE,
    detail,
    header,
    names_wrapped,
    safe,
    summary_line,
    unmanaged_label,
)

UNMANAGED_TITLE = "Unmanaged (in AWS, not in the repository; reported, never changed by a plan):"
NOTES_TITLE = "Notes (the repository asks for something AWS cannot do through this tool):"


def render_text(plan: Plan) -> str:
    lines: list[str] = []
    grouped = group(plan.changes)
    if grouped.listed:
        lines.append("Changes, in the order apply makes them:")
        for change in grouped.listed:
            lines += _change(change)
        lines.append("")
    if grouped.adoptions:
        example, *others = grouped.adoptions
        lines += [title(len(grouped.adoptions)), *_change(example)]
        lines.append(f"  The other {len(others)}:")
        lines += ["    " + line for line in names_wrapped(others)]
        lines.append("")
    if plan.unmanaged:
        lines.append(UNMANAGED_TITLE)
        lines += ["  " + unmanaged_label(u) for u in plan.unmanaged]
        lines.append("")
    if plan.notes:
        lines.append(NOTES_TITLE)
        lines += ["  - " + safe(note) for note in plan.notes]
        lines.append("")
    if plan.effective:
        lines.append(EFFECTIVE_TITLE)
        lines += ["  - " + safe(line) for line in plan.effective]
        lines.append("")
    lines.append(summary_line(plan))
    return "\n".join(lines) + "\n"


def _change(change: Change) -> list[str]:
    return ["  " + header(change), *("      " + line for line in detail(change))]
